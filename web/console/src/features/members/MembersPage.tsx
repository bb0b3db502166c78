import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextField } from '../../ui/Field';
import { EmptyState, Loading, PageHeader, Section, TableWrap } from '../../ui/Layout';
import { SelectControl, SelectField } from '../../ui/SelectField';
import { ShownOnce } from '../../ui/ShownOnce';
import { useNotify } from '../../ui/Toast';
import { invitationKeys } from '../invitations/keys';
import { useRoles } from '../roles/rolesApi';
import { useUser } from '../session/session';
import { workspaceKeys, useWorkspace } from '../workspace/workspace';

type Member = Schemas['Member'];

function useMemberKeys() {
  const { workspace } = useWorkspace();
  return { members: ['members', workspace.id] as const, invitations: invitationKeys.workspace(workspace.id) };
}

/** The invitation's link with its one-time code, which the API returns only when inviting. */
function InvitationLink({ invitation, onDone }: { invitation: Schemas['CreatedInvitation']; onDone: () => void }) {
  const t = useT();
  const link = new URL(invitation.accept_path, window.location.origin).href;
  return <ShownOnce title={t('members.linkOnce', { email: invitation.email })} value={link} label={t('members.invitationLink')} testId="invitation-link" hint={t('members.linkHint')} onDone={onDone} />;
}

function InviteForm({ roleNames }: { roleNames: string[] }) {
  const t = useT();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const keys = useMemberKeys();
  const { workspace } = useWorkspace();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('editor');
  const [created, setCreated] = useState<Schemas['CreatedInvitation'] | null>(null);
  const invite = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/workspaces/{workspace}/members', { params: { path: { workspace: workspace.id } }, body: { email, role } })),
    onSuccess: async (invitation) => {
      await queryClient.invalidateQueries({ queryKey: keys.invitations });
      notify(t('members.invited', { email }));
      setCreated(invitation.accept_path ? invitation : null);
      setEmail('');
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    invite.mutate();
  }
  return (
    <Section title={t('members.invite')}>
      {created ? <InvitationLink invitation={created} onDone={() => setCreated(null)} /> : null}
      <form className="row wrap align-end" onSubmit={submit}>
        <TextField label={t('auth.email')} type="email" required value={email} onValue={setEmail} error={fieldError(invite.error, 'email')} />
        <SelectField label={t('members.role')} value={role} onValue={setRole} error={fieldError(invite.error, 'role')} options={roleNames.map((name) => ({ value: name, label: name }))} />
        <Button type="submit" variant="primary" busy={invite.isPending}>
          {t('members.sendInvite')}
        </Button>
      </form>
      <ErrorMessage message={actionError(invite.error, ['email', 'role'])} />
      <p className="hint">{t('members.inviteHint')}</p>
    </Section>
  );
}

function MemberRow({ member, roleNames, canWrite }: { member: Member; roleNames: string[]; canWrite: boolean }) {
  const t = useT();
  const notify = useNotify();
  const user = useUser();
  const queryClient = useQueryClient();
  const keys = useMemberKeys();
  const { workspace } = useWorkspace();
  const path = { workspace: workspace.id, user: member.user_id };
  const change = useMutation({
    mutationFn: (role: string) => unwrap(api.PATCH('/api/v1/workspaces/{workspace}/members/{user}', { params: { path }, body: { role } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.members });
      if (member.user_id === user.id) await queryClient.invalidateQueries({ queryKey: workspaceKeys.permissions(workspace.id) });
      notify(t('members.roleChanged', { name: member.name }));
    },
  });
  async function remove() {
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace}/members/{user}', { params: { path } }));
    await queryClient.invalidateQueries({ queryKey: keys.members });
    notify(t('members.removed', { name: member.name }));
  }
  return (
    <tr>
      <td>
        {member.name}
        {member.user_id === user.id ? <span className="badge">{t('members.you')}</span> : null}
      </td>
      <td>{member.email}</td>
      <td>
        {canWrite ? (
          <>
            <SelectControl
              ariaLabel={t('members.roleOf', { name: member.name })}
              value={member.role}
              onValue={(role) => change.mutate(role)}
              disabled={change.isPending}
              options={[...new Set([...roleNames, member.role])].map((name) => ({ value: name, label: name }))}
            />
            <ErrorMessage message={actionError(change.error)} />
          </>
        ) : (
          member.role
        )}
      </td>
      {canWrite ? (
        <td>
          <ConfirmDialog
            trigger={<Button small variant="ghost" aria-label={t('members.removeNamed', { name: member.name })}>{t('members.remove')}</Button>}
            title={t('members.removeTitle')}
            description={t('members.removeConfirm', { name: member.name, workspace: workspace.name })}
            confirmLabel={t('members.remove')}
            onConfirm={remove}
          />
        </td>
      ) : null}
    </tr>
  );
}

