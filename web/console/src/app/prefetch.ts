import type { QueryClient } from '@tanstack/react-query';
import { fetchMe, ME_KEY } from '../features/session/session';
import { permissionsQuery, workspaceQuery } from '../features/workspace/workspace';
import { WORKSPACE_SCREENS } from './screens';

/** `/app/w/:workspace/<screen path>` → the matching screen entry (`:param` segments match anything). */
function screenFor(rest: string) {
  const parts = rest.split('/').filter(Boolean);
  return WORKSPACE_SCREENS.find((screen) => {
    const pattern = screen.path.split('/').filter(Boolean);
    return pattern.length === parts.length && pattern.every((segment, index) => segment.startsWith(':') || segment === parts[index]);
  });
}

/**
 * Starts what the first screen needs at once and in parallel, instead of one after the other as
 * the components mount: who is signed in, the workspace and your permissions in it, and the
 * screen's code.
 */
export function prefetchForAddress(queryClient: QueryClient, pathname: string, base: string): void {
  void queryClient.prefetchQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: Infinity });
  const relative = pathname.startsWith(base) ? pathname.slice(base.length) : pathname;
  const match = /^\/?w\/([^/]+)\/?(.*)$/.exec(relative);
  if (!match?.[1]) return;
  const workspaceId = decodeURIComponent(match[1]);
  void queryClient.prefetchQuery(workspaceQuery(workspaceId));
  void queryClient.prefetchQuery(permissionsQuery(workspaceId));
  void screenFor(match[2] ?? '')?.load().catch(() => undefined);
}
