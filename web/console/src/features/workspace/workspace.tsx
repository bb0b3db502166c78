import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { Link, Outlet, useParams } from 'react-router';
import { api, type Schemas } from '../../api/client';
import { ApiError, unwrap } from '../../api/errors';
import { FormatProvider } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Loading } from '../../ui/Layout';
import { AppShell } from '../../app/AppShell';

export type Workspace = Schemas['Workspace'];
export type Permission = Schemas['Permission'];

interface WorkspaceValue {
  workspace: Workspace;
  role: string | null | undefined;
  /** Whether your role grants `action` on `resource` here; what it does not is hidden or disabled. */
  can: (resource: string, action: string) => boolean;
}

const WorkspaceContext = createContext<WorkspaceValue | null>(null);
const LAST_WORKSPACE_KEY = 'ulak.lastWorkspace';

export function lastWorkspaceId(): string | null {
  return localStorage.getItem(LAST_WORKSPACE_KEY);
}

export const workspaceKeys = {
  list: ['workspaces'] as const,
  one: (id: string) => ['workspace', id] as const,
  permissions: (id: string) => ['workspace', id, 'permissions'] as const,
};

export function workspaceQuery(workspaceId: string) {
  return {
    queryKey: workspaceKeys.one(workspaceId),
    staleTime: 10_000,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}', { params: { path: { workspace: workspaceId } } })),
  };
}

export function permissionsQuery(workspaceId: string) {
  return {
    queryKey: workspaceKeys.permissions(workspaceId),
    staleTime: 10_000,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/permissions/me', { params: { path: { workspace: workspaceId } } })),
  };
}

export function useWorkspaces() {
  return useQuery({
    queryKey: workspaceKeys.list,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces', { params: { query: { limit: 500 } } })),
  });
}

/** The current workspace; only inside /w/:workspaceId. */
export function useWorkspace(): WorkspaceValue {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error('useWorkspace outside a workspace route');
  return value;
}

export function useOptionalWorkspace(): WorkspaceValue | null {
  return useContext(WorkspaceContext);
}

export function WorkspaceProvider({ workspaceId, children }: { workspaceId: string; children: ReactNode }) {
  const t = useT();
  const workspace = useQuery(workspaceQuery(workspaceId));
  const permissions = useQuery(permissionsQuery(workspaceId));

  useEffect(() => {
    if (workspace.data) localStorage.setItem(LAST_WORKSPACE_KEY, workspace.data.id);
  }, [workspace.data]);

  const value = useMemo<WorkspaceValue | null>(() => {
    if (!workspace.data || !permissions.data) return null;
    const granted = new Set(permissions.data.permissions.map((p) => `${p.resource}:${p.action}`));
    return {
      workspace: workspace.data,
      role: permissions.data.role,
      can: (resource, action) => granted.has(`${resource}:${action}`),
    };
  }, [workspace.data, permissions.data]);

  const error = workspace.error ?? permissions.error;
  if (error) {
    if (error instanceof ApiError && error.status === 404 && localStorage.getItem(LAST_WORKSPACE_KEY) === workspaceId) {
      localStorage.removeItem(LAST_WORKSPACE_KEY);
    }
    return (
      <AppShell>
        <div className="card">
          <h1>{t('workspace.unavailable')}</h1>
          <p role="alert">{error.message}</p>
          <Link to="/">{t('common.goHome')}</Link>
        </div>
      </AppShell>
    );
  }
  if (!value) return <Loading label={t('common.loading')} />;
  return (
    <WorkspaceContext.Provider value={value}>
      <FormatProvider locale={value.workspace.locale ?? 'tr'} timeZone={value.workspace.time_zone}>
        {children}
      </FormatProvider>
    </WorkspaceContext.Provider>
  );
}

/** The layout route for /w/:workspaceId/…: the workspace's context around the app shell. */
export function WorkspaceScope() {
  const { workspaceId = '' } = useParams();
  return (
    <WorkspaceProvider key={workspaceId} workspaceId={workspaceId}>
      <AppShell>
        <Outlet />
      </AppShell>
    </WorkspaceProvider>
  );
}

/** Shown instead of a screen your role may not open (the API would refuse it too). */
export function RequirePermission({ resource, action, children }: Permission & { children: ReactNode }) {
  const t = useT();
  const { can } = useWorkspace();
  if (!can(resource, action)) {
    return (
      <div className="card">
        <h1>{t('workspace.notAllowedTitle')}</h1>
        <p>{t('workspace.notAllowed', { permission: `${resource}:${action}` })}</p>
      </div>
    );
  }
  return children;
}
