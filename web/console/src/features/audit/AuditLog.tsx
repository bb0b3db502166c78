import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Schemas } from '../../api/client';
import { unwrap } from '../../api/errors';
import { urls } from '../../api/paths';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { EmptyState, Loading, Section, TableWrap } from '../../ui/Layout';
import { SelectField } from '../../ui/SelectField';

type Page = Schemas['Page_AuditEntry'];
type Entry = Page['items'][number];

/** The families of audited actions (the first part of the server's `audit::ACTIONS`). */
const WORKSPACE_FAMILIES = ['member', 'role', 'token', 'plugin', 'channel', 'campaign', 'contacts', 'messages', 'webhook', 'workspace'];
const INSTANCE_FAMILIES = ['auth', ...WORKSPACE_FAMILIES];

/** The details in one line: `key: value`, lists joined, nothing nested. */
function summary(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' · ');
}

/**
 * The audit log, newest first, a page at a time: a workspace's (owners and admins) or the
 * instance's (the superadmin). Filtered by kind of action; exported as CSV with the same filter.
 */
export function AuditLog({ workspace }: { workspace: string | null }) {
  const t = useT();
  const format = useFormat();
  const [family, setFamily] = useState('all');
  const action = family === 'all' ? undefined : family;
  const entries = useInfiniteQuery({
    queryKey: ['audit', workspace ?? '(instance)', family],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: Page) => page.next_cursor ?? undefined,
    queryFn: ({ pageParam }): Promise<Page> => {
      const query = { limit: 100, ...(action ? { action } : {}), ...(pageParam ? { cursor: pageParam } : {}) };
      return workspace
        ? unwrap(api.GET('/api/v1/workspaces/{workspace}/audit', { params: { path: { workspace }, query } }))
        : unwrap(api.GET('/api/v1/audit', { params: { query } }));
    },
  });
  const items: Entry[] = entries.data?.pages.flatMap((page) => page.items) ?? [];
  const csvQuery = new URLSearchParams(action ? { action } : {});
  const csv = workspace ? urls.auditExport(workspace, csvQuery) : urls.instanceAuditExport(csvQuery);
  const families = workspace ? WORKSPACE_FAMILIES : INSTANCE_FAMILIES;

  return (
    <Section
      title={t('audit.entries')}
      actions={
        <div className="row wrap">
          <SelectField
            label={t('audit.kind')}
            value={family}
            onValue={setFamily}
            options={[{ value: 'all', label: t('activity.all') }, ...families.map((f) => ({ value: f, label: `${f}.*` }))]}
          />
          <a className="btn btn-secondary" href={csv} download>
            {t('audit.exportCsv')}
          </a>
        </div>
      }
    >
      <ErrorMessage message={entries.error?.message} />
      {entries.isPending ? (
        <Loading label={t('common.loading')} />
      ) : items.length === 0 ? (
        <EmptyState>{t('audit.none')}</EmptyState>
      ) : (
        <TableWrap label={t('audit.entries')}>
          <table className="table" data-testid="audit-entries">
            <thead>
              <tr>
                <th scope="col">{t('activity.when')}</th>
                <th scope="col">{t('audit.who')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.target')}</th>
                <th scope="col">{t('activity.details')}</th>
                <th scope="col">{t('audit.address')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <tr key={entry.id}>
                  <td className="nowrap">{format.dateTime(entry.at)}</td>
                  <td>
                    {entry.actor.email ?? entry.actor.user ?? '—'}
                    {entry.actor.token ? <span className="muted small"> ({t('audit.viaToken', { token: entry.actor.token })})</span> : null}
                  </td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td className="small">{entry.target ?? ''}</td>
                  <td className="small">{summary(entry.details as Record<string, unknown>)}</td>
                  <td className="nowrap small">{entry.ip ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {entries.hasNextPage ? (
        <div className="list-footer">
          <Button onClick={() => void entries.fetchNextPage()} busy={entries.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      ) : null}
    </Section>
  );
}
