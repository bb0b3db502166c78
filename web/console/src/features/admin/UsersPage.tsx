import { useInfiniteQuery } from '@tanstack/react-query';
import { api, type Schemas } from '../../api/client';
import { unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { Loading, PageHeader, TableWrap } from '../../ui/Layout';
import { useUser } from '../session/session';

/** Superadmin: every account of the instance. */
export default function UsersPage() {
  const t = useT();
  const format = useFormat();
  const me = useUser();
  const users = useInfiniteQuery({
    queryKey: ['admin', 'users'],
    enabled: me.superadmin,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: Schemas['Page_User']) => page.next_cursor ?? undefined,
    queryFn: ({ pageParam }): Promise<Schemas['Page_User']> => unwrap(api.GET('/api/v1/admin/users', { params: { query: { limit: 100, ...(pageParam ? { cursor: pageParam } : {}) } } })),
  });
  if (!me.superadmin) {
    return (
      <div className="card">
        <h1>{t('workspace.notAllowedTitle')}</h1>
        <p>{t('admin.superadminOnly')}</p>
      </div>
    );
  }
  const items = users.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <PageHeader title={t('nav.users')}>
        <p className="muted">{t('admin.subtitle')}</p>
      </PageHeader>
      <ErrorMessage message={users.error?.message} />
      {users.isPending ? (
        <Loading label={t('common.loading')} />
      ) : (
        <TableWrap label={t('nav.users')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('auth.name')}</th>
                <th scope="col">{t('auth.email')}</th>
                <th scope="col">{t('admin.role')}</th>
                <th scope="col">{t('admin.registered')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((user) => (
                <tr key={user.id}>
                  <td>{user.name}</td>
                  <td>{user.email}</td>
                  <td>{user.superadmin ? <span className="badge badge-ok">{t('profile.superadmin')}</span> : t('admin.user')}</td>
                  <td className="nowrap">{format.dateTime(user.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {users.hasNextPage ? (
        <div className="list-footer">
          <Button onClick={() => void users.fetchNextPage()} busy={users.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      ) : null}
    </>
  );
}
