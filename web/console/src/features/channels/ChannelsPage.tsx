import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { actionError, unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { EmptyState, Loading, PageHeader, TableWrap } from '../../ui/Layout';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';
import { ChannelDialog } from './ChannelDialog';
import { accountOf, channelKeys, settingsOf, stateBadge, useChannels, type Channel } from './channelsApi';
import { PairingDialog } from './PairingDialog';
import { WaContactsDialog } from './WaContactsDialog';
import { ApprovedTemplatesDialog } from './ApprovedTemplatesDialog';
import { TestChannelDialog } from './TestChannelDialog';

/** What a channel is, in a few words: its provider or settings at a glance. */
function ChannelSummary({ channel }: { channel: Channel }) {
  const t = useT();
  const format = useFormat();
  const config = settingsOf(channel);
  if (channel.kind === 'smtp') {
    return <span className="small muted">{`${String(config.from_address ?? '')} · ${String(config.host ?? '')}:${String(config.port ?? '')}`}</span>;
  }
  if (channel.kind === 'whatsapp_web') {
    const account = accountOf(channel);
    return <span className="small muted">{account.number ? [account.number, account.business_name].filter(Boolean).join(' · ') : t('channels.notPaired')}</span>;
  }
  if (channel.kind === 'plugin') return <span className="small muted">{String(config.plugin ?? '')}</span>;
  if (channel.kind === 'whatsapp_cloud') {
    const phone = (config.phone ?? {}) as Record<string, unknown>;
    return <span className="small muted">{[phone.display_phone_number, phone.verified_name, phone.quality_rating].filter(Boolean).map(String).join(' · ')}</span>;
  }
  return (
    <span className="small muted">
      {t('channels.sandboxSummary', {
        delivered: format.percent(Number(config.delivered_rate ?? 0)),
        read: format.percent(Number(config.read_rate ?? 0)),
        failed: format.percent(Number(config.failed_rate ?? 0)),
        delay: format.number(Number(config.delay_ms ?? 0)),
      })}
    </span>
  );
}

export default function ChannelsPage() {
  const t = useT();
  const format = useFormat();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const canWrite = can('channels', 'write');
  const channels = useChannels();
  const [editing, setEditing] = useState<Channel | null>(null);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [testing, setTesting] = useState<Channel | null>(null);
  const [approved, setApproved] = useState<Channel | null>(null);
  const [pairing, setPairing] = useState<Channel | null>(null);
  const [waContacts, setWaContacts] = useState<Channel | null>(null);
  const canImport = can('contacts', 'write');

  const setState = useMutation({
    mutationFn: ({ channel, state }: { channel: Channel; state: 'active' | 'paused' }) =>
      unwrap(api.PATCH('/api/v1/workspaces/{workspace}/channels/{id}', { params: { path: { workspace: workspace.id, id: channel.id } }, body: { state } })),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: channelKeys.all(workspace.id) });
      notify(t(saved.state === 'paused' ? 'channels.pausedNamed' : 'channels.resumedNamed', { name: saved.name }));
    },
  });

  async function remove(channel: Channel) {
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace}/channels/{id}', { params: { path: { workspace: workspace.id, id: channel.id } } }));
    await queryClient.invalidateQueries({ queryKey: channelKeys.all(workspace.id) });
    notify(t('channels.deleted', { name: channel.name }));
  }

  async function unlink(channel: Channel) {
    await unwrap(api.POST('/api/v1/workspaces/{workspace}/channels/{id}/logout', { params: { path: { workspace: workspace.id, id: channel.id } } }));
    await queryClient.invalidateQueries({ queryKey: channelKeys.all(workspace.id) });
    notify(t('channels.unlinked', { name: channel.name }));
  }

  function openDialog(channel: Channel | null) {
    setEditing(channel);
    setDialogOpen(true);
  }

  const items = channels.data?.items ?? [];
  return (
    <>
      <PageHeader
        title={t('nav.channels')}
        actions={
          canWrite ? (
            <Button variant="primary" onClick={() => openDialog(null)}>
              {t('channels.add')}
            </Button>
          ) : null
        }
      >
        <p className="muted">{t('channels.subtitle')}</p>
      </PageHeader>
      <ErrorMessage message={channels.error?.message} />
      <ErrorMessage message={actionError(setState.error)} />
      {channels.isPending ? (
        <Loading label={t('common.loading')} />
      ) : items.length === 0 ? (
        <EmptyState>{t('channels.none')}</EmptyState>
      ) : (
        <TableWrap label={t('nav.channels')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('channels.name')}</th>
                <th scope="col">{t('channels.state')}</th>
                <th scope="col" className="num">{t('channels.sent')}</th>
                <th scope="col" className="num">{t('channels.failed')}</th>
                <th scope="col" className="num">{t('channels.received')}</th>
                <th scope="col">{t('channels.lastActivity')}</th>
                {canWrite ? <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((channel) => {
                const health = channel.health ?? {};
                return (
                  <tr key={channel.id}>
                    <td>
                      <strong>{channel.name}</strong> <span className="tag">{t(`channels.kind.${channel.kind}`)}</span>
                      <div>
                        <ChannelSummary channel={channel} />
                      </div>
                      {channel.kind === 'whatsapp_web' && canImport && (channel.state === 'active' || channel.state === 'paused') ? (
                        <Button small variant="ghost" onClick={() => setWaContacts(channel)} aria-label={t('channels.waContactsNamed', { name: channel.name })}>
                          {t('channels.waContacts')}
                        </Button>
                      ) : null}
                      {channel.kind === 'whatsapp_cloud' ? (
                        <Button small variant="ghost" onClick={() => setApproved(channel)} aria-label={t('channels.approvedNamed', { name: channel.name })}>
                          {t('channels.approvedOpen')}
                        </Button>
                      ) : null}
                    </td>
                    <td>
                      <span className={stateBadge(channel.state)} data-testid="channel-state" data-state={channel.state}>
                        {t(`channels.state.${channel.state}`)}
                      </span>
                      {channel.state_reason ? <div className="small">{channel.state_reason}</div> : null}
                    </td>
                    <td className="num">{format.number(health.sent ?? 0)}</td>
                    <td className="num">{format.number(health.failed ?? 0)}</td>
                    <td className="num">{format.number(health.received ?? 0)}</td>
                    <td className="small">
                      {health.last_success_at ? <div>{t('channels.lastSuccess', { when: format.dateTime(health.last_success_at) })}</div> : null}
                      {health.last_error_at ? (
                        <div className="field-error">
                          {health.last_error?.trim()
                            ? `${t('channels.lastError', { when: format.dateTime(health.last_error_at) })} ${health.last_error}`
                            : t('channels.lastErrorNoReason', { when: format.dateTime(health.last_error_at) })}
                        </div>
                      ) : null}
                      {!health.last_success_at && !health.last_error_at ? <span className="muted">{t('channels.noActivity')}</span> : null}
                    </td>
                    {canWrite ? (
                      <td>
                        <div className="row wrap">
                          <Button small onClick={() => openDialog(channel)} aria-label={t('channels.editNamed', { name: channel.name })}>
                            {t('common.edit')}
                          </Button>
                          <Button small onClick={() => setTesting(channel)} aria-label={t('channels.testNamed', { name: channel.name })}>
                            {t('channels.sendTest')}
                          </Button>
                          {channel.kind === 'whatsapp_web' && channel.state !== 'active' && channel.state !== 'paused' ? (
                            <Button small variant="primary" onClick={() => setPairing(channel)} aria-label={t('channels.pairNamed', { name: channel.name })}>
                              {t('channels.pair')}
                            </Button>
                          ) : null}
                          {channel.kind === 'whatsapp_web' && channel.state !== 'logged_out' ? (
                            <ConfirmDialog
                              trigger={
                                <Button small variant="ghost" aria-label={t('channels.unlinkNamed', { name: channel.name })}>
                                  {t('channels.unlink')}
                                </Button>
                              }
                              title={t('channels.unlinkTitle')}
                              description={t('channels.unlinkConfirm', { name: channel.name })}
                              confirmLabel={t('channels.unlink')}
                              onConfirm={() => unlink(channel)}
                            />
                          ) : null}
                          {channel.state === 'paused' ? (
                            <Button small busy={setState.isPending && setState.variables.channel.id === channel.id} onClick={() => setState.mutate({ channel, state: 'active' })} aria-label={t('channels.resumeNamed', { name: channel.name })}>
                              {t('channels.resume')}
                            </Button>
                          ) : (
                            <Button small busy={setState.isPending && setState.variables.channel.id === channel.id} onClick={() => setState.mutate({ channel, state: 'paused' })} aria-label={t('channels.pauseNamed', { name: channel.name })}>
                              {t('channels.pause')}
                            </Button>
                          )}
                          <ConfirmDialog
                            trigger={
                              <Button small variant="ghost" aria-label={t('channels.deleteNamed', { name: channel.name })}>
                                {t('common.delete')}
                              </Button>
                            }
                            title={t('channels.deleteTitle')}
                            description={t('channels.deleteConfirm', { name: channel.name })}
                            confirmLabel={t('common.delete')}
                            onConfirm={() => remove(channel)}
                          />
                        </div>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
      <ApprovedTemplatesDialog channel={approved} onClose={() => setApproved(null)} />
      <WaContactsDialog channel={waContacts} onClose={() => setWaContacts(null)} />
      {canWrite ? (
        <>
          <ChannelDialog open={dialogOpen} onOpenChange={setDialogOpen} channel={editing} />
          <TestChannelDialog channel={testing} onClose={() => setTesting(null)} />
          <PairingDialog channel={pairing} onClose={() => setPairing(null)} />
        </>
      ) : null}
    </>
  );
}
