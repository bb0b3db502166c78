import { useEffect, useState } from 'react';
import { urls } from '../../api/paths';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { EmptyState, PageHeader, Section, TableWrap } from '../../ui/Layout';
import { SelectField } from '../../ui/SelectField';
import { useWorkspace } from '../workspace/workspace';

interface LiveEvent {
  id: string;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

/** Every event type (the server's `events::TYPES`). */
const EVENT_TYPES = [
  'message.queued', 'message.sent', 'message.delivered', 'message.read', 'message.failed', 'message.received',
  'campaign.started', 'campaign.paused', 'campaign.resumed', 'campaign.completed', 'campaign.cancelled',
  'contact.created', 'contact.updated', 'contact.deleted', 'contact.opted_out', 'contact.opted_in',
  'import.completed', 'import.failed',
  'channel.connected', 'channel.disconnected', 'channel.pairing',
  'webhook.disabled',
] as const;

const FAMILIES = ['message', 'campaign', 'contact', 'import', 'channel', 'webhook'];

/** Events kept on screen, newest first. */
const KEPT = 200;
/** How far back the feed starts when the page opens. */
const BACK_MS = 60 * 60 * 1000;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The smallest event id of a moment: a ULID of that millisecond with nothing random after it. */
export function ulidFloor(ms: number): string {
  let rest = Math.max(0, Math.floor(ms));
  let time = '';
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  return `${time}${'0'.repeat(16)}`;
}

/** The payload in one line: its fields as `key: value`, ids and names first as the server put them. */
function summary(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, value]) => value !== null && value !== undefined && typeof value !== 'object')
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(' · ');
}

/**
 * The workspace's event log as it happens: the last hour, then every new event, of the types your
 * role may read (the same events webhooks deliver). The browser reconnects by itself and resumes
 * after the last event it saw.
 */
export default function ActivityPage() {
  const t = useT();
  const format = useFormat();
  const { workspace } = useWorkspace();
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [family, setFamily] = useState('all');
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    setEvents([]);
    const query = new URLSearchParams({ after: ulidFloor(Date.now() - BACK_MS) });
    const source = new EventSource(urls.eventStream(workspace.id, query));
    const take = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as LiveEvent;
      setEvents((shown) => (shown.some((e) => e.id === event.id) ? shown : [event, ...shown].slice(0, KEPT)));
    };
    source.onmessage = take;
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    // The stream names each event by its type.
    const listener = (message: Event) => take(message as MessageEvent<string>);
    for (const name of EVENT_TYPES) source.addEventListener(name, listener);
    return () => source.close();
  }, [workspace.id]);

  const shown = family !== 'all' ? events.filter((e) => e.type.startsWith(`${family}.`)) : events;

  return (
    <>
      <PageHeader title={t('nav.activity')}>
        <p className="muted">{t('activity.intro')}</p>
      </PageHeader>
      <Section
        title={t('activity.latest')}
        actions={
          <SelectField
            label={t('activity.family')}
            value={family}
            onValue={setFamily}
            options={[{ value: 'all', label: t('activity.all') }, ...FAMILIES.map((f) => ({ value: f, label: `${f}.*` }))]}
          />
        }
      >
        <p className="muted small" role="status" data-testid="activity-connection">
          {connected ? t('activity.live') : t('activity.connecting')}
        </p>
        {shown.length === 0 ? (
          <EmptyState>{t('activity.none')}</EmptyState>
        ) : (
          <TableWrap label={t('activity.latest')}>
            <table className="table" data-testid="activity-events">
              <thead>
                <tr>
                  <th scope="col">{t('activity.when')}</th>
                  <th scope="col">{t('activity.type')}</th>
                  <th scope="col">{t('activity.details')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((event) => (
                  <tr key={event.id}>
                    <td className="nowrap">{format.dateTime(event.at)}</td>
                    <td>
                      <code>{event.type}</code>
                    </td>
                    <td className="small">{summary(event.data)}</td>
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
