import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import { actionError, unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT, type Translate } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { Loading, PageHeader, Section } from '../../ui/Layout';
import { ProgressBar } from '../../ui/ProgressBar';
import { useNotify } from '../../ui/Toast';
import { useChannels } from '../channels/channelsApi';
import { templateKeys } from '../templates/templatesApi';
import { useWorkspace } from '../workspace/workspace';
import { CampaignResults } from './CampaignResults';
import { campaignKeys, count, COUNT_KEYS, isOver, processed, progressFraction, stateBadge, useDuration, type Audience, type Campaign } from './campaignsApi';
import { useCampaign } from './useCampaign';

/** Who a campaign goes to, in words. */
export function describeAudience(t: Translate, audience: Audience): string {
  const parts: string[] = [];
  if (audience.all) parts.push(t('campaigns.allContacts'));
  if (audience.tags_any?.length) parts.push(t('campaigns.describeAny', { tags: audience.tags_any.join(', ') }));
  if (audience.tags_all?.length) parts.push(t('campaigns.describeAll', { tags: audience.tags_all.join(', ') }));
  if (audience.search) parts.push(t('campaigns.describeSearch', { search: audience.search }));
  for (const [name, value] of Object.entries(audience.custom ?? {})) parts.push(`${name} = ${value}`);
  if (audience.contact_ids?.length) parts.push(t('campaigns.keptContacts', { count: audience.contact_ids.length }));
  if (audience.exclude_tags?.length) parts.push(t('campaigns.describeExclude', { tags: audience.exclude_tags.join(', ') }));
  return parts.join('; ');
}

export default function CampaignPage() {
  const t = useT();
  const { campaignId = '' } = useParams();
  const { workspace } = useWorkspace();
  const campaign = useCampaign(workspace.id, campaignId);
  if (campaign.isPending) return <Loading label={t('common.loading')} />;
  if (campaign.error) {
    return (
      <>
        <PageHeader title={t('nav.campaigns')}>
          <p className="muted">
            <Link to={`/w/${workspace.id}/campaigns`}>← {t('nav.campaigns')}</Link>
          </p>
        </PageHeader>
        <ErrorMessage message={campaign.error.message} />
      </>
    );
  }
  return <CampaignView campaign={campaign.data} />;
}

type Action = 'pause' | 'resume' | 'cancel';

