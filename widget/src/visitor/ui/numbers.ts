// The emergency numbers block: on the notice, the offline, busy, lost, failed and end screens
// and in the queue when nobody is available. The numbers come from the server's `welcome`
// (config); until one arrives, the defaults 112 and 116 111.

import type { EmergencyNumber } from '../control';
import { translate, type Language } from '../i18n/catalog';
import { el, icon, kIconPhone } from '../../shared/dom';

export const kDefaultEmergencyNumbers: readonly EmergencyNumber[] = [
  { number: '112', label: { bg: translate('bg', 'numbers.112'), en: translate('en', 'numbers.112') } },
  { number: '116 111', label: { bg: translate('bg', 'numbers.116111'), en: translate('en', 'numbers.116111') } },
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
  return el('section', { class: 'numbers' }, el('h2', { class: 'numbers-heading' }, title), list);
}
