import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, type Schemas } from '../../api/client';
import { unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { useWorkspace } from '../workspace/workspace';
import { BUILTIN_PLACEHOLDERS, type Placeholder } from './placeholders';

export type Template = Schemas['Template'];

export const templateKeys = {
  all: (workspace: string) => ['templates', workspace] as const,
  one: (workspace: string, id: string) => ['templates', workspace, id] as const,
};

export const variableKeys = {
  all: (workspace: string) => ['variables', workspace] as const,
};

/**
 * Custom field names as seen on up to 500 contacts. The API keeps the workspace's full list
 * (it validates templates against it) but does not expose it yet.
 */
export function useCustomFieldNames(enabled: boolean) {
  const { workspace } = useWorkspace();
  return useQuery({
    queryKey: ['contacts', workspace.id, 'field-names'],
    enabled,
    queryFn: async () => {
      const page = await unwrap(api.GET('/api/v1/workspaces/{workspace}/contacts', { params: { path: { workspace: workspace.id }, query: { limit: 500 } } }));
      return [...new Set(page.items.flatMap((contact) => Object.keys(contact.custom_fields)))].sort((a, b) => a.localeCompare(b, 'tr'));
    },
  });
}

export function useVariables(enabled = true) {
  const { workspace } = useWorkspace();
  return useQuery({
    queryKey: variableKeys.all(workspace.id),
    enabled,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/variables', { params: { path: { workspace: workspace.id }, query: { limit: 500 } } })),
  });
}

/** Every plugin installed, with its state in this workspace (all pages: plugins are few). */
export function useWorkspacePlugins(enabled = true) {
  const { workspace } = useWorkspace();
  return useQuery({
    queryKey: ['plugins', workspace.id],
    enabled,
    queryFn: async () => {
      const all: Schemas['WorkspacePlugin'][] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(api.GET('/api/v1/workspaces/{workspace}/plugins', { params: { path: { workspace: workspace.id }, query: { limit: 500, cursor } } }));
        all.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return all;
    },
  });
}

/** Everything `%…%` may name in this workspace, for completion. */
export function usePlaceholders(): Placeholder[] {
  const t = useT();
  const { can } = useWorkspace();
  const variables = useVariables(can('variables', 'read'));
  const plugins = useWorkspacePlugins(can('plugins', 'read'));
  const fields = useCustomFieldNames(can('contacts', 'read'));
  return useMemo(() => {
    const list: Placeholder[] = BUILTIN_PLACEHOLDERS.map((p) => ({ name: p.name, source: 'builtin', detail: t(p.description) }));
    for (const variable of variables.data?.items ?? []) {
      list.push({ name: variable.name, source: 'variable', detail: variable.value ?? variable.field ?? variable.format ?? variable.kind });
    }
    for (const name of fields.data ?? []) list.push({ name, source: 'field', detail: t('placeholder.customField') });
    for (const entry of plugins.data ?? []) {
      if (!entry.enabled || entry.plugin.kind !== 'variable-resolver') continue;
      for (const name of entry.plugin.variables) list.push({ name, source: 'plugin', detail: entry.plugin.name });
    }
    return list;
  }, [t, variables.data, plugins.data, fields.data]);
}
