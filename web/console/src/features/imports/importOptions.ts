/** The importer options the wizard edits, and their JSON for the `options` form field. */

export const TARGETS = [
  'auto',
  'phone',
  'first_name',
  'last_name',
  'full_name',
  'email',
  'gender',
  'honorific',
  'language',
  'notes',
  'opted_out',
  'consent',
  'opt_out_reason',
  'tags',
  'custom',
  'ignore',
] as const;
export type Target = (typeof TARGETS)[number];

export interface ColumnMapping {
  /** The column's header, or `column<N>` by position. */
  column: string;
  target: Target;
  /** For `custom`: the custom field's name. */
  customName: string;
}

export interface ImportOptions {
  mapping: ColumnMapping[];
  hasHeader: boolean;
  delimiter: 'auto' | ';' | ',' | '\t' | '|';
  encoding: 'auto' | 'utf-8' | 'windows-1254';
  sheet: string;
  defaultRegion: string;
  tags: string[];
  updateExisting: boolean;
  /** Replace gender, honorific, language and notes a contact has (else they are only filled in). */
  overwrite: boolean;
}

export function defaultOptions(defaultRegion: string): ImportOptions {
  return { mapping: [], hasHeader: true, delimiter: 'auto', encoding: 'auto', sheet: '', defaultRegion, tags: [], updateExisting: true, overwrite: false };
}

/** Only what differs from the importer's own defaults is sent. */
export function optionsJson(options: ImportOptions, workspaceRegion: string): string {
  const json: Record<string, unknown> = {};
  const mapping: Record<string, string> = {};
  for (const column of options.mapping) {
    if (column.target === 'auto' || !column.column.trim()) continue;
    mapping[column.column] = column.target === 'custom' ? `custom.${column.customName.trim() || column.column}` : column.target;
  }
  if (Object.keys(mapping).length > 0) json.mapping = mapping;
  if (!options.hasHeader) json.has_header = false;
  if (options.delimiter !== 'auto') json.delimiter = options.delimiter;
  if (options.encoding !== 'auto') json.encoding = options.encoding;
  if (options.sheet.trim()) json.sheet = options.sheet.trim();
  if (options.defaultRegion.trim() && options.defaultRegion.trim().toUpperCase() !== workspaceRegion.toUpperCase()) {
    json.default_region = options.defaultRegion.trim().toUpperCase();
  }
  if (options.tags.length > 0) json.tags = options.tags;
  if (!options.updateExisting) json.update_existing = false;
  else if (options.overwrite) json.update_existing = 'overwrite';
  return JSON.stringify(json);
}
