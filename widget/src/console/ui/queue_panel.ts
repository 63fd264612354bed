// The left column of the console: duty hint, "take next", the offer (or transfer offer) with
// its visible countdown, and the anonymous queue (lane, language, age band, waiting time —
// nothing else exists about a waiting visitor). Persistent elements; `update` redraws the
// parts that changed and `tick` the clocks, so focus stays where the counselor left it.

import { el } from '../../shared/dom';
import type { ConsoleState, PendingOffer, PendingTransferOffer } from '../console_client';
import { formatDuration, kAgeBandLabels, kLaneLabels, kLanguageLabels, label, t, type Language } from '../i18n/catalog';
import { button } from './forms';

export interface QueueActions {
  takeNext(): void;
  answerOffer(accept: boolean): void;
  answerTransfer(accept: boolean): void;
}

function visitorLine(language: Language, visitor: { lane: string; language: string; ageBand: string }): HTMLElement {
  return el(
    'span',
    { class: 'visitor-line' },
    el('span', { class: `lane lane-${visitor.lane}` }, label(kLaneLabels, visitor.lane, language)),
    el('span', { class: 'meta' }, label(kLanguageLabels, visitor.language, language)),
    el('span', { class: 'meta' }, label(kAgeBandLabels, visitor.ageBand, language)),
  );
}

export class QueuePanel {
  readonly root: HTMLElement;
  private readonly takeNext_: HTMLButtonElement;
  private readonly hint_: HTMLElement;
  private readonly offer_: HTMLElement;
  private readonly count_: HTMLElement;
  private readonly list_: HTMLElement;
  private countdown_: HTMLElement | null = null;
  private countdownDeadline_ = 0;
  private shownOffer_: PendingOffer | PendingTransferOffer | null = null;
  private announcedTenSeconds_ = false;

  constructor(
    private readonly language_: Language,
    private readonly actions_: QueueActions,
    private readonly announce_: (text: string) => void,
  ) {
    this.takeNext_ = button(t(language_, 'queue.takeNext'), { class: 'button primary wide', id: 'take-next', 'aria-keyshortcuts': 'Alt+N' }, () => actions_.takeNext());
    this.takeNext_.append(el('kbd', { class: 'shortcut', 'aria-hidden': 'true' }, 'Alt+N'));
    this.hint_ = el('p', { class: 'hint', id: 'duty-hint' });
    this.offer_ = el('div', { class: 'offer-slot' });
    this.count_ = el('span', { class: 'count' });
    this.list_ = el('ul', { class: 'queue-list', 'aria-label': t(language_, 'queue.listLabel') });
    this.root = el(
      'aside',
      { class: 'queue-panel', 'aria-labelledby': 'queue-heading' },
      this.offer_,
      el('div', { class: 'queue-head' }, el('h2', { id: 'queue-heading' }, t(language_, 'queue.heading')), this.count_),
      this.takeNext_,
      this.hint_,
      this.list_,
    );
  }

  update(state: ConsoleState, nowMs: number): void {
    const language = this.language_;
    const onDuty = state.duty === 'available';
    this.takeNext_.disabled = !onDuty || state.queueTotal === 0 || state.load >= state.capacity;
    this.hint_.textContent = onDuty ? t(language, 'duty.load', { load: state.load, capacity: state.capacity }) : t(language, 'queue.offDuty');
    this.count_.textContent = t(language, 'queue.count', { count: state.queueTotal });
    this.renderQueue(state, nowMs);
    const offer = state.transferOffer ?? state.offer;
    if (offer !== this.shownOffer_) this.renderOffer(state, nowMs);
    this.tick(state, nowMs);
  }

  /** Once a second: the countdown and the waiting times. */
  tick(state: ConsoleState, nowMs: number): void {
    if (this.countdown_ !== null) {
      const seconds = Math.max(0, Math.ceil((this.countdownDeadline_ - nowMs) / 1000));
      this.countdown_.textContent = t(this.language_, 'offer.expires', { count: seconds });
      if (seconds <= 10 && seconds > 0 && !this.announcedTenSeconds_) {
        this.announcedTenSeconds_ = true;
        this.announce_(t(this.language_, 'offer.expires', { count: seconds }));
      }
    }
    const elapsed = Math.floor((nowMs - state.queueAtMs) / 1000);
    this.list_.querySelectorAll<HTMLElement>('[data-waited]').forEach((item) => {
      item.textContent = t(this.language_, 'queue.waited', { time: formatDuration(Number(item.dataset['waited']) + elapsed, this.language_) });
    });
  }

