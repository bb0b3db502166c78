import { createBrowserRouter, Navigate, Outlet, type RouteObject } from 'react-router';
import { ForgotPasswordPage, ResetPasswordPage } from '../features/session/PasswordResetPages';
import RegisterPage from '../features/session/RegisterPage';
import { RequireSession } from '../features/session/session';
import SignInPage from '../features/session/SignInPage';
import { RequirePermission, WorkspaceScope } from '../features/workspace/workspace';
import { AppShell } from './AppShell';
import { HomeRedirect } from './HomeRedirect';
import { NotFound } from './NotFound';
import { ACCOUNT_SCREENS, WORKSPACE_SCREENS, type Loader, type WorkspaceScreen } from './screens';

function AccountLayout() {
  return (
    <AppShell>
      <Outlet />
    </AppShell>
  );
}

/** A route whose screen's code the router loads before showing it (no Suspense flash). */
function lazyScreen(load: Loader, requires: WorkspaceScreen['requires']): Pick<RouteObject, 'lazy'> {
  return {
    lazy: async () => {
      const { default: Screen } = await load();
      if (!requires) return { Component: Screen };
      return {
        Component: () => (
          <RequirePermission resource={requires.resource} action={requires.action}>
            <Screen />
          </RequirePermission>
        ),
      };
    },
  };
}

const workspaceRoutes: RouteObject[] = WORKSPACE_SCREENS.map(({ path, requires, load }) =>
  path === '' ? { index: true, ...lazyScreen(load, requires) } : { path, ...lazyScreen(load, requires) },
);

export const router = createBrowserRouter(
  [
    { path: '/signin', element: <SignInPage /> },
    { path: '/register', element: <RegisterPage /> },
    { path: '/forgot-password', element: <ForgotPasswordPage /> },
    { path: '/reset-password', element: <ResetPasswordPage /> },
    {
      element: <RequireSession />,
      children: [
        {
          element: <AccountLayout />,
          children: [
            { index: true, element: <HomeRedirect /> },
            { path: 'invitations', ...lazyScreen(ACCOUNT_SCREENS.invitations, null) },
            // The link an invitation sends (`accept_path`): works signed out too, via sign-in or registration.
            { path: 'invitations/:invitationId', ...lazyScreen(ACCOUNT_SCREENS.invitations, null) },
            { path: 'profile', ...lazyScreen(ACCOUNT_SCREENS.profile, null) },
            { path: 'admin/users', ...lazyScreen(ACCOUNT_SCREENS.users, null) },
            { path: 'admin/audit', ...lazyScreen(ACCOUNT_SCREENS.audit, null) },
            { path: '*', element: <NotFound /> },
          ],
        },
        {
          path: 'w/:workspaceId',
          element: <WorkspaceScope />,
          children: [...workspaceRoutes, { path: '*', element: <NotFound /> }],
        },
      ],
    },
    { path: '/index.html', element: <Navigate to="/" replace /> },
  ],
  { basename: import.meta.env.BASE_URL.replace(/\/$/, '') },
);

