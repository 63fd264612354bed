// The screens without live state: safety notice, pre-chat questions, and the outcome screens
// (end, offline, busy, lost, verification failed). Each returns its root element; the first
// heading has tabindex -1 so that the app can move focus (and the screen reader) to it.

import type { AgeBand, EmergencyNumber, Profile } from '../control';
import type { LocalText } from '../helpline_info';
import { translate, type Language, type MessageKey, type Params } from '../i18n/catalog';
import { el } from '../../shared/dom';
import { numbersBlock } from './numbers';

export interface ScreenContext {
  readonly language: Language;
  readonly numbers: readonly EmergencyNumber[];
  /** Whether anyone is on duty, as GET /api/helpline said; null: not known. */
  readonly onDuty: boolean | null;
  readonly openingHours: LocalText | null;
  readonly confidentiality: LocalText | null;
  /** A touch screen: no keyboard shortcuts are mentioned. */
  readonly touch: boolean;
}

function heading(text: string): HTMLHeadingElement {
  return el('h1', { class: 'screen-heading', tabindex: -1 }, text);
}

/** "Nobody is on duty right now" with the opening hours; empty while someone is (or not known). */
export function dutyCard(context: ScreenContext): HTMLElement {
  const t = (key: MessageKey, params?: Params) => translate(context.language, key, params);
  const card = el('section', { class: 'duty', 'data-duty': '' });
  if (context.onDuty !== false) {
    card.hidden = true;
    return card;
  }
  card.append(el('h2', {}, t('duty.offHeading')), el('p', {}, t('duty.offBody')));
  if (context.openingHours !== null) card.append(el('p', {}, t('duty.hours', { hours: context.openingHours[context.language] })));
  return card;
}

/**
 * The first screen, for a person under stress: the two things that matter first (quick exit,
 * emergency numbers) and who is there, the way on right after them (kept in view by the sticky
 * action bar), the rest below.
 */
export function noticeScreen(context: ScreenContext, onContinue: () => void): HTMLElement {
  const t = (key: MessageKey) => translate(context.language, key);
  const button = el('button', { type: 'button', class: 'button primary' }, t('notice.continue'));
  button.addEventListener('click', onContinue);
  return el(
    'div',
    { class: 'screen notice', 'data-screen': 'notice' },
    heading(t('notice.heading')),
    el(
      'section',
      { class: 'card card-exit' },
      el('h2', {}, t('notice.exitTitle')),
      el('p', {}, t(context.touch ? 'notice.exitTouch' : 'notice.exitKeyboard')),
      el('p', { class: 'danger-line' }, t('notice.danger')),
    ),
    dutyCard(context),
    el('div', { class: 'actions sticky-actions' }, button),
    numbersBlock(context.language, context.numbers),
    el(
      'section',
      { class: 'card' },
      el('h2', {}, t('notice.moreTitle')),
      el('p', {}, t('notice.exitLimits')),
      el('p', {}, t('notice.device')),
      el('p', {}, t('notice.privacy')),
      el('p', {}, t('notice.reload')),
    ),
  );
}

/** When a counselor may have to involve others: before the chat starts, and linked from it. */
export function confidentialityNote(context: Pick<ScreenContext, 'language' | 'confidentiality'>): HTMLElement {
  const text = context.confidentiality?.[context.language] ?? translate(context.language, 'confidential.text');
  return el('section', { class: 'card confidential' }, el('h2', {}, translate(context.language, 'confidential.title')), el('p', {}, text));
}

interface Choice<V extends string> {
  readonly value: V;
  readonly label: string;
  readonly lang?: string;
}

function radioGroup<V extends string>(
  name: string,
  legend: string,
  choices: readonly Choice<V>[],
  selected: V,
  onChange: (value: V) => void,
  extra?: HTMLElement,
): HTMLFieldSetElement {
  const options = el('div', { class: 'choices' });
  for (const choice of choices) {
    const id = `${name}-${choice.value || 'none'}`;
    const input = el('input', { type: 'radio', name, id, value: choice.value, checked: choice.value === selected });
    input.addEventListener('change', () => {
      if (input.checked) onChange(choice.value);
    });
    options.append(el('label', { class: 'choice', for: id, lang: choice.lang }, input, el('span', {}, choice.label)));
  }
  return el('fieldset', { class: 'question' }, el('legend', {}, legend), options, extra);
}

