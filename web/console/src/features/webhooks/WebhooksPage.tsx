import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { CheckboxField, TextField } from '../../ui/Field';
import { EmptyState, Loading, PageHeader, Section, TableWrap } from '../../ui/Layout';
import { ShownOnce } from '../../ui/ShownOnce';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';

type Webhook = Schemas['Webhook'];
type Delivery = Schemas['Delivery'];

/** Event families a subscription can take, with the permission that reads each. */
const FAMILIES = [
  { family: 'message', resource: 'messages' },
  { family: 'campaign', resource: 'campaigns' },
  { family: 'contact', resource: 'contacts' },
  { family: 'import', resource: 'contacts' },
  { family: 'channel', resource: 'channels' },
  { family: 'webhook', resource: 'webhooks' },
] as const;

const keys = {
  all: (workspace: string) => ['webhooks', workspace] as const,
  deliveries: (workspace: string, id: string) => ['webhooks', workspace, id, 'deliveries'] as const,
};

/** What an attempt came to, in a few words: `HTTP 200 · 35 ms` or the error. */
function outcome(attempt: Schemas['Attempt'] | undefined): string {
  if (!attempt) return '—';
  const status = attempt.status != null ? `HTTP ${attempt.status}` : attempt.error ?? '—';
  return `${status} · ${attempt.latency_ms} ms`;
}