  focusOfferAccept(): boolean {
    const accept = this.offer_.querySelector<HTMLButtonElement>('button.accept');
    accept?.focus();
    return accept !== null;
  }

  private renderQueue(state: ConsoleState, nowMs: number): void {
    const language = this.language_;
    const items = state.queue.map((visitor) =>
      el(
        'li',
        { class: 'queue-item' },
        visitorLine(language, visitor),
        el('span', { class: 'waited', 'data-waited': String(visitor.waitedSeconds) }),
      ),
    );
    if (items.length === 0) items.push(el('li', { class: 'queue-empty' }, t(language, 'queue.empty')));
    const unlisted = state.queueTotal - state.queue.length;
    if (unlisted > 0) items.push(el('li', { class: 'queue-more' }, t(language, 'queue.more', { count: unlisted })));
    this.list_.replaceChildren(...items);
    this.tick(state, nowMs);
  }

  private renderOffer(state: ConsoleState, nowMs: number): void {
    const language = this.language_;
    const hadFocus = this.offer_.contains(document.activeElement);
    const transfer = state.transferOffer;
    const offer = state.offer;
    this.shownOffer_ = transfer ?? offer;
    this.countdown_ = null;
    this.announcedTenSeconds_ = false;
    if (transfer === null && offer === null) {
      this.offer_.replaceChildren();
      if (hadFocus) this.takeNext_.focus();
      return;
    }
    const heading = transfer !== null ? t(language, 'transferOffer.heading', { name: transfer.from.name }) : t(language, 'offer.heading');
    const visitor = transfer ?? offer!;
    this.countdownDeadline_ = visitor.deadlineMs;
    this.countdown_ = el('p', { class: 'countdown', role: 'timer', 'aria-live': 'off' });
    const answer = (accept: boolean) => (transfer !== null ? this.actions_.answerTransfer(accept) : this.actions_.answerOffer(accept));
    const accept = button(t(language, 'offer.accept'), { class: 'button primary accept', 'aria-keyshortcuts': 'Alt+A' }, () => answer(true));
    accept.append(el('kbd', { class: 'shortcut', 'aria-hidden': 'true' }, 'Alt+A'));
    const decline = button(t(language, 'offer.decline'), { class: 'button decline', 'aria-keyshortcuts': 'Alt+X' }, () => answer(false));
    decline.append(el('kbd', { class: 'shortcut', 'aria-hidden': 'true' }, 'Alt+X'));
    const waited = offer !== null && transfer === null ? el('span', { class: 'meta' }, t(language, 'queue.waited', { time: formatDuration(offer.waitedSeconds, language) })) : null;
    this.offer_.replaceChildren(
      el(
        'section',
        { class: 'offer-card', 'aria-labelledby': 'offer-heading', id: transfer !== null ? 'transfer-offer' : 'offer' },
        el('h2', { id: 'offer-heading' }, heading),
        el('p', {}, visitorLine(language, visitor), waited),
        transfer === null ? null : handoverBlock(language, transfer.handover),
        this.countdown_,
        el('div', { class: 'actions' }, accept, decline),
      ),
    );
    this.tick(state, nowMs);
  }
}

/** The colleague's handover note (§8.1) on a transfer offer, so that it can be read before accepting. */
function handoverBlock(language: Language, handover: string | 'unreadable' | null): HTMLElement | null {
  if (handover === null) return null;
  if (handover === 'unreadable') return el('p', { class: 'field-error' }, t(language, 'transferOffer.noteUnreadable'));
  return el('div', { class: 'handover' }, el('p', { class: 'meta' }, t(language, 'transferOffer.note')), el('p', { class: 'handover-text' }, handover));
}
