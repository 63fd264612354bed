// The visitor widget's message catalogs and the one function that reads them (the format rules
// are in shared/i18n.ts).

import { format, type CatalogValue, type Language, type Params, type PluralForms } from '../../shared/i18n';
import { bg } from './bg';
import { en } from './en';

export { isLanguage, kLanguages, type Language, type Params, type PluralForms } from '../../shared/i18n';
export type { CatalogValue };
export const kDefaultLanguage: Language = 'bg';

export type MessageKey = keyof typeof bg;
/** Every catalog has exactly bg's keys, each a string or plural forms like bg's. */
export type Catalog = { readonly [K in MessageKey]: (typeof bg)[K] extends string ? string : PluralForms };

export const kCatalogs: Readonly<Record<Language, Catalog>> = { bg, en };

/**
 * The text of `key` in `language` with `params` filled in. Plural entries choose their form by
 * `params.count` (which must be a number).
 */
export function translate(language: Language, key: MessageKey, params: Params = {}): string {
  return format(language, kCatalogs[language][key], params, key);
}
