// The emergency numbers block: on the notice, the offline, busy, lost, failed and end screens
// and in the queue when nobody is available. The numbers are the organisation's (config), read
// from GET /api/helpline before the first screen and again in `welcome`; a change redraws every
// block on screen in place. The defaults here are the shipped config's three with the same
// labels, for a frame that cannot reach the server.

import type { EmergencyNumber } from '../control';
import { translate, type Language } from '../i18n/catalog';
import { el, icon, kIconPhone } from '../../shared/dom';

export const kDefaultEmergencyNumbers: readonly EmergencyNumber[] = [
  { number: '112', label: { bg: translate('bg', 'numbers.112'), en: translate('en', 'numbers.112') } },
  { number: '116 111', label: { bg: translate('bg', 'numbers.116111'), en: translate('en', 'numbers.116111') } },
  { number: '0800 1 86 76', label: { bg: translate('bg', 'numbers.domesticViolence'), en: translate('en', 'numbers.domesticViolence') } },
];

/** A section with `heading` (default "If you need help right now, call:") and one link per number. */
export function numbersBlock(language: Language, numbers: readonly EmergencyNumber[], heading?: string): HTMLElement {
  const title = heading ?? translate(language, 'numbers.heading');
  const list = el('ul', { class: 'numbers-list' });
  for (const entry of numbers) {
    const dial = entry.number.replace(/[^0-9+]/g, '');
    list.append(
      el(
        'li',
        {},
        el(
          'a',
          { class: 'number', href: `tel:${dial}` },
          icon(kIconPhone),
          el('span', { class: 'number-digits' }, entry.number),
          el('span', { class: 'number-label' }, entry.label[language]),
        ),
      ),
    );
  }
  return el('section', { class: 'numbers', 'data-heading': title }, el('h2', { class: 'numbers-heading' }, title), list);
}

/** Redraws every numbers block under `root` with `numbers`, each keeping its heading. */
export function replaceNumbers(root: HTMLElement, language: Language, numbers: readonly EmergencyNumber[]): void {
  for (const block of Array.from(root.querySelectorAll<HTMLElement>('section.numbers'))) {
    block.replaceWith(numbersBlock(language, numbers, block.dataset['heading']));
  }
}

export function sameNumbers(a: readonly EmergencyNumber[], b: readonly EmergencyNumber[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
