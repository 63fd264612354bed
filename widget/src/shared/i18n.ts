// Message catalogs for Haven's pages (Bulgarian and English), shared by the visitor widget and
// the duty console. A value is a string or, where a count is involved, one string per plural
// category (Intl.PluralRules: Bulgarian and English both use "one" and "other"). Placeholders are
// {name}; a plural entry's number is {count}. Numbers are formatted for the language.

export type Language = 'bg' | 'en';
export const kLanguages: readonly Language[] = ['bg', 'en'];

export type PluralForms = { readonly one: string; readonly other: string } & Partial<
  Record<'zero' | 'two' | 'few' | 'many', string>
>;
export type CatalogValue = string | PluralForms;
export type Params = Readonly<Record<string, string | number>>;

const pluralRules = new Map<Language, Intl.PluralRules>();

function pluralCategory(language: Language, count: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(language);
  if (rules === undefined) {
    rules = new Intl.PluralRules(language);
    pluralRules.set(language, rules);
  }
  return rules.select(count);
}

function interpolate(language: Language, template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? value.toLocaleString(language) : value;
  });
}

/**
 * The text of `value` in `language` with `params` filled in. Plural entries choose their form by
 * `params.count`, which must be a number (RangeError otherwise; `what` names the key).
 */
export function format(language: Language, value: CatalogValue, params: Params = {}, what = 'message'): string {
  if (typeof value === 'string') return interpolate(language, value, params);
  const count = params['count'];
  if (typeof count !== 'number') throw new RangeError(`${what} needs a numeric count`);
  const category = pluralCategory(language, count);
  return interpolate(language, value[category as keyof PluralForms] ?? value.other, params);
}

export function isLanguage(value: string | null | undefined): value is Language {
  return value === 'bg' || value === 'en';
}
