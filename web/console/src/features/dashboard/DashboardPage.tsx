import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, type Schemas } from '../../api/client';
import { actionError, unwrap } from '../../api/errors';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { EmptyState, PageHeader, Section } from '../../ui/Layout';
import { ImportsChart } from './ImportsChart';
import { MessagesChart } from './MessagesChart';
import { stateBadge as channelBadge, useChannels } from '../channels/channelsApi';
import { isUnderWay, progressFraction, stateBadge as campaignBadge } from '../campaigns/campaignsApi';
import { useWorkspace } from '../workspace/workspace';

/** Counts read from one page of up to 500 items; `more` when the list goes on. */
interface Count {
  count: number;
  more: boolean;
}

const PAGE = 500;

function countOf(page: { items: unknown[]; next_cursor?: string | null }): Count {
  return { count: page.items.length, more: Boolean(page.next_cursor) };
}

/** A count the server made from the contact index; `more` when it is a lower bound. */
function counted(answer: { count: number; exact: boolean }): Count {
  return { count: answer.count, more: !answer.exact };
}

interface StatCardProps {
  label: string;
  value: string | null;
  detail?: string | undefined;
  to?: string;
  testId: string;
}

function StatCard({ label, value, detail, to, testId }: StatCardProps) {
  const t = useT();
  return (
    <div className="stat" data-testid={testId}>
      <p className="stat-label">{label}</p>
      <p className="stat-value">{value ?? <span className="muted">{t('common.loading')}</span>}</p>
      {detail ? <p className="stat-detail">{detail}</p> : null}
      {to ? (
        <Link to={to} className="stat-link">
          {t('dashboard.open')} <span className="visually-hidden">{label}</span>
        </Link>
      ) : null}
    </div>
  );
}

