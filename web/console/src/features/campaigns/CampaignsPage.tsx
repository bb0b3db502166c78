import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { api, type Schemas } from '../../api/client';
import { unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { EmptyState, Loading, PageHeader, TableWrap } from '../../ui/Layout';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';
import { campaignKeys, count, isOver, isUnderWay, progressFraction, stateBadge, type Campaign } from './campaignsApi';

type CampaignPage = Schemas['Page_Campaign'];

export default function CampaignsPage() {
  const t = useT();
  const format = useFormat();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const canWrite = can('campaigns', 'write');
  const pages = useInfiniteQuery({
    queryKey: campaignKeys.list(workspace.id),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: CampaignPage) => page.next_cursor ?? undefined,
    queryFn: ({ pageParam }): Promise<CampaignPage> =>
      unwrap(
        api.GET('/api/v1/workspaces/{workspace}/campaigns', {
          params: { path: { workspace: workspace.id }, query: { limit: 100, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    // Campaigns under way move: read the list again every few seconds while any is.
    refetchInterval: (query) => (query.state.data?.pages.some((page) => page.items.some((c) => isUnderWay(c.state))) ? 5000 : false),
  });
  // Newest first (ids are in creation order only per page; the creation time is exact).
  const campaigns = useMemo(
    () => (pages.data?.pages.flatMap((page) => page.items) ?? []).sort((a, b) => b.created_at.localeCompare(a.created_at)),
    [pages.data],
  );

  async function remove(campaign: Campaign) {
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace}/campaigns/{id}', { params: { path: { workspace: workspace.id, id: campaign.id } } }));
    await queryClient.invalidateQueries({ queryKey: campaignKeys.list(workspace.id) });
    notify(t('campaigns.deleted', { name: campaign.name }));
  }

  return (
    <>
      <PageHeader
        title={t('nav.campaigns')}
        actions={
          canWrite ? (
            <Link className="btn btn-primary" to={`/w/${workspace.id}/campaigns/new`}>
              {t('campaigns.new')}
            </Link>
          ) : null
        }
      >
        <p className="muted">{t('campaigns.subtitle')}</p>
      </PageHeader>
      <ErrorMessage message={pages.error?.message} />
      {pages.isPending ? (
        <Loading label={t('common.loading')} />
      ) : campaigns.length === 0 ? (
        <EmptyState>{t('campaigns.none')}</EmptyState>
      ) : (
        <TableWrap label={t('nav.campaigns')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('campaigns.name')}</th>
                <th scope="col">{t('campaigns.state')}</th>
                <th scope="col">{t('campaigns.progress')}</th>
                <th scope="col" className="num">{t('status.sent')}</th>
                <th scope="col" className="num">{t('status.failed')}</th>
                <th scope="col">{t('campaigns.created')}</th>
                {canWrite ? <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {campaigns.map((campaign) => {
                const fraction = progressFraction(campaign);
                const delivered = count(campaign, 'sent') + count(campaign, 'delivered') + count(campaign, 'read');
                return (
                  <tr key={campaign.id}>
                    <td>
                      <Link to={`/w/${workspace.id}/campaigns/${campaign.id}`}>{campaign.name}</Link>
                    </td>
                    <td>
                      <span className={stateBadge(campaign.state)}>{t(`campaigns.state.${campaign.state}`)}</span>
                    </td>
                    <td className="nowrap">
                      {campaign.state === 'draft' ? (
                        <span className="muted">—</span>
                      ) : (
                        <span className="row">
                          {fraction === undefined ? (
                            <progress className="progress-small" aria-label={t('campaigns.progressOf', { name: campaign.name })} />
                          ) : (
                            <progress className="progress-small" max={100} value={Math.round(fraction * 100)} aria-label={t('campaigns.progressOf', { name: campaign.name })} />
                          )}
                          <span className="small">{fraction === undefined ? '' : format.percent(fraction)}</span>
                        </span>
                      )}
                    </td>
                    <td className="num">{format.number(delivered)}</td>
                    <td className="num">{format.number(count(campaign, 'failed'))}</td>
                    <td className="nowrap small">{format.dateTime(campaign.created_at)}</td>
                    {canWrite ? (
                      <td className="nowrap">
                        {campaign.state === 'draft' ? (
                          <Link className="btn btn-secondary btn-small" to={`/w/${workspace.id}/campaigns/new?draft=${encodeURIComponent(campaign.id)}`} aria-label={t('campaigns.continueNamed', { name: campaign.name })}>
                            {t('campaigns.continue')}
                          </Link>
                        ) : null}{' '}
                        {campaign.state === 'draft' || isOver(campaign.state) ? (
                          <ConfirmDialog
                            trigger={
                              <Button small variant="ghost" aria-label={t('campaigns.deleteNamed', { name: campaign.name })}>
                                {t('common.delete')}
                              </Button>
                            }
                            title={t('campaigns.deleteTitle')}
                            description={t('campaigns.deleteConfirm', { name: campaign.name })}
                            confirmLabel={t('common.delete')}
                            onConfirm={() => remove(campaign)}
                          />
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
      {pages.hasNextPage ? (
        <div className="list-footer">
          <span />
          <Button onClick={() => void pages.fetchNextPage()} busy={pages.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      ) : null}
    </>
  );
}
