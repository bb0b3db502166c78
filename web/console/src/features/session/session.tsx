import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { api, setCsrfToken, type Schemas } from '../../api/client';
import { ApiError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Loading } from '../../ui/Layout';

export type User = Schemas['User'];
export const ME_KEY = ['me'] as const;

/** Who is signed in (null: nobody). Also restores the CSRF token after a reload. */
export async function fetchMe(): Promise<Schemas['MeResponse'] | null> {
  try {
    const me = await unwrap(api.GET('/api/v1/auth/me'));
    setCsrfToken(me.csrf_token);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: Infinity, retry: false });
}

/** The signed-in user; only under RequireSession. */
export function useUser(): User {
  const { data } = useMe();
  if (!data) throw new Error('useUser outside RequireSession');
  return data.user;
}

export function useSessionActions() {
  const queryClient = useQueryClient();
  const signedIn = useCallback(
    (login: Schemas['LoginResponse']) => {
      setCsrfToken(login.csrf_token);
      queryClient.setQueryData(ME_KEY, {
        user: login.user,
        authenticated_by: 'session',
        csrf_token: login.csrf_token,
      } satisfies Schemas['MeResponse']);
    },
    [queryClient],
  );
  const signOut = useCallback(async () => {
    try {
      await unwrap(api.POST('/api/v1/auth/logout'));
    } finally {
      setCsrfToken(null);
      queryClient.clear();
      queryClient.setQueryData(ME_KEY, null);
    }
  }, [queryClient]);
  return { signedIn, signOut };
}

/** Renders its routes for a signed-in user; sends everyone else to sign in and back afterwards. */
export function RequireSession() {
  const t = useT();
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading label={t('common.loading')} />;
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={`/signin?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}