function OpenInvitations({ canWrite }: { canWrite: boolean }) {
  const t = useT();
  const format = useFormat();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const keys = useMemberKeys();
  const { workspace } = useWorkspace();
  const invitations = useQuery({
    queryKey: keys.invitations,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/invitations', { params: { path: { workspace: workspace.id } } })),
  });
  async function withdraw(invitation: Schemas['Invitation']) {
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace}/invitations/{id}', { params: { path: { workspace: workspace.id, id: invitation.id } } }));
    await queryClient.invalidateQueries({ queryKey: keys.invitations });
    notify(t('members.withdrawn', { email: invitation.email }));
  }
  const items = invitations.data ?? [];
  return (
    <Section title={t('members.openInvitations')}>
      <ErrorMessage message={invitations.error?.message} />
      {items.length === 0 ? (
        <EmptyState>{invitations.isPending ? t('common.loading') : t('members.noInvitations')}</EmptyState>
      ) : (
        <TableWrap label={t('members.openInvitations')}>
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">{t('auth.email')}</th>
                <th scope="col">{t('members.role')}</th>
                <th scope="col">{t('members.invitedBy')}</th>
                <th scope="col">{t('members.expires')}</th>
                {canWrite ? <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((invitation) => (
                <tr key={invitation.id}>
                  <td>{invitation.email}</td>
                  <td>{invitation.role}</td>
                  <td>{invitation.invited_by}</td>
                  <td className="nowrap">{format.dateTime(invitation.expires_at)}</td>
                  {canWrite ? (
                    <td>
                      <ConfirmDialog
                        trigger={<Button small variant="ghost" aria-label={t('members.withdrawNamed', { email: invitation.email })}>{t('members.withdraw')}</Button>}
                        title={t('members.withdrawTitle')}
                        description={t('members.withdrawConfirm', { email: invitation.email })}
                        confirmLabel={t('members.withdraw')}
                        onConfirm={() => withdraw(invitation)}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Section>
  );
}

export default function MembersPage() {
  const t = useT();
  const keys = useMemberKeys();
  const { workspace, can } = useWorkspace();
  const canWrite = can('members', 'write');
  const roles = useRoles(can('roles', 'read'));
  const members = useQuery({
    queryKey: keys.members,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/members', { params: { path: { workspace: workspace.id }, query: { limit: 500 } } })),
  });
  const roleNames = roles.data?.items.map((role) => role.name) ?? ['owner', 'admin', 'editor', 'viewer'];
  const items = members.data?.items ?? [];
  return (
    <>
      <PageHeader title={t('nav.members')} />
      {canWrite ? <InviteForm roleNames={roleNames} /> : null}
      <Section title={t('members.list')}>
        <ErrorMessage message={members.error?.message} />
        {members.isPending ? (
          <Loading label={t('common.loading')} />
        ) : (
          <TableWrap label={t('members.list')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('auth.name')}</th>
                  <th scope="col">{t('auth.email')}</th>
                  <th scope="col">{t('members.role')}</th>
                  {canWrite ? <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th> : null}
                </tr>
              </thead>
              <tbody>
                {items.map((member) => (
                  <MemberRow key={member.user_id} member={member} roleNames={roleNames} canWrite={canWrite} />
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Section>
      {can('members', 'read') ? <OpenInvitations canWrite={canWrite} /> : null}
    </>
  );
}
