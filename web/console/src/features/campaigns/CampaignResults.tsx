import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { api, type Schemas } from '../../api/client';
import { unwrap } from '../../api/errors';
import { urls } from '../../api/paths';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { EmptyState, Loading, Section, TableWrap } from '../../ui/Layout';
import { SelectField } from '../../ui/SelectField';
import { campaignKeys, count, isOver, RESULT_STATUSES, type Campaign, type MessageStatus } from './campaignsApi';
import { useWorkspace } from '../workspace/workspace';
import { reasonLabel } from './AudienceStep';

type Filter = 'all' | MessageStatus;
type MessagePage = Schemas['Page_Message'];

/** Each recipient's message with its status, filterable by status, and the CSV export. */
export function CampaignResults({ campaign }: { campaign: Campaign }) {
  const t = useT();
  const format = useFormat();
  const queryClient = useQueryClient();
  const workspace = useWorkspace().workspace.id;
  const [status, setStatus] = useState<Filter>('all');
  const over = isOver(campaign.state);
  const queued = count(campaign, 'queued');
  // While it sends (or its queue is being cancelled), the statuses move.
  const moving = campaign.state === 'running' || (over && queued > 0);
  const pages = useInfiniteQuery({
    queryKey: campaignKeys.results(workspace, campaign.id, status),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: MessagePage) => page.next_cursor ?? undefined,
    refetchInterval: moving ? 3000 : false,
    queryFn: ({ pageParam }): Promise<MessagePage> =>
      unwrap(
        api.GET('/api/v1/workspaces/{workspace}/campaigns/{id}/messages', {
          params: {
            path: { workspace, id: campaign.id },
            query: { limit: 50, ...(status === 'all' ? {} : { status }), ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
  });

  // Once over (and when its last queued messages are settled), read the final statuses.
  useEffect(() => {
    if (over) void queryClient.invalidateQueries({ queryKey: ['campaigns', workspace, 'results', campaign.id] });
  }, [over, queued, queryClient, workspace, campaign.id]);

  const items = useMemo(() => pages.data?.pages.flatMap((page) => page.items) ?? [], [pages.data]);
  const csvQuery = new URLSearchParams(status === 'all' ? {} : { status });
  return (
    <Section
      title={t('campaigns.recipients')}
      actions={
        <a className="btn btn-secondary btn-small" href={urls.campaignResultsCsv(workspace, campaign.id, csvQuery)} download>
          {t('campaigns.exportCsv')}
        </a>
      }
    >
      <div className="narrow results-filter">
        <SelectField<Filter>
          label={t('campaigns.statusFilter')}
          value={status}
          onValue={setStatus}
          options={[{ value: 'all', label: t('campaigns.allStatuses') }, ...RESULT_STATUSES.map((value) => ({ value, label: t(`status.${value}`) }))]}
        />
      </div>
      <ErrorMessage message={pages.error?.message} />
      {pages.isPending ? (
        <Loading label={t('common.loading')} />
      ) : items.length === 0 ? (
        <EmptyState>{status === 'all' ? t('campaigns.noRecipients') : t('campaigns.noRecipientsWithStatus')}</EmptyState>
      ) : (
        <TableWrap label={t('campaigns.recipients')}>
          <table className="table compact" data-testid="campaign-results">
            <thead>
              <tr>
                <th scope="col">{t('campaigns.recipient')}</th>
                <th scope="col">{t('campaigns.status')}</th>
                <th scope="col">{t('campaigns.message')}</th>
                <th scope="col" className="num">{t('campaigns.attempts')}</th>
                <th scope="col">{t('campaigns.when')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((message) => {
                const last = message.read_at ?? message.delivered_at ?? message.sent_at ?? message.history?.at(-1)?.at ?? message.created_at;
                return (
                  <tr key={message.id}>
                    <td className="nowrap">{message.address}</td>
                    <td>
                      <span className={statusBadge(message.status)}>
                        {t(`status.${message.status}`)}
                      </span>
                      {message.reason ? <div className="small">{reasonLabel(t, message.reason)}</div> : null}
                    </td>
                    <td className="clip">{message.text}</td>
                    <td className="num">{format.number(message.attempts ?? 0)}</td>
                    <td className="nowrap small">{format.dateTime(last)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
      <div className="list-footer">
        <span className="muted" role="status">
          {items.length > 0 ? t('campaigns.recipientsShown', { count: items.length }) : ''}
        </span>
        {pages.hasNextPage ? (
          <Button onClick={() => void pages.fetchNextPage()} busy={pages.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        ) : null}
      </div>
    </Section>
  );
}

function statusBadge(status: MessageStatus): string {
  if (status === 'failed') return 'badge badge-warn';
  if (status === 'sent' || status === 'delivered' || status === 'read' || status === 'received') return 'badge badge-ok';
  return 'badge';
}
