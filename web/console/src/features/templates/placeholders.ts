import type { MessageKey } from '../../i18n/en';

/** The renderer's built-in placeholders (server/src/templates/render.rs BUILTIN_NAMES), Turkish then English. */
export const BUILTIN_PLACEHOLDERS: readonly { name: string; description: MessageKey }[] = [
  { name: 'ad', description: 'placeholder.firstName' },
  { name: 'soyad', description: 'placeholder.lastName' },
  { name: 'ad_soyad', description: 'placeholder.fullName' },
  { name: 'sayın', description: 'placeholder.salutation' },
  { name: 'telefon', description: 'placeholder.phone' },
  { name: 'eposta', description: 'placeholder.email' },
  { name: 'tarih', description: 'placeholder.date' },
  { name: 'saat', description: 'placeholder.time' },
  { name: 'gün', description: 'placeholder.weekday' },
  { name: 'first_name', description: 'placeholder.firstName' },
  { name: 'last_name', description: 'placeholder.lastName' },
  { name: 'full_name', description: 'placeholder.fullName' },
  { name: 'salutation', description: 'placeholder.salutation' },
  { name: 'phone', description: 'placeholder.phone' },
  { name: 'email', description: 'placeholder.email' },
  { name: 'date', description: 'placeholder.date' },
  { name: 'time', description: 'placeholder.time' },
  { name: 'weekday', description: 'placeholder.weekday' },
];

export type PlaceholderSource = 'builtin' | 'variable' | 'field' | 'plugin';

export interface Placeholder {
  name: string;
  source: PlaceholderSource;
  /** Shown next to the name in the completion list. */
  detail: string;
}

/** Lower-case the Turkish way, so `İ` finds `i` and `I` finds `ı`. */
export function fold(text: string): string {
  return text.toLocaleLowerCase('tr');
}

/** The placeholder being typed at `caret`: the `%` that opens it and the letters typed after it. */
export function openPlaceholderAt(text: string, caret: number): { start: number; prefix: string } | null {
  let index = caret - 1;
  while (index >= 0 && /[\p{L}\p{N}_]/u.test(text[index] ?? '')) index -= 1;
  if (index < 0 || text[index] !== '%') return null;
  // `%%` is a literal percent sign, and a `%` closing an earlier placeholder opens nothing.
  if (text[index - 1] === '%') return null;
  const before = (text.slice(0, index).split('\n').pop() ?? '')
    .replace(/%%/g, '')
    .replace(/%\p{L}[^%\n]*%/gu, '');
  if (/%\p{L}/u.test(before)) return null;
  return { start: index, prefix: text.slice(index + 1, caret) };
}

export interface TemplateIssue {
  kind: string;
  message: string;
  variable?: string | null;
  position: { line: number; column: number; offset?: number };
}

/** The `details.issues` of a 422 `invalid_template`, checked field by field. */
export function templateIssues(details: unknown): TemplateIssue[] {
  if (!details || typeof details !== 'object' || !('issues' in details)) return [];
  const issues = (details as { issues: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter((issue): issue is TemplateIssue => {
    if (!issue || typeof issue !== 'object') return false;
    const candidate = issue as Partial<TemplateIssue>;
    return typeof candidate.message === 'string' && typeof candidate.position?.line === 'number' && typeof candidate.position.column === 'number';
  });
}

/** The index in `text` (UTF-16) of a 1-based line and column counted in characters. */
export function indexOfPosition(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  let index = 0;
  for (let current = 1; current < line && current <= lines.length; current += 1) index += (lines[current - 1]?.length ?? 0) + 1;
  const lineText = lines[line - 1] ?? '';
  const chars = Array.from(lineText).slice(0, Math.max(0, column - 1)).join('');
  return Math.min(text.length, index + chars.length);
}