/** The pre-chat questions; each answer defaults to "prefer not to say" (language: the UI's). */
export function prechatScreen(
  context: ScreenContext,
  profile: Profile,
  busy: boolean,
  onChange: (profile: Profile) => void,
  onStart: () => void,
): HTMLElement {
  const t = (key: MessageKey) => translate(context.language, key);
  let current = profile;
  const update = (patch: Partial<Profile>) => {
    current = { ...current, ...patch };
    onChange(current);
  };
  const preferNot = { value: '', label: t('prechat.preferNot') } as const;
  const ages: readonly Choice<AgeBand | ''>[] = [
    { value: 'under13', label: t('prechat.ageUnder13') },
    { value: '13-17', label: t('prechat.age13') },
    { value: '18-25', label: t('prechat.age18') },
    { value: '26-40', label: t('prechat.age26') },
    { value: '41-60', label: t('prechat.age41') },
    { value: '61+', label: t('prechat.age61') },
    preferNot,
  ];
  const start = el('button', { type: 'submit', class: 'button primary', 'aria-disabled': busy ? 'true' : null }, busy ? t('prechat.loading') : t('prechat.start'));
  const form = el(
    'form',
    { class: 'prechat-form', novalidate: true },
    radioGroup<'bg' | 'en' | ''>(
      'language',
      t('prechat.language'),
      [{ value: 'bg', label: t('prechat.languageBg'), lang: 'bg' }, { value: 'en', label: t('prechat.languageEn'), lang: 'en' }, preferNot],
      profile.language,
      (language) => update({ language }),
    ),
    radioGroup('age', t('prechat.age'), ages, profile.age_band, (age_band) => update({ age_band })),
    radioGroup<'yes' | 'no' | ''>(
      'danger',
      t('prechat.danger'),
      [{ value: 'yes', label: t('prechat.dangerYes') }, { value: 'no', label: t('prechat.dangerNo') }, preferNot],
      profile.in_danger,
      (in_danger) => update({ in_danger }),
      el('p', { class: 'advice' }, t('prechat.dangerAdvice')),
    ),
    confidentialityNote(context),
    el('div', { class: 'actions sticky-actions' }, start),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!busy) onStart();
  });
  return el('div', { class: 'screen prechat' }, heading(t('prechat.heading')), el('p', { class: 'lede' }, t('prechat.intro')), form);
}

export type OutcomeScreen = 'end' | 'cut_off' | 'offline' | 'busy' | 'lost' | 'unreachable' | 'failed';

const kOutcomeText: Readonly<Record<OutcomeScreen, { heading: MessageKey; body: readonly MessageKey[] }>> = {
  end: { heading: 'end.heading', body: ['end.body', 'end.again'] },
  cut_off: { heading: 'end.cutOffHeading', body: ['end.cutOff', 'end.body', 'end.again'] },
  offline: { heading: 'offline.heading', body: ['offline.body'] },
  busy: { heading: 'busy.heading', body: ['busy.body'] },
  lost: { heading: 'lost.heading', body: ['lost.body'] },
  unreachable: { heading: 'lost.heading', body: ['lost.unreachable'] },
  failed: { heading: 'failed.heading', body: ['failed.body', 'failed.advice'] },
};

/**
 * An outcome screen: its explanation, the emergency numbers (prominent: right under the
 * explanation) and, except after a failed verification, a way to start again.
 */
export function outcomeScreen(context: ScreenContext, outcome: OutcomeScreen, onAgain: (() => void) | null): HTMLElement {
  const t = (key: MessageKey) => translate(context.language, key);
  const text = kOutcomeText[outcome];
  const ended = outcome === 'end' || outcome === 'cut_off';
  const again = onAgain === null ? null : el('button', { type: 'button', class: 'button primary' }, ended ? t('end.newChat') : t('error.retry'));
  again?.addEventListener('click', () => onAgain?.());
  return el(
    'div',
    { class: `screen outcome outcome-${outcome}`, 'data-screen': outcome },
    heading(t(text.heading)),
    ...text.body.map((key) => el('p', {}, t(key))),
    numbersBlock(context.language, context.numbers, ended ? t('end.resources') : undefined),
    again === null ? null : el('div', { class: 'actions' }, again),
  );
}
