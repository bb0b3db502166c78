import { useQuery } from '@tanstack/react-query';
import { api, type Schemas } from '../../api/client';
import { unwrap } from '../../api/errors';
import { useWorkspace } from '../workspace/workspace';

export type Channel = Schemas['Channel'];
export type ChannelKind = Schemas['ChannelKind'];
export type ChannelState = Schemas['ChannelState'];
/** The spec declares a channel's settings as an object without properties, which openapi-typescript reads as empty. */
export type ChannelConfigBody = NonNullable<Schemas['NewChannel']['config']>;

/** What a stored secret reads back as; sent back unchanged, it keeps the stored value. */
export const SECRET_MASK = '********';

export const CHANNEL_KINDS: readonly ChannelKind[] = ['sandbox', 'smtp', 'whatsapp_web', 'whatsapp_cloud', 'plugin'];

export const channelKeys = {
  all: (workspace: string) => ['channels', workspace] as const,
};

/** The workspace's channels (up to 500: a workspace has a handful). */
export function useChannels(enabled = true) {
  const { workspace } = useWorkspace();
  return useQuery({
    queryKey: channelKeys.all(workspace.id),
    enabled,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/channels', { params: { path: { workspace: workspace.id }, query: { limit: 500 } } })),
    // A WhatsApp Web channel on its way (pairing, reconnecting) changes by itself: read again.
    refetchInterval: (query) => (query.state.data?.items.some((c) => c.kind === 'whatsapp_web' && (c.state === 'pairing' || c.state === 'disconnected')) ? 3000 : false),
  });
}

/** A channel's settings as the plain object they are. */
export function settingsOf(channel: Channel | null): Record<string, unknown> {
  return (channel?.config ?? {}) as Record<string, unknown>;
}

/** The phone a WhatsApp Web channel is paired with, as Ulak kept it after pairing. */
export function accountOf(channel: Channel | null): { number?: string; business_name?: string } {
  const account = settingsOf(channel).account;
  if (!account || typeof account !== 'object') return {};
  const { number, business_name } = account as Record<string, unknown>;
  return { number: typeof number === 'string' ? number : undefined, business_name: typeof business_name === 'string' ? business_name : undefined };
}

/** Badge style of a state: sending, stopped by a person, or in trouble. */
export function stateBadge(state: ChannelState): string {
  if (state === 'active') return 'badge badge-ok';
  if (state === 'paused' || state === 'pairing') return 'badge';
  return 'badge badge-warn';
}

export type ApprovedTemplate = Schemas['ApprovedTemplate'];

export const approvedKeys = {
  one: (workspace: string, channel: string) => ['channels', workspace, 'approved', channel] as const,
};

/** A Cloud API channel's approved templates as last refreshed. */
export function useApprovedTemplates(channel: string, enabled = true) {
  const { workspace } = useWorkspace();
  return useQuery({
    queryKey: approvedKeys.one(workspace.id, channel),
    enabled,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/channels/{id}/templates', { params: { path: { workspace: workspace.id, id: channel } } })),
  });
}
