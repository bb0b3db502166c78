import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { actionError, unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { EmptyState, Loading, TableWrap } from '../../ui/Layout';
import { useWorkspace } from '../workspace/workspace';
import { approvedKeys, useApprovedTemplates, type Channel } from './channelsApi';

interface ApprovedTemplatesDialogProps {
  channel: Channel | null;
  onClose: () => void;
}

/** A Cloud API channel's message templates at Meta, as last refreshed, with a refresh. */
export function ApprovedTemplatesDialog({ channel, onClose }: ApprovedTemplatesDialogProps) {
  return channel ? <ApprovedTemplatesFrame key={channel.id} channel={channel} onClose={onClose} /> : null;
}

function ApprovedTemplatesFrame({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const t = useT();
  const format = useFormat();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const templates = useApprovedTemplates(channel.id);
  const refresh = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/workspaces/{workspace}/channels/{id}/templates/refresh', { params: { path: { workspace: workspace.id, id: channel.id } } })),
    onSuccess: (fresh) => queryClient.setQueryData(approvedKeys.one(workspace.id, channel.id), fresh),
  });
  const items = templates.data?.templates ?? [];
  return (
    <Dialog open wide onOpenChange={(open) => (open ? undefined : onClose())} title={t('channels.approvedTitle', { name: channel.name })} description={t('channels.approvedExplained')}>
      <div className="stack">
        <ErrorMessage message={templates.error?.message} />
        <ErrorMessage message={actionError(refresh.error)} />
        <p className="muted small" data-testid="approved-refreshed">
          {templates.data?.refreshed_at ? t('channels.approvedRefreshedAt', { when: format.dateTime(templates.data.refreshed_at) }) : t('channels.approvedNever')}
        </p>
        {templates.isPending ? (
          <Loading label={t('common.loading')} />
        ) : items.length === 0 ? (
          <EmptyState>{t('channels.approvedNone')}</EmptyState>
        ) : (
          <TableWrap label={t('channels.approvedTitle', { name: channel.name })}>
            <table className="table compact" data-testid="approved-templates">
              <thead>
                <tr>
                  <th scope="col">{t('channels.approvedName')}</th>
                  <th scope="col">{t('channels.approvedLanguage')}</th>
                  <th scope="col">{t('channels.approvedStatus')}</th>
                  <th scope="col">{t('channels.approvedBody')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((template) => (
                  <tr key={`${template.name}:${template.language}`}>
                    <th scope="row">
                      {template.name}
                      {template.category ? <div className="small muted">{template.category}</div> : null}
                    </th>
                    <td>{template.language}</td>
                    <td>
                      <span className={template.status === 'APPROVED' ? 'badge badge-ok' : 'badge badge-warn'}>{template.status}</span>
                    </td>
                    <td className="small">
                      {template.header_text ? <strong>{template.header_text}</strong> : template.header_format ? <strong>[{template.header_format}]</strong> : null}
                      <div>{template.body}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <div className="dialog-actions">
          <Button onClick={onClose}>{t('common.close')}</Button>
          {can('channels', 'write') ? (
            <Button variant="primary" busy={refresh.isPending} onClick={() => refresh.mutate()}>
              {t('channels.approvedRefresh')}
            </Button>
          ) : null}
        </div>
      </div>
    </Dialog>
  );
}
