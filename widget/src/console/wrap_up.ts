// The wrap-up that closes a chat (protocol.md §11.3 `wrap_up`): categories from the configured
// taxonomy (aligned with Child Helpline International's), the age band and the outcome; the
// outcome "referred" is what says a referral was given (one question, not two). It feeds the anonymous statistics and nothing else: no free text, so no
// content of the conversation can end up in them.

import type { CounselorCommand, WrapUpTaxonomy } from './control';

export const kAgeBands = ['under13', '13-17', '18-25', '26-40', '41-60', '61+'] as const;

export interface WrapUpDraft {
  readonly categories: readonly string[];
  /** "" = unknown. */
  readonly ageBand: string;
  readonly outcome: string;
}

export type WrapUpProblem = 'no_category' | 'no_outcome' | 'unknown_code';

/** What is wrong with `draft` under `taxonomy`, or null when it can be sent. */
export function checkWrapUp(draft: WrapUpDraft, taxonomy: WrapUpTaxonomy): WrapUpProblem | null {
  if (draft.categories.length === 0) return 'no_category';
  if (draft.outcome === '') return 'no_outcome';
  const known = (list: readonly string[], code: string) => list.includes(code);
  if (!draft.categories.every((code) => known(taxonomy.categories, code)) || !known(taxonomy.outcomes, draft.outcome)) return 'unknown_code';
  if (draft.ageBand !== '' && !(kAgeBands as readonly string[]).includes(draft.ageBand)) return 'unknown_code';
  return null;
}

/** The control message for `draft` (checked with checkWrapUp first); categories once each. */
export function wrapUpCommand(chatId: string, draft: WrapUpDraft): CounselorCommand {
  return {
    type: 'wrap_up',
    chat_id: chatId,
    categories: [...new Set(draft.categories)],
    age_band: draft.ageBand,
    outcome: draft.outcome,
    referral: draft.outcome === 'referred',
  };
}