export default function DashboardPage() {
  const t = useT();
  const format = useFormat();
  const { workspace, can } = useWorkspace();
  const ws = workspace.id;
  const path = { workspace: ws };

  const contacts = useQuery({
    queryKey: ['dashboard', ws, 'contacts'],
    enabled: can('contacts', 'read'),
    queryFn: async () => counted(await unwrap(api.GET('/api/v1/workspaces/{workspace}/contacts/count', { params: { path, query: {} } }))),
  });
  const optedOut = useQuery({
    queryKey: ['dashboard', ws, 'opted-out'],
    enabled: can('contacts', 'read'),
    queryFn: async () => counted(await unwrap(api.GET('/api/v1/workspaces/{workspace}/contacts/count', { params: { path, query: { opted_out: true } } }))),
  });
  const templates = useQuery({
    queryKey: ['dashboard', ws, 'templates'],
    enabled: can('templates', 'read'),
    queryFn: async () => countOf(await unwrap(api.GET('/api/v1/workspaces/{workspace}/templates', { params: { path, query: { limit: PAGE } } }))),
  });
  const media = useQuery({
    queryKey: ['dashboard', ws, 'media'],
    enabled: can('media', 'read'),
    queryFn: async () => {
      const page = await unwrap(api.GET('/api/v1/workspaces/{workspace}/media', { params: { path, query: { limit: PAGE } } }));
      return { ...countOf(page), bytes: page.items.reduce((sum, item) => sum + item.size, 0) };
    },
  });
  const members = useQuery({
    queryKey: ['dashboard', ws, 'members'],
    enabled: can('members', 'read'),
    queryFn: async () => countOf(await unwrap(api.GET('/api/v1/workspaces/{workspace}/members', { params: { path, query: { limit: PAGE } } }))),
  });
  const stats = useQuery({
    queryKey: ['dashboard', ws, 'messages'],
    enabled: can('messages', 'read'),
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/messages/stats', { params: { path, query: { days: 14 } } })),
    refetchInterval: 15_000,
  });
  const campaigns = useQuery({
    queryKey: ['dashboard', ws, 'campaigns'],
    enabled: can('campaigns', 'read'),
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/campaigns', { params: { path, query: { limit: 100, state: 'running,paused,scheduled' } } })),
    refetchInterval: 5_000,
  });
  const channels = useChannels(can('channels', 'read'));
  const imports = useQuery({
    queryKey: ['imports', ws],
    enabled: can('contacts', 'read'),
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/contacts/imports', { params: { path } })),
  });

  const shown = (count: Count | undefined) =>
    count === undefined ? null : count.more ? t('dashboard.atLeast', { count: format.number(count.count) }) : format.number(count.count);

  const base = `/w/${ws}`;
  const realImports: Schemas['ImportJob'][] = (imports.data ?? []).filter((job) => !job.dry_run);
  const underWay = (campaigns.data?.items ?? []).filter((campaign) => isUnderWay(campaign.state));
  const statsError = stats.error ? actionError(stats.error) : null;
  const week = stats.data?.last_7_days;
  const rate = (value: number | null | undefined) => (value === null || value === undefined ? '—' : format.percent(value));

  return (
    <>
      <PageHeader title={t('nav.dashboard')}>
        <p className="muted">{t('dashboard.subtitle', { name: workspace.name })}</p>
      </PageHeader>
      <div className="stats">
        {can('contacts', 'read') ? (
          <>
            <StatCard testId="stat-contacts" label={t('dashboard.contacts')} value={shown(contacts.data)} to={`${base}/contacts`} />
            <StatCard testId="stat-opted-out" label={t('dashboard.optedOut')} value={shown(optedOut.data)} />
          </>
        ) : null}
        {can('templates', 'read') ? <StatCard testId="stat-templates" label={t('dashboard.templates')} value={shown(templates.data)} to={`${base}/templates`} /> : null}
        {can('media', 'read') ? (
          <StatCard
            testId="stat-media"
            label={t('dashboard.media')}
            value={shown(media.data)}
            detail={media.data ? format.bytes(media.data.bytes) : undefined}
            to={`${base}/media`}
          />
        ) : null}
        {can('members', 'read') ? <StatCard testId="stat-members" label={t('dashboard.members')} value={shown(members.data)} to={`${base}/members`} /> : null}
      </div>
      {can('messages', 'read') ? (
        <div className="stats">
          <StatCard
            testId="stat-sent-today"
            label={t('dashboard.sentToday')}
            value={stats.data ? format.number(stats.data.today.sent) : null}
            detail={week ? t('dashboard.thisWeek', { count: format.number(week.sent) }) : undefined}
          />
          <StatCard
            testId="stat-delivery-rate"
            label={t('dashboard.deliveryRate')}
            value={stats.data ? rate(stats.data.delivery_rate) : null}
            detail={week ? t('dashboard.deliveredOf', { delivered: format.number(week.delivered), sent: format.number(week.sent) }) : undefined}
          />
          <StatCard testId="stat-read-rate" label={t('dashboard.readRate')} value={stats.data ? rate(stats.data.read_rate) : null} detail={week ? t('dashboard.thisWeek', { count: format.number(week.read) }) : undefined} />
          <StatCard
            testId="stat-failed"
            label={t('dashboard.failedToday')}
            value={stats.data ? format.number(stats.data.today.failed) : null}
            detail={week ? t('dashboard.thisWeek', { count: format.number(week.failed) }) : undefined}
          />
          <StatCard
            testId="stat-received"
            label={t('dashboard.receivedToday')}
            value={stats.data ? format.number(stats.data.today.received) : null}
            detail={week ? t('dashboard.thisWeek', { count: format.number(week.received) }) : undefined}
            {...(can('conversations', 'read') ? { to: `${base}/conversations` } : {})}
          />
        </div>
      ) : null}
      {contacts.data && contacts.data.count === 0 && can('contacts', 'write') ? (
        <Section title={t('dashboard.gettingStarted')}>
          <p>{t('dashboard.noContactsYet')}</p>
          <p className="row">
            <Link className="btn btn-primary" to={`${base}/contacts/import`}>
              {t('contacts.import')}
            </Link>
            <Link className="btn btn-secondary" to={`${base}/contacts?new=1`}>
              {t('contacts.add')}
            </Link>
          </p>
        </Section>
      ) : null}
      {can('campaigns', 'read') ? (
        <Section title={t('dashboard.runningCampaigns')}>
          {campaigns.data === undefined ? null : underWay.length === 0 ? (
            <EmptyState>{t('dashboard.noCampaignsRunning')}</EmptyState>
          ) : (
            <ul className="plain-list" data-testid="running-campaigns">
              {underWay.map((campaign) => {
                const fraction = progressFraction(campaign);
                return (
                  <li key={campaign.id} className="row wrap">
                    <Link to={`${base}/campaigns/${campaign.id}`}>{campaign.name}</Link>
                    <span className={campaignBadge(campaign.state)}>{t(`campaigns.state.${campaign.state}`)}</span>
                    {fraction === undefined ? (
                      <progress className="progress-small" aria-label={t('campaigns.progressOf', { name: campaign.name })} />
                    ) : (
                      <progress className="progress-small" max={100} value={Math.round(fraction * 100)} aria-label={t('campaigns.progressOf', { name: campaign.name })} />
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </Section>
      ) : null}
      {can('channels', 'read') && (channels.data?.items.length ?? 0) > 0 ? (
        <Section title={t('dashboard.channelHealth')}>
          <ul className="plain-list" data-testid="channel-health">
            {(channels.data?.items ?? []).map((channel) => (
              <li key={channel.id} className="row wrap">
                <span>{channel.name}</span>
                <span className={channelBadge(channel.state)}>{t(`channels.state.${channel.state}`)}</span>
                <span className="muted">
                  {channel.health?.last_error_at
                    ? t('channels.lastError', { when: format.dateTime(channel.health.last_error_at) })
                    : channel.health?.last_success_at
                      ? t('channels.lastSuccess', { when: format.dateTime(channel.health.last_success_at) })
                      : t('channels.noActivity')}
                </span>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      {can('messages', 'read') ? (
        <Section title={t('dashboard.messagesByDay')}>
          {statsError ? <ErrorMessage message={statsError} /> : stats.data ? <MessagesChart stats={stats.data} /> : null}
        </Section>
      ) : null}
      {can('contacts', 'read') ? (
        <Section title={t('dashboard.recentImports')}>
          {imports.data === undefined ? null : realImports.length === 0 ? (
            <EmptyState>{t('dashboard.noImportsYet')}</EmptyState>
          ) : (
            <ImportsChart jobs={realImports.slice(0, 12).reverse()} />
          )}
        </Section>
      ) : null}
    </>
  );
}