function Deliveries({ webhook, canWrite }: { webhook: Webhook; canWrite: boolean }) {
  const t = useT();
  const format = useFormat();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace } = useWorkspace();
  const deliveries = useQuery({
    queryKey: keys.deliveries(workspace.id, webhook.id),
    refetchInterval: 5000,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/workspaces/{workspace}/webhooks/{id}/deliveries', {
          params: { path: { workspace: workspace.id, id: webhook.id }, query: { limit: 500 } },
        }),
      ),
  });
  const redeliver = useMutation({
    mutationFn: (delivery: Delivery) =>
      unwrap(
        api.POST('/api/v1/workspaces/{workspace}/webhooks/{id}/deliveries/{delivery}/redeliver', {
          params: { path: { workspace: workspace.id, id: webhook.id, delivery: delivery.id } },
        }),
      ),
    onSuccess: async (delivery) => {
      notify(t('webhooks.attempted', { outcome: outcome(delivery.attempts[delivery.attempts.length - 1]) }));
      await queryClient.invalidateQueries({ queryKey: keys.deliveries(workspace.id, webhook.id) });
    },
  });
  // Newest first: what an admin looks for is the latest trouble.
  const items = [...(deliveries.data?.items ?? [])].reverse();
  return (
    <Section title={t('webhooks.deliveriesOf', { url: webhook.url })}>
      <ErrorMessage message={deliveries.error?.message ?? actionError(redeliver.error, [])} />
      {deliveries.isPending ? (
        <Loading label={t('common.loading')} />
      ) : items.length === 0 ? (
        <EmptyState>{t('webhooks.noDeliveries')}</EmptyState>
      ) : (
        <TableWrap label={t('webhooks.deliveries')}>
          <table className="table" data-testid="webhook-deliveries">
            <thead>
              <tr>
                <th scope="col">{t('webhooks.event')}</th>
                <th scope="col">{t('webhooks.state')}</th>
                <th scope="col">{t('webhooks.attempts')}</th>
                <th scope="col">{t('webhooks.lastAttempt')}</th>
                <th scope="col">{t('webhooks.next')}</th>
                <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((delivery) => {
                const last = delivery.attempts[delivery.attempts.length - 1];
                return (
                  <tr key={delivery.id}>
                    <td>
                      <code>{delivery.type}</code>
                      <div className="muted small">{format.dateTime(delivery.created_at)}</div>
                    </td>
                    <td>
                      <span className={delivery.state === 'delivered' ? 'badge badge-ok' : delivery.state === 'dead' ? 'badge badge-warn' : 'badge'}>
                        {t(`webhooks.state.${delivery.state}` as 'webhooks.state.pending')}
                      </span>
                    </td>
                    <td>{format.number(delivery.attempts.length)}</td>
                    <td className="nowrap" title={last?.response ?? undefined}>{outcome(last)}</td>
                    <td className="nowrap">{delivery.next_attempt_at ? format.dateTime(delivery.next_attempt_at) : '—'}</td>
                    <td>
                      {canWrite ? (
                        <Button small variant="ghost" busy={redeliver.isPending && redeliver.variables?.id === delivery.id} onClick={() => redeliver.mutate(delivery)}>
                          {t('webhooks.redeliver')}
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Section>
  );
}

export default function WebhooksPage() {
  const t = useT();
  const format = useFormat();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const canWrite = can('webhooks', 'write');
  const readable = FAMILIES.filter((f) => can(f.resource, 'read'));
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [families, setFamilies] = useState<string[]>(['message']);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const webhooks = useQuery({
    queryKey: keys.all(workspace.id),
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/webhooks', { params: { path: { workspace: workspace.id }, query: { limit: 500 } } })),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.all(workspace.id) });
  const path = (id: string) => ({ params: { path: { workspace: workspace.id, id } } });

  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/workspaces/{workspace}/webhooks', {
          params: { path: { workspace: workspace.id } },
          body: { url, description, types: families.map((f) => `${f}.*`) },
        }),
      ),
    onSuccess: async (created) => {
      setSecret({ url: created.webhook.url, secret: created.secret });
      setUrl('');
      setDescription('');
      await refresh();
    },
  });
  const ping = useMutation({
    mutationFn: (webhook: Webhook) => unwrap(api.POST('/api/v1/workspaces/{workspace}/webhooks/{id}/ping', path(webhook.id))),
    onSuccess: async (delivery, webhook) => {
      notify(t('webhooks.pinged', { outcome: outcome(delivery.attempts[delivery.attempts.length - 1]) }));
      await queryClient.invalidateQueries({ queryKey: keys.deliveries(workspace.id, webhook.id) });
    },
  });
  const toggle = useMutation({
    mutationFn: (webhook: Webhook) =>
      unwrap(api.PATCH('/api/v1/workspaces/{workspace}/webhooks/{id}', { ...path(webhook.id), body: { active: !webhook.active } })),
    onSuccess: refresh,
  });
  const rotate = useMutation({
    mutationFn: (webhook: Webhook) => unwrap(api.POST('/api/v1/workspaces/{workspace}/webhooks/{id}/rotate-secret', path(webhook.id))),
    onSuccess: async (rotated) => {
      setSecret({ url: rotated.webhook.url, secret: rotated.secret });
      await refresh();
    },
  });

  async function remove(webhook: Webhook) {
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace}/webhooks/{id}', path(webhook.id)));
    if (open === webhook.id) setOpen(null);
    await refresh();
    notify(t('webhooks.deleted', { url: webhook.url }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  const items = webhooks.data?.items ?? [];
  const opened = items.find((w) => w.id === open) ?? null;
  const failure = actionError(create.error, ['url', 'types', 'description']) ?? actionError(ping.error, []) ?? actionError(toggle.error, []) ?? actionError(rotate.error, []);
  return (
    <>
      <PageHeader title={t('nav.webhooks')}>
        <p className="muted">{t('webhooks.subtitle')}</p>
      </PageHeader>
      {secret ? (
        <ShownOnce title={t('webhooks.secretOnce', { url: secret.url })} value={secret.secret} label={t('webhooks.secret')} testId="webhook-secret" hint={t('webhooks.verify')} onDone={() => setSecret(null)} />
      ) : null}
      {canWrite ? (
        <Section title={t('webhooks.create')}>
          <form className="stack" onSubmit={submit}>
            <TextField label={t('webhooks.url')} required type="url" placeholder="https://" value={url} onValue={setUrl} error={fieldError(create.error, 'url')} />
            <TextField label={t('webhooks.description')} value={description} onValue={setDescription} error={fieldError(create.error, 'description')} />
            <fieldset className="stack">
              <legend>{t('webhooks.types')}</legend>
              {readable.map(({ family }) => (
                <CheckboxField
                  key={family}
                  label={t(`webhooks.family.${family}` as 'webhooks.family.message')}
                  checked={families.includes(family)}
                  onChecked={(on) => setFamilies((now) => (on ? [...now, family] : now.filter((f) => f !== family)))}
                />
              ))}
              <ErrorMessage message={fieldError(create.error, 'types')} />
            </fieldset>
            <div>
              <Button type="submit" variant="primary" busy={create.isPending} disabled={families.length === 0}>
                {t('webhooks.createButton')}
              </Button>
            </div>
          </form>
        </Section>
      ) : null}
      <ErrorMessage message={failure} />
      <Section title={t('webhooks.list')}>
        <ErrorMessage message={webhooks.error?.message} />
        {webhooks.isPending ? (
          <Loading label={t('common.loading')} />
        ) : items.length === 0 ? (
          <EmptyState>{t('webhooks.none')}</EmptyState>
        ) : (
          <TableWrap label={t('webhooks.list')}>
            <table className="table" data-testid="webhooks">
              <thead>
                <tr>
                  <th scope="col">{t('webhooks.url')}</th>
                  <th scope="col">{t('webhooks.types')}</th>
                  <th scope="col">{t('webhooks.state')}</th>
                  <th scope="col">{t('webhooks.lastSuccess')}</th>
                  <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {items.map((webhook) => (
                  <tr key={webhook.id}>
                    <td>
                      <code className="break">{webhook.url}</code>
                      {webhook.description ? <div className="muted small">{webhook.description}</div> : null}
                    </td>
                    <td className="small">{webhook.types.join(', ')}</td>
                    <td>
                      {!webhook.active ? (
                        <span className="badge badge-warn" title={webhook.disabled_reason ?? undefined}>{t('webhooks.off')}</span>
                      ) : webhook.failing_since ? (
                        <span className="badge badge-warn">{t('webhooks.failingSince', { since: format.dateTime(webhook.failing_since) })}</span>
                      ) : (
                        <span className="badge badge-ok">{t('webhooks.on')}</span>
                      )}
                      {webhook.disabled_reason ? <div className="muted small">{webhook.disabled_reason}</div> : null}
                    </td>
                    <td className="nowrap">{webhook.last_success_at ? format.dateTime(webhook.last_success_at) : '—'}</td>
                    <td>
                      <div className="row wrap">
                        <Button small variant="ghost" onClick={() => setOpen(open === webhook.id ? null : webhook.id)} aria-expanded={open === webhook.id}>
                          {t('webhooks.deliveries')}
                        </Button>
                        {canWrite ? (
                          <>
                            <Button small variant="ghost" busy={ping.isPending && ping.variables?.id === webhook.id} onClick={() => ping.mutate(webhook)}>
                              {t('webhooks.ping')}
                            </Button>
                            <Button small variant="ghost" busy={toggle.isPending && toggle.variables?.id === webhook.id} onClick={() => toggle.mutate(webhook)}>
                              {webhook.active ? t('webhooks.switchOff') : t('webhooks.switchOn')}
                            </Button>
                            <ConfirmDialog
                              trigger={<Button small variant="ghost">{t('webhooks.rotate')}</Button>}
                              title={t('webhooks.rotateTitle')}
                              description={t('webhooks.rotateConfirm')}
                              confirmLabel={t('webhooks.rotate')}
                              danger={false}
                              onConfirm={() => rotate.mutateAsync(webhook).then(() => undefined)}
                            />
                            <ConfirmDialog
                              trigger={<Button small variant="ghost">{t('common.delete')}</Button>}
                              title={t('webhooks.deleteTitle')}
                              description={t('webhooks.deleteConfirm', { url: webhook.url })}
                              confirmLabel={t('common.delete')}
                              onConfirm={() => remove(webhook)}
                            />
                          </>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Section>
      {opened ? <Deliveries webhook={opened} canWrite={canWrite} /> : null}
    </>
  );
}
