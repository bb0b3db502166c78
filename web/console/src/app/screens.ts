import type { ComponentType } from 'react';
import type { MessageKey } from '../i18n/en';
import type { IconName } from './icons';

interface Permission {
  resource: string;
  action: string;
}

/** One screen inside a workspace (/app/w/:workspaceId/<path>), loaded on first visit. */
export interface WorkspaceScreen {
  path: string;
  /** Navigation label; also the page's title key. */
  label: MessageKey;
  icon: IconName;
  /** Hidden from the navigation and replaced by a notice without this permission. */
  requires: Permission | null;
  /** Loads the screen's code: by the router before it shows the screen, and early by prefetch. */
  load: Loader;
  /** Sub-screens (an editor, a wizard) are reached from their parent, not from the navigation. */
  inNav: boolean;
}

export type Loader = () => Promise<{ default: ComponentType }>;

const page = (load: Loader) => ({ load });

/**
 * The route table: the navigation and the router are both built from it (the router loads each
 * screen's code before showing it, so navigation keeps the old screen until the new one is ready).
 * To add a screen, write
 * it under src/features/<name>/ (default export), add an entry here and its label to both
 * dictionaries.
 */
export const WORKSPACE_SCREENS: readonly WorkspaceScreen[] = [
  { path: '', label: 'nav.dashboard', icon: 'dashboard', requires: null, inNav: true, ...page(() => import('../features/dashboard/DashboardPage')) },
  { path: 'contacts', label: 'nav.contacts', icon: 'contacts', requires: { resource: 'contacts', action: 'read' }, inNav: true, ...page(() => import('../features/contacts/ContactsPage')) },
  { path: 'contacts/import', label: 'nav.import', icon: 'contacts', requires: { resource: 'contacts', action: 'write' }, inNav: false, ...page(() => import('../features/imports/ImportWizardPage')) },
  { path: 'templates', label: 'nav.templates', icon: 'templates', requires: { resource: 'templates', action: 'read' }, inNav: true, ...page(() => import('../features/templates/TemplatesPage')) },
  { path: 'templates/new', label: 'nav.templates', icon: 'templates', requires: { resource: 'templates', action: 'write' }, inNav: false, ...page(() => import('../features/templates/TemplateEditorPage')) },
  { path: 'templates/:templateId', label: 'nav.templates', icon: 'templates', requires: { resource: 'templates', action: 'read' }, inNav: false, ...page(() => import('../features/templates/TemplateEditorPage')) },
  { path: 'variables', label: 'nav.variables', icon: 'variables', requires: { resource: 'variables', action: 'read' }, inNav: true, ...page(() => import('../features/variables/VariablesPage')) },
  { path: 'media', label: 'nav.media', icon: 'media', requires: { resource: 'media', action: 'read' }, inNav: true, ...page(() => import('../features/media/MediaPage')) },
  { path: 'channels', label: 'nav.channels', icon: 'channels', requires: { resource: 'channels', action: 'read' }, inNav: true, ...page(() => import('../features/channels/ChannelsPage')) },
  { path: 'campaigns', label: 'nav.campaigns', icon: 'campaigns', requires: { resource: 'campaigns', action: 'read' }, inNav: true, ...page(() => import('../features/campaigns/CampaignsPage')) },
  { path: 'campaigns/new', label: 'nav.campaigns', icon: 'campaigns', requires: { resource: 'campaigns', action: 'write' }, inNav: false, ...page(() => import('../features/campaigns/CampaignWizardPage')) },
  { path: 'campaigns/:campaignId', label: 'nav.campaigns', icon: 'campaigns', requires: { resource: 'campaigns', action: 'read' }, inNav: false, ...page(() => import('../features/campaigns/CampaignPage')) },
  { path: 'conversations', label: 'nav.conversations', icon: 'conversations', requires: { resource: 'conversations', action: 'read' }, inNav: true, ...page(() => import('../features/conversations/ConversationsPage')) },
  { path: 'conversations/:contactId', label: 'nav.conversations', icon: 'conversations', requires: { resource: 'conversations', action: 'read' }, inNav: false, ...page(() => import('../features/conversations/ConversationsPage')) },
  { path: 'members', label: 'nav.members', icon: 'members', requires: { resource: 'members', action: 'read' }, inNav: true, ...page(() => import('../features/members/MembersPage')) },
  { path: 'roles', label: 'nav.roles', icon: 'roles', requires: { resource: 'roles', action: 'read' }, inNav: true, ...page(() => import('../features/roles/RolesPage')) },
  { path: 'tokens', label: 'nav.tokens', icon: 'tokens', requires: { resource: 'tokens', action: 'read' }, inNav: true, ...page(() => import('../features/tokens/TokensPage')) },
  { path: 'activity', label: 'nav.activity', icon: 'activity', requires: { resource: 'workspace', action: 'read' }, inNav: true, ...page(() => import('../features/activity/ActivityPage')) },
  { path: 'audit', label: 'nav.audit', icon: 'audit', requires: { resource: 'audit', action: 'read' }, inNav: true, ...page(() => import('../features/audit/AuditPage')) },
  { path: 'webhooks', label: 'nav.webhooks', icon: 'webhooks', requires: { resource: 'webhooks', action: 'read' }, inNav: true, ...page(() => import('../features/webhooks/WebhooksPage')) },
  { path: 'plugins', label: 'nav.plugins', icon: 'plugins', requires: { resource: 'plugins', action: 'read' }, inNav: true, ...page(() => import('../features/plugins/PluginsPage')) },
  { path: 'settings', label: 'nav.settings', icon: 'settings', requires: { resource: 'workspace', action: 'read' }, inNav: true, ...page(() => import('../features/workspace/WorkspaceSettingsPage')) },
];

/** Pages of your account, outside any workspace. */
export const ACCOUNT_SCREENS: Record<'invitations' | 'profile' | 'users' | 'audit', Loader> = {
  invitations: () => import('../features/invitations/InvitationsPage'),
  profile: () => import('../features/profile/ProfilePage'),
  users: () => import('../features/admin/UsersPage'),
  audit: () => import('../features/admin/InstanceAuditPage'),
};
