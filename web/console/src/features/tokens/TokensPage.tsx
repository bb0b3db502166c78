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
import { SelectField } from '../../ui/SelectField';
import { ShownOnce } from '../../ui/ShownOnce';
import { useNotify } from '../../ui/Toast';
import { useRoles } from '../roles/rolesApi';
import { useWorkspace } from '../workspace/workspace';

const TOKENS_KEY = ['tokens'] as const;
const OWN_ROLE = '__own__';

function SecretOnce({ token, onDone }: { token: Schemas['CreatedToken']; onDone: () => void }) {
  const t = useT();
  return <ShownOnce title={t('tokens.secretOnce', { name: token.name })} value={token.secret} label={t('tokens.secret')} testId="token-secret" hint={t('tokens.usage')} onDone={onDone} />;
}

export default function TokensPage() {
  const t = useT();
  const format = useFormat();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can, role: myRole } = useWorkspace();
  const canWrite = can('tokens', 'write');
  const roles = useRoles(can('roles', 'read'));
  const [name, setName] = useState('');
  const [role, setRole] = useState(OWN_ROLE);
  const [created, setCreated] = useState<Schemas['CreatedToken'] | null>(null);
  const tokens = useQuery({ queryKey: TOKENS_KEY, queryFn: () => unwrap(api.GET('/api/v1/tokens', { params: { query: { limit: 500 } } })) });

  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/tokens', { body: { name, workspace: workspace.id, role: role === OWN_ROLE ? null : role } })),
    onSuccess: async (token) => {
      setCreated(token);
      setName('');
      await queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });

  async function revoke(token: Schemas['ApiToken']) {
    await unwrap(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id: token.id } } }));
    await queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    notify(t('tokens.revoked', { name: token.name }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  const items = (tokens.data?.items ?? []).filter((token) => token.workspace === workspace.id);
  return (
    <>
      <PageHeader title={t('nav.tokens')}>
        <p className="muted">{t('tokens.subtitle')}</p>
      </PageHeader>
      {canWrite ? (
        <Section title={t('tokens.create')}>
          {created ? <SecretOnce token={created} onDone={() => setCreated(null)} /> : null}
          <form className="row wrap align-end" onSubmit={submit}>
            <TextField label={t('tokens.name')} required value={name} onValue={setName} error={fieldError(create.error, 'name')} />
            <SelectField
              label={t('tokens.role')}
              value={role}
              onValue={setRole}
              error={fieldError(create.error, 'role')}
              options={[{ value: OWN_ROLE, label: t('tokens.ownRole', { role: myRole ?? '' }) }, ...(roles.data?.items ?? []).map((r) => ({ value: r.name, label: r.name }))]}
            />
            <Button type="submit" variant="primary" busy={create.isPending}>
              {t('tokens.createButton')}
            </Button>
          </form>
          <ErrorMessage message={actionError(create.error, ['name', 'role'])} />
        </Section>
      ) : null}
      <Section title={t('tokens.yours')}>
        <ErrorMessage message={tokens.error?.message} />
        {tokens.isPending ? (
          <Loading label={t('common.loading')} />
        ) : items.length === 0 ? (
          <EmptyState>{t('tokens.none')}</EmptyState>
        ) : (
          <TableWrap label={t('tokens.yours')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('tokens.name')}</th>
                  <th scope="col">{t('tokens.role')}</th>
                  <th scope="col">{t('tokens.createdAt')}</th>
                  <th scope="col">{t('tokens.lastUsed')}</th>
                  <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {items.map((token) => (
                  <tr key={token.id}>
                    <td>{token.name}</td>
                    <td>{token.role}</td>
                    <td className="nowrap">{format.dateTime(token.created_at)}</td>
                    <td className="nowrap">{token.last_used_at ? format.dateTime(token.last_used_at) : t('tokens.never')}</td>
                    <td>
                      <ConfirmDialog
                        trigger={<Button small variant="ghost" aria-label={t('tokens.revokeNamed', { name: token.name })}>{t('tokens.revoke')}</Button>}
                        title={t('tokens.revokeTitle')}
                        description={t('tokens.revokeConfirm', { name: token.name })}
                        confirmLabel={t('tokens.revoke')}
                        onConfirm={() => revoke(token)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Section>
    </>
  );
}
