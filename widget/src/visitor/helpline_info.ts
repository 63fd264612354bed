// What the frame shows before anything else (docs/protocol.md §11.6): the organisation's
// emergency numbers, whether anyone is on duty, the opening hours and the confidentiality
// statement, read from GET /api/helpline as the frame starts, so that the very first screen is
// right and no visitor learns "nobody is here" only after the questions.

import { bool, isObject, parseObject, str } from '../shared/json_fields';
import { readEmergencyNumbers, type EmergencyNumber } from './control';

export interface LocalText {
  readonly bg: string;
  readonly en: string;
}

export interface HelplineInfo {
  readonly orgName: string;
  readonly numbers: readonly EmergencyNumber[];
  readonly onDuty: boolean;
  readonly openingHours: LocalText | null;
  readonly confidentiality: LocalText | null;
}

function localText(value: unknown): LocalText | null | undefined {
  if (value === null) return null;
  if (!isObject(value)) return undefined;
  const bg = str(value, 'bg');
  const en = str(value, 'en');
  return bg !== null && en !== null ? { bg, en } : undefined;
}

/** The body of GET /api/helpline; null unless every field reads. */
export function parseHelplineInfo(text: string): HelplineInfo | null {
  const value = parseObject(text);
  if (value === null) return null;
  const org = value['org'];
  const orgName = isObject(org) ? str(org, 'name') : null;
  const numbers = readEmergencyNumbers(value['emergency_numbers']);
  const onDuty = bool(value, 'on_duty');
  const openingHours = localText(value['opening_hours']);
  const confidentiality = localText(value['confidentiality']);
  if (orgName === null || numbers === null || numbers.length === 0 || onDuty === null || openingHours === undefined || confidentiality === undefined) {
    return null;
  }
  return { orgName, numbers, onDuty, openingHours, confidentiality };
}

/** Fetches and reads it; null when the server cannot be reached or answers something else. */
export async function fetchHelplineInfo(window: Window): Promise<HelplineInfo | null> {
  try {
    const response = await window.fetch('/api/helpline', { cache: 'no-store', credentials: 'omit' });
    return response.ok ? parseHelplineInfo(await response.text()) : null;
  } catch {
    return null;
  }
}
