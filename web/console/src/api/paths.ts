/**
 * URLs the browser follows itself (downloads, <img>, <audio>, event streams) rather than through
 * the typed client. Each names the operation it points at in openapi/openapi.json.
 */
const base = '/api/v1/workspaces';
const seg = encodeURIComponent;

export const urls = {
  /** export (audit) */
  auditExport: (workspace: string, query: URLSearchParams) =>
    `${base}/${seg(workspace)}/audit.csv${query.size ? `?${query}` : ''}`,
  /** export_instance (audit) */
  instanceAuditExport: (query: URLSearchParams) => `/api/v1/audit.csv${query.size ? `?${query}` : ''}`,
  /** stream (events) */
  eventStream: (workspace: string, query: URLSearchParams) => `${base}/${seg(workspace)}/events/stream?${query}`,
  /** export_csv */
  contactsExport: (workspace: string, query: URLSearchParams) =>
    `${base}/${seg(workspace)}/contacts/export.csv${query.size ? `?${query}` : ''}`,
  /** start (imports) */
  imports: (workspace: string) => `${base}/${seg(workspace)}/contacts/imports`,
  /** events (imports) */
  importEvents: (workspace: string, id: string) =>
    `${base}/${seg(workspace)}/contacts/imports/${seg(id)}/events`,
  /** errors_csv */
  importErrors: (workspace: string, id: string) =>
    `${base}/${seg(workspace)}/contacts/imports/${seg(id)}/errors.csv`,
  /** upload (media) */
  media: (workspace: string) => `${base}/${seg(workspace)}/media`,
  /** content (media) */
  mediaContent: (workspace: string, id: string) => `${base}/${seg(workspace)}/media/${seg(id)}/content`,
  /** thumbnail (media) */
  mediaThumbnail: (workspace: string, id: string) =>
    `${base}/${seg(workspace)}/media/${seg(id)}/thumbnail`,
  /** campaign_events */
  campaignEvents: (workspace: string, id: string) => `${base}/${seg(workspace)}/campaigns/${seg(id)}/events`,
  /** campaign_results_csv */
  campaignResultsCsv: (workspace: string, id: string, query: URLSearchParams) =>
    `${base}/${seg(workspace)}/campaigns/${seg(id)}/messages.csv${query.size ? `?${query}` : ''}`,
  /** install (plugins) */
  plugins: () => '/api/v1/plugins',
} as const;
