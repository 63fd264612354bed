// The console's catalogs (bg default, en) and labels for the codes the server sends: wrap-up
// categories and outcomes (the defaults of helpline.wrap_up_categories / _outcomes, plus what
// statistics write for chats without a wrap-up), age bands, lanes, languages. A code without a
// label is shown as it is, so a taxonomy extended in the config still works.

import { format, type Language, type Params, type PluralForms } from '../../shared/i18n';
import { bg } from './bg';
import { en } from './en';

export { kLanguages, type Language } from '../../shared/i18n';

export type ConsoleKey = keyof typeof bg;
export type ConsoleCatalog = { readonly [K in ConsoleKey]: (typeof bg)[K] extends string ? string : PluralForms };

export const kConsoleCatalogs: Readonly<Record<Language, ConsoleCatalog>> = { bg, en };

export function t(language: Language, key: ConsoleKey, params: Params = {}): string {
  return format(language, kConsoleCatalogs[language][key], params, key);
}

type Labels = Readonly<Record<string, { readonly bg: string; readonly en: string }>>;

export const kCategoryLabels: Labels = {
  physical_violence: { bg: 'Физическо насилие', en: 'Physical violence' },
  psychological_violence: { bg: 'Психологическо насилие', en: 'Psychological violence' },
  sexual_violence: { bg: 'Сексуално насилие', en: 'Sexual violence' },
  economic_violence: { bg: 'Икономическо насилие', en: 'Economic violence' },
  stalking: { bg: 'Преследване', en: 'Stalking' },
  online_violence: { bg: 'Насилие онлайн', en: 'Online violence' },
  child_witness: { bg: 'Дете – свидетел на насилие', en: 'Child witnessing violence' },
  child_abuse: { bg: 'Насилие над дете', en: 'Child abuse' },
  neglect: { bg: 'Неглижиране', en: 'Neglect' },
  family_relationships: { bg: 'Семейни отношения', en: 'Family relationships' },
  mental_health: { bg: 'Психично здраве', en: 'Mental health' },
  information_request: { bg: 'Търсене на информация', en: 'Information request' },
  other: { bg: 'Друго', en: 'Other' },
  uncategorised: { bg: 'Без тема', en: 'No topic' },
};

export const kOutcomeLabels: Labels = {
  support_given: { bg: 'Оказана подкрепа', en: 'Support given' },
  safety_plan: { bg: 'Направен план за безопасност', en: 'Safety plan made' },
  information_given: { bg: 'Дадена информация', en: 'Information given' },
  referred: { bg: 'Насочване към услуга', en: 'Referred to a service' },
  emergency_services: { bg: 'Сигнал към спешните служби', en: 'Emergency services alerted' },
  disconnected: { bg: 'Прекъсната връзка', en: 'Disconnected' },
  left_suddenly: { bg: 'Внезапно излизане (бърз изход)', en: 'Left suddenly (quick exit)' },
  not_applicable: { bg: 'Неприложимо', en: 'Not applicable' },
  // What statistics record for chats that ended without a wrap-up.
  abandoned: { bg: 'Напуснал опашката', en: 'Left the queue' },
  expired: { bg: 'Изтекло чакане', en: 'Wait expired' },
  visitor_left: { bg: 'Посетителят напусна', en: 'Visitor left' },
  visitor_lost: { bg: 'Загубена връзка', en: 'Connection lost' },
  counselor_ended: { bg: 'Без обобщение', en: 'No wrap-up' },
  wrap_up_missing: { bg: 'Без обобщение', en: 'No wrap-up' },
  ended: { bg: 'Без обобщение', en: 'No wrap-up' },
};

export const kAgeBandLabels: Labels = {
  under13: { bg: 'под 13', en: 'under 13' },
  '13-17': { bg: '13–17', en: '13–17' },
  '18-25': { bg: '18–25', en: '18–25' },
  '26-40': { bg: '26–40', en: '26–40' },
  '41-60': { bg: '41–60', en: '41–60' },
  '61+': { bg: 'над 60', en: 'over 60' },
  '': { bg: 'не е посочена', en: 'not given' },
  unspecified: { bg: 'не е посочена', en: 'not given' },
};

export const kLaneLabels: Labels = {
  danger: { bg: 'В опасност', en: 'In danger' },
  minor: { bg: 'Под 18', en: 'Under 18' },
  general: { bg: 'Общ', en: 'General' },
};

export const kLanguageLabels: Labels = {
  bg: { bg: 'български', en: 'Bulgarian' },
  en: { bg: 'английски', en: 'English' },
  '': { bg: 'не е посочен', en: 'not given' },
  unspecified: { bg: 'не е посочен', en: 'not given' },
};

/** The label of `code` in `language`, or the code itself when it has none. */
export function label(labels: Labels, code: string, language: Language): string {
  return labels[code]?.[language] ?? code;
}

/** "42 s", "3 min", "1 h 05 min": a wait or duration, compact, in `language`. */
export function formatDuration(seconds: number, language: Language): string {
  // No-break spaces: a number never wraps away from its unit.
  const whole = Math.max(0, Math.floor(seconds));
  if (whole < 60) return language === 'bg' ? `${whole}\u00a0сек` : `${whole}\u00a0s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return language === 'bg' ? `${minutes}\u00a0мин` : `${minutes}\u00a0min`;
  const hours = Math.floor(minutes / 60);
  const rest = String(minutes % 60).padStart(2, '0');
  return language === 'bg' ? `${hours}\u00a0ч ${rest}\u00a0мин` : `${hours}\u00a0h ${rest}\u00a0min`;
}
