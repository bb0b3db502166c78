import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { api, type Schemas } from '../../api/client';
import { actionError, unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { EmptyState, Loading, PageHeader, Section } from '../../ui/Layout';
import { useNotify } from '../../ui/Toast';
import { CreateWorkspaceDialog } from '../workspace/CreateWorkspaceDialog';
import { useWorkspaces, workspaceKeys } from '../workspace/workspace';
import { invitationKeys } from './keys';

type Invitation = Schemas['Invitation'];

interface InvitationCardProps {
  id: string;
  /** Known when the invitation is in your list; an account newer than it only has the link. */
  invitation: Invitation | null;
  /** The one-time code from the invitation's link. */
  code: string | null;
}

function InvitationCard({ id, invitation, code }: InvitationCardProps) {
  const t = useT();
  const format = useFormat();
  const notify = useNotify();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const workspaces = useWorkspaces();
  const [busy, setBusy] = useState<'accept' | 'decline' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const name = invitation?.workspace_name ?? t('invitations.aWorkspace');

  async function answer(kind: 'accept' | 'decline') {
    setBusy(kind);
    setError(null);
    const before = new Set((workspaces.data?.items ?? []).map((workspace) => workspace.id));
    try {
      const request = { params: { path: { id } }, body: code ? { code } : {} };
      if (kind === 'accept') await unwrap(api.POST('/api/v1/invitations/{id}/accept', request));
      else await unwrap(api.POST('/api/v1/invitations/{id}/decline', request));
      await queryClient.invalidateQueries({ queryKey: invitationKeys.mine });
      if (kind === 'decline') {
        notify(t('invitations.declined', { workspace: name }));
        void navigate('/invitations', { replace: true });
        return;
      }
      notify(t('invitations.accepted', { workspace: name }));
      const after = await queryClient.fetchQuery({
        queryKey: workspaceKeys.list,
        queryFn: () => unwrap(api.GET('/api/v1/workspaces', { params: { query: { limit: 500 } } })),
        staleTime: 0,
      });
      const joined = invitation?.workspace ?? after.items.find((workspace) => !before.has(workspace.id))?.id;
      void navigate(joined ? `/w/${joined}` : '/');
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(null);
    }
  }

  return (
    <li className="card invitation" data-testid="invitation">
      <p>
        <strong>
          {invitation ? t('invitations.invitedTo', { workspace: invitation.workspace_name, role: invitation.role }) : t('invitations.byLink')}
        </strong>
      </p>
      {invitation ? (
        <p className="muted small">
          {t('invitations.by', { name: invitation.invited_by })} · {t('invitations.expires', { date: format.dateTime(invitation.expires_at) })}
        </p>
      ) : null}
      <ErrorMessage message={actionError(error)} />
      <div className="row">
        <Button variant="primary" busy={busy === 'accept'} disabled={busy !== null} onClick={() => void answer('accept')}>
          {t('invitations.accept')}
        </Button>
        <Button busy={busy === 'decline'} disabled={busy !== null} onClick={() => void answer('decline')}>
          {t('invitations.decline')}
        </Button>
      </div>
    </li>
  );
}

/** Your open invitations; `/app/invitations/:invitationId?code=…` is the link an invitation sends. */
export default function InvitationsPage() {
  const t = useT();
  const { invitationId } = useParams();
  const [params] = useSearchParams();
  const code = params.get('code');
  const [creating, setCreating] = useState(false);
  const workspaces = useWorkspaces();
  const invitations = useQuery({ queryKey: invitationKeys.mine, queryFn: () => unwrap(api.GET('/api/v1/invitations')) });
  const items = invitations.data?.items ?? [];
  const linked = invitationId ? (items.find((item) => item.id === invitationId) ?? null) : null;
  const others = items.filter((item) => item.id !== invitationId);
  const noWorkspace = workspaces.data?.items.length === 0;

  return (
    <>
      <PageHeader title={t('nav.invitations')} />
      <ErrorMessage message={invitations.error?.message} />
      {invitations.isPending ? (
        <Loading label={t('common.loading')} />
      ) : !invitationId && items.length === 0 ? (
        <EmptyState>{t('invitations.none')}</EmptyState>
      ) : (
        <ul className="plain-list">
          {invitationId ? <InvitationCard key={invitationId} id={invitationId} invitation={linked} code={code} /> : null}
          {others.map((invitation) => (
            <InvitationCard key={invitation.id} id={invitation.id} invitation={invitation} code={null} />
          ))}
        </ul>
      )}
      {noWorkspace ? (
        <Section title={t('invitations.noWorkspaceTitle')}>
          <p>{t('invitations.noWorkspace')}</p>
          <Button variant="primary" onClick={() => setCreating(true)}>
            {t('workspace.create')}
          </Button>
        </Section>
      ) : null}
      <CreateWorkspaceDialog open={creating} onOpenChange={setCreating} />
    </>
  );
}
