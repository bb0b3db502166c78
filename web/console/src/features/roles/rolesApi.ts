import { useQuery } from '@tanstack/react-query';
import { api, type Schemas } from '../../api/client';
import { unwrap } from '../../api/errors';
import { useWorkspace } from '../workspace/workspace';

export type Role = Schemas['Role'];

export const roleKeys = {
  all: (workspace: string) => ['roles', workspace] as const,
};

export function useRoles(enabled = true) {
  const { workspace } = useWorkspace();
  return useQuery({
    queryKey: roleKeys.all(workspace.id),
    enabled,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/roles', { params: { path: { workspace: workspace.id }, query: { limit: 500 } } })),
  });
}