function CampaignView({ campaign }: { campaign: Campaign }) {
  const t = useT();
  const format = useFormat();
  const duration = useDuration();
  const notify = useNotify();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const channels = useChannels(can('channels', 'read'));
  const templates = useQuery({
    queryKey: templateKeys.all(workspace.id),
    enabled: can('templates', 'read'),
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/templates', { params: { path: { workspace: workspace.id }, query: { limit: 500 } } })),
  });
  const channelName = channels.data?.items.find((c) => c.id === campaign.channel)?.name ?? campaign.channel;
  const templateName = templates.data?.items.find((item) => item.id === campaign.template)?.name ?? campaign.template;

  const act = useMutation({
    mutationFn: (action: Action) => {
      const params = { params: { path: { workspace: workspace.id, id: campaign.id } } };
      if (action === 'pause') return unwrap(api.POST('/api/v1/workspaces/{workspace}/campaigns/{id}/pause', params));
      if (action === 'resume') return unwrap(api.POST('/api/v1/workspaces/{workspace}/campaigns/{id}/resume', params));
      return unwrap(api.POST('/api/v1/workspaces/{workspace}/campaigns/{id}/cancel', params));
    },
    onSuccess: (next) => {
      queryClient.setQueryData(campaignKeys.one(workspace.id, campaign.id), next);
      void queryClient.invalidateQueries({ queryKey: campaignKeys.list(workspace.id) });
      notify(t(`campaigns.state.${next.state}`));
    },
  });

  async function remove() {
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace}/campaigns/{id}', { params: { path: { workspace: workspace.id, id: campaign.id } } }));
    queryClient.removeQueries({ queryKey: campaignKeys.one(workspace.id, campaign.id) });
    await queryClient.invalidateQueries({ queryKey: campaignKeys.list(workspace.id) });
    notify(t('campaigns.deleted', { name: campaign.name }));
    void navigate(`/w/${workspace.id}/campaigns`);
  }

  const state = campaign.state;
  const canSend = can('campaigns', 'send');
  const canWrite = can('campaigns', 'write');
  const total = campaign.total ?? 0;
  const fraction = progressFraction(campaign);
  const done = processed(campaign);
  const progress = campaign.progress ?? {};
  const rate = campaign.rate;
  const sendWindow = campaign.schedule?.window;

  const actions = (
    <>
      {canSend && (state === 'running' || state === 'scheduled') ? (
        <Button onClick={() => act.mutate('pause')} busy={act.isPending && act.variables === 'pause'}>
          {t('campaigns.pause')}
        </Button>
      ) : null}
      {canSend && state === 'paused' ? (
        <Button variant="primary" onClick={() => act.mutate('resume')} busy={act.isPending && act.variables === 'resume'}>
          {t('campaigns.resume')}
        </Button>
      ) : null}
      {canSend && (state === 'running' || state === 'scheduled' || state === 'paused') ? (
        <ConfirmDialog
          trigger={<Button variant="danger">{t('campaigns.cancel')}</Button>}
          title={t('campaigns.cancelTitle')}
          description={t('campaigns.cancelConfirm', { name: campaign.name })}
          confirmLabel={t('campaigns.cancel')}
          onConfirm={() => act.mutateAsync('cancel')}
        />
      ) : null}
      {canWrite && state === 'draft' ? (
        <Link className="btn btn-primary" to={`/w/${workspace.id}/campaigns/new?draft=${encodeURIComponent(campaign.id)}`}>
          {t('campaigns.continue')}
        </Link>
      ) : null}
      {canWrite && (state === 'draft' || isOver(state)) ? (
        <ConfirmDialog
          trigger={<Button variant="ghost">{t('common.delete')}</Button>}
          title={t('campaigns.deleteTitle')}
          description={t('campaigns.deleteConfirm', { name: campaign.name })}
          confirmLabel={t('common.delete')}
          onConfirm={remove}
        />
      ) : null}
    </>
  );

  return (
    <>
      <PageHeader title={campaign.name} actions={actions}>
        <p className="muted">
          <Link to={`/w/${workspace.id}/campaigns`}>← {t('nav.campaigns')}</Link>{' '}
          <span className={stateBadge(state)} data-testid="campaign-state" data-state={state}>
            {t(`campaigns.state.${state}`)}
          </span>
        </p>
      </PageHeader>
      <ErrorMessage message={actionError(act.error)} />
      {campaign.state_reason ? <p className={state === 'failed' ? 'action-error' : 'muted'}>{campaign.state_reason}</p> : null}
      {state === 'draft' ? (
        <Section title={t('campaigns.progress')}>
          <p className="muted">{t('campaigns.draftNotStarted')}</p>
        </Section>
      ) : (
        <Section title={t('campaigns.progress')}>
          <div className="stack" aria-live="polite" data-testid="campaign-progress" data-percent={fraction === undefined ? '' : Math.round(fraction * 100)}>
            <ProgressBar
              label={t('campaigns.progressOverall')}
              fraction={fraction}
              detail={fraction === undefined ? (state === 'scheduled' && campaign.schedule?.start_at ? t('campaigns.startsAt', { when: format.dateTime(campaign.schedule.start_at) }) : t('campaigns.preparing')) : t('campaigns.progressDetail', { percent: format.percent(fraction), done: format.number(done), total: format.number(total) })}
            />
            <div className="status-bars">
              {COUNT_KEYS.map((key) => (
                <div key={key} className={`status-bar status-${key}`} data-testid={`campaign-count-${key}`} data-count={count(campaign, key)}>
                  <ProgressBar label={t(`status.${key}`)} fraction={total > 0 ? count(campaign, key) / total : 0} detail={format.number(count(campaign, key))} />
                </div>
              ))}
            </div>
          </div>
          <dl className="facts">
            <div>
              <dt>{t('campaigns.rateNow')}</dt>
              <dd>{t('campaigns.perMinuteValue', { rate: format.number(Math.round((progress.rate_per_minute ?? 0) * 10) / 10) })}</dd>
            </div>
            <div>
              <dt>{t('campaigns.eta')}</dt>
              <dd>{isOver(state) ? '—' : progress.eta_seconds === null || progress.eta_seconds === undefined ? t('campaigns.etaUnknown') : duration(progress.eta_seconds)}</dd>
            </div>
            <div>
              <dt>{t('campaigns.queuedSoFar')}</dt>
              <dd>{format.number(campaign.enqueued ?? 0)}</dd>
            </div>
            <div>
              <dt>{t('campaigns.started')}</dt>
              <dd>{campaign.started_at ? format.dateTime(campaign.started_at) : campaign.schedule?.start_at ? t('campaigns.startsAt', { when: format.dateTime(campaign.schedule.start_at) }) : '—'}</dd>
            </div>
            <div>
              <dt>{t('campaigns.finished')}</dt>
              <dd>{campaign.finished_at ? format.dateTime(campaign.finished_at) : '—'}</dd>
            </div>
          </dl>
        </Section>
      )}
      <Section title={t('campaigns.settings')}>
        <dl className="facts">
          <div>
            <dt>{t('campaigns.template')}</dt>
            <dd>{templateName}</dd>
          </div>
          <div>
            <dt>{t('campaigns.channel')}</dt>
            <dd>{channelName}</dd>
          </div>
          <div>
            <dt>{t('campaigns.audience')}</dt>
            <dd>{describeAudience(t, campaign.audience)}</dd>
          </div>
          <div>
            <dt>{t('campaigns.window')}</dt>
            <dd>{sendWindow ? t('campaigns.windowValue', { from: sendWindow.from, to: sendWindow.to, days: sendWindow.days?.length ? sendWindow.days.join(', ') : t('campaigns.everyDay') }) : t('campaigns.anyTime')}</dd>
          </div>
          <div>
            <dt>{t('campaigns.rate')}</dt>
            <dd>
              {rate?.per_minute === null || rate?.per_minute === undefined ? t('campaigns.noLimit') : t('campaigns.perMinuteValue', { rate: format.number(rate.per_minute) })}
              {rate ? `; ${t('campaigns.jitterValue', { min: format.number(rate.jitter_min_ms ?? 0), max: format.number(rate.jitter_max_ms ?? 0) })}` : ''}
              {rate?.daily_cap ? `; ${t('campaigns.dailyCapValue', { cap: format.number(rate.daily_cap) })}` : ''}
              {rate?.min_gap_per_recipient_secs ? `; ${t('campaigns.gapValue', { duration: duration(rate.min_gap_per_recipient_secs) })}` : ''}
            </dd>
          </div>
        </dl>
      </Section>
      {can('messages', 'read') && state !== 'draft' ? <CampaignResults campaign={campaign} /> : null}
    </>
  );
}
