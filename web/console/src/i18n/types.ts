/** A message: plain text with `{name}` slots, or plural forms chosen by the `count` parameter. */
export type Message = string | { readonly one: string; readonly other: string };

export type Language = 'en' | 'tr';

export const LANGUAGES: readonly Language[] = ['en', 'tr'];
