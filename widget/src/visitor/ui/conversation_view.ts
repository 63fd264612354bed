// The conversation screen, from the queue to the end of the chat: a status panel (queue position
// and wait, or the counselor and the verification badge), the message log and the composer.
// It is built once per visit to the screen (and again on a language switch) and then updated in
// place, so that focus, the draft and the scroll position survive every update.
//
// Only the app's single live region announces anything (new messages and a few events); the log
// itself is not live, so redrawing it never makes a screen reader repeat the conversation.

import { formatVerificationCode } from '../../e2e/session_keys';
import type { EmergencyNumber } from '../control';
import { translate, type Language, type MessageKey, type Params } from '../i18n/catalog';
import { el, icon, kIconShield } from '../../shared/dom';
import type { LocalText } from '../helpline_info';
import { endChatControl } from './end_confirmation';
import { numbersBlock } from './numbers';

export type ConversationPhase = 'connecting' | 'waiting' | 'joining' | 'active';

export interface ConversationStatus {
  readonly phase: ConversationPhase;
  readonly position: number | null;
  /** undefined: not known yet; null: nobody available now. */
  readonly estimate: { readonly low: number; readonly high: number } | null | undefined;
  readonly reassurance: 0 | 1 | 2;
  readonly requeued: boolean;
  readonly counselorName: string | null;
  /** Set once the leg's first encrypted frame decrypted. */
  readonly verifiedBy: string | null;
  readonly code: string | null;
  readonly reconnecting: boolean;
}

export type Entry =
  | { readonly kind: 'mine'; readonly id: number; readonly text: string; delivery: Delivery; atMs: number }
  | { readonly kind: 'theirs'; readonly name: string; readonly text: string; readonly atMs: number }
  | { readonly kind: 'system'; readonly key: MessageKey; readonly params: Params }
  /** After a transfer or requeue: may the new counselor see the conversation so far (§8.2)? */
  | { readonly kind: 'share'; readonly name: string; state: ShareState };

export type ShareState = 'open' | 'shared' | 'declined';

/**
 * Where one of her messages is: kept in the browser until a counselor is there, sent and waiting
 * for the counselor's acknowledgement, delivered (acknowledged: only now solid, with its time), or
 * failed (its counselor was lost before acknowledging it: she may send it again).
 */
export type Delivery = 'kept' | 'sending' | 'delivered' | 'failed';

export interface ConversationActions {
  /** Returns false when the text is too long (the draft stays). */
  send(text: string): boolean;
  end(): void;
  /** Sends the failed message `id` again (as a new message, at the end). */
  retry(id: number): void;
  /** Her answer to the share question. */
  share(accept: boolean): void;
}

export class ConversationView {
  readonly root: HTMLElement;
  private readonly heading_: HTMLHeadingElement;
  private readonly line1_: HTMLParagraphElement;
  private readonly line2_: HTMLParagraphElement;
  private readonly reassure_: HTMLParagraphElement;
  private readonly badge_: HTMLParagraphElement;
  private readonly codeButton_: HTMLButtonElement;
  private readonly code_: HTMLDivElement;
  private readonly banner_: HTMLParagraphElement;
  private readonly numbers_: HTMLDivElement;
  private readonly log_: HTMLOListElement;
  private readonly hint_: HTMLParagraphElement;
  private readonly textarea_: HTMLTextAreaElement;
  private readonly error_: HTMLParagraphElement;
  private readonly items_ = new Map<number, HTMLLIElement>();
  /** The latest share question (only the latest can still be open). */
  private shareItem_: HTMLLIElement | null = null;
  private codeShown_ = false;
  private atEnd_ = true;
  private status_: ConversationStatus;

  constructor(
    private readonly language_: Language,
    status: ConversationStatus,
    entries: readonly Entry[],
    draft: string,
    private emergencyNumbers_: readonly EmergencyNumber[],
    confidentiality: LocalText | null,
    private readonly actions_: ConversationActions,
  ) {
    const t = (key: MessageKey, params?: Params) => translate(language_, key, params);
    this.status_ = status;
    this.heading_ = el('h1', { class: 'screen-heading', tabindex: -1 });
    this.line1_ = el('p', { class: 'status-line' });
    this.line2_ = el('p', { class: 'status-line' });
    this.reassure_ = el('p', { class: 'reassure' });
    this.badge_ = el('p', { class: 'badge' });
    this.codeButton_ = el('button', { type: 'button', class: 'button link', 'aria-expanded': 'false', 'aria-controls': 'check-code' });
    this.code_ = el('div', { class: 'code', id: 'check-code', hidden: true });
    this.codeButton_.addEventListener('click', () => {
      this.codeShown_ = !this.codeShown_;
      this.render();
    });
    this.banner_ = el('p', { class: 'banner', hidden: true });
    this.numbers_ = el('div', { class: 'queue-numbers', hidden: true });
    // Focusable: it scrolls on its own when the conversation fills the frame.
    this.log_ = el('ol', { class: 'log', 'aria-label': t('chat.log'), tabindex: 0 });
    this.hint_ = el('p', { class: 'hint', id: 'composer-hint' });
    this.error_ = el('p', { class: 'error', id: 'composer-error', hidden: true });
    this.textarea_ = el('textarea', {
      id: 'composer',
      class: 'composer-input',
      rows: 2,
      autocomplete: 'off',
      spellcheck: 'true',
      'aria-describedby': 'composer-hint composer-error',
    });
    this.textarea_.value = draft;
    const sendButton = el('button', { type: 'submit', class: 'button primary send' }, t('composer.send'));
    const form = el(
      'form',
      { class: 'composer', novalidate: true },
      el('label', { for: 'composer', class: 'composer-label' }, t('composer.label')),
      el('div', { class: 'composer-row' }, this.textarea_, sendButton),
      this.error_,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.textarea_.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.textarea_.addEventListener('input', () => {
      if (!this.error_.hidden) this.showError(false);
    });

    this.root = el(
      'div',
      { class: 'screen conversation', 'data-screen': 'conversation' },
      el(
        'div',
        { class: 'status' },
        this.heading_,
        this.line1_,
        this.line2_,
        this.reassure_,
        this.badge_,
        this.codeButton_,
        this.code_,
        this.banner_,
        // What stays confidential, one tap away during the chat (native disclosure: no state).
        el(
          'details',
          { class: 'confidential-link' },
          el('summary', {}, t('confidential.title')),
          el('p', {}, confidentiality?.[language_] ?? t('confidential.text')),
        ),
      ),
      this.numbers_,
      this.log_,
      el('div', { class: 'composer-area' }, this.hint_, form, endChatControl(language_, () => this.actions_.end())),
    );
    for (const entry of entries) this.append(entry);
    this.render();
    // The newest message stays in view when the log gets smaller under it (the check code
    // opens, the on-screen keyboard shows), unless she had scrolled up to read.
    this.log_.addEventListener('scroll', () => {
      this.atEnd_ = this.log_.scrollHeight - this.log_.scrollTop - this.log_.clientHeight < 24;
    });
    if (typeof ResizeObserver === 'function') {
      const observer = new ResizeObserver(() => {
        if (this.atEnd_) this.scrollToEnd();
      });
      observer.observe(this.log_);
      // On a short screen the whole screen scrolls as well as the log.
      queueMicrotask(() => {
        if (this.root.parentElement !== null) observer.observe(this.root.parentElement);
      });
    }
  }

  /** The organisation's numbers changed: the queue's block (if shown) is redrawn. */
  setNumbers(numbers: readonly EmergencyNumber[]): void {
    this.emergencyNumbers_ = numbers;
    if (this.numbers_.childElementCount > 0) this.numbers_.replaceChildren(numbersBlock(this.language_, numbers));
  }

  get draft(): string {
    return this.textarea_.value;
  }

  get heading(): HTMLHeadingElement {
    return this.heading_;
  }

  update(status: ConversationStatus): void {
    this.status_ = status;
    this.render();
  }

  append(entry: Entry): void {
    const t = (key: MessageKey, params?: Params) => translate(this.language_, key, params);
    let item: HTMLLIElement;
    switch (entry.kind) {
      case 'mine': {
        item = el('li', { class: 'msg mine' }, el('span', { class: 'who' }, t('chat.you')), el('p', { class: 'bubble' }, entry.text), el('span', { class: 'meta' }));
        this.items_.set(entry.id, item);
        this.showDelivery(item, entry.id, entry.delivery, entry.atMs);
        break;
      }
      case 'theirs':
        item = el('li', { class: 'msg theirs' }, el('span', { class: 'who' }, entry.name), el('p', { class: 'bubble' }, entry.text), el('span', { class: 'meta' }, this.time(entry.atMs)));
        break;
      case 'system':
        item = el('li', { class: 'msg system' }, el('p', {}, t(entry.key, entry.params)));
        break;
      case 'share':
        item = el('li', { class: 'msg system share' });
        this.shareItem_ = item;
        this.showShare(entry.name, entry.state);
        break;
    }
    this.log_.append(item);
    this.scrollToEnd();
  }

  /** The share question was answered: the buttons give way to what happened. */
  setShare(name: string, state: ShareState): void {
    this.showShare(name, state);
    this.scrollToEnd();
  }

  private showShare(name: string, state: ShareState): void {
    const item = this.shareItem_;
    if (item === null) return;
    const t = (key: MessageKey, params?: Params) => translate(this.language_, key, params);
    if (state !== 'open') {
      const hadFocus = item.contains(item.ownerDocument.activeElement);
      item.replaceChildren(el('p', {}, t(state === 'shared' ? 'chat.shared' : 'chat.notShared', { name })));
      // The button she pressed is gone: her next step is writing.
      if (hadFocus) this.focusComposer();
      return;
    }
    const yes = el('button', { type: 'button', class: 'button primary share-yes' }, t('chat.shareYes'));
    const no = el('button', { type: 'button', class: 'button share-no' }, t('chat.shareNo'));
    yes.addEventListener('click', () => this.actions_.share(true));
    no.addEventListener('click', () => this.actions_.share(false));
    item.replaceChildren(el('p', {}, t('chat.shareAsk', { name })), el('div', { class: 'share-actions' }, yes, no));
  }

  remove(id: number): void {
    this.items_.get(id)?.remove();
    this.items_.delete(id);
  }

  /** One of her messages moved on (sent, acknowledged, or lost with its counselor). */
  setDelivery(id: number, delivery: Delivery, atMs: number): void {
    const item = this.items_.get(id);
    if (item !== undefined) this.showDelivery(item, id, delivery, atMs);
  }

  private showDelivery(item: HTMLLIElement, id: number, delivery: Delivery, atMs: number): void {
    const t = (key: MessageKey) => translate(this.language_, key);
    item.classList.toggle('pending', delivery === 'kept' || delivery === 'sending');
    item.classList.toggle('failed', delivery === 'failed');
    const meta = item.querySelector('.meta');
    if (meta === null) return;
    switch (delivery) {
      case 'kept':
        meta.replaceChildren(t('chat.pending'));
        break;
      case 'sending':
        meta.replaceChildren(t('chat.sending'));
        break;
      case 'delivered':
        meta.replaceChildren(this.time(atMs));
        break;
      case 'failed': {
        const again = el('button', { type: 'button', class: 'button link retry' }, t('chat.sendAgain'));
        again.addEventListener('click', () => this.actions_.retry(id));
        meta.replaceChildren(t('chat.notDelivered'), ' ', again);
        break;
      }
    }
  }

  focusComposer(): void {
    this.textarea_.focus();
  }

  showError(visible: boolean): void {
    this.error_.hidden = !visible;
    this.error_.textContent = visible ? translate(this.language_, 'composer.tooLong') : '';
    if (visible) this.textarea_.setAttribute('aria-invalid', 'true');
    else this.textarea_.removeAttribute('aria-invalid');
  }

  private submit(): void {
    const text = this.textarea_.value.trim();
    if (text === '') return;
    if (!this.actions_.send(text)) {
      this.showError(true);
      return;
    }
    this.showError(false);
    this.textarea_.value = '';
  }

  private render(): void {
    const t = (key: MessageKey, params?: Params) => translate(this.language_, key, params);
    const s = this.status_;
    const name = s.counselorName ?? '';
    const waiting = s.phase === 'connecting' || s.phase === 'waiting';
    this.heading_.textContent = waiting || name === '' ? t('queue.heading') : t('chat.with', { name });

    let line1 = '';
    let line2 = '';
    if (s.phase === 'connecting') {
      line1 = t('queue.connecting');
    } else if (s.phase === 'waiting') {
      if (s.requeued) line1 = t('queue.requeued');
      if (s.position !== null) {
        const position = s.position <= 1 ? t('queue.first') : t('queue.ahead', { count: s.position - 1 });
        line1 = line1 === '' ? position : `${line1} ${position}`;
      }
      if (s.estimate === null) line2 = t('queue.nobody');
      else if (s.estimate !== undefined) line2 = this.estimateText(s.estimate);
    } else if (s.phase === 'joining') {
      line1 = t('chat.joining', { name });
    } else if (s.verifiedBy === null) {
      // The handshake verified: the keys are the counselor's, certified by the organisation.
      line1 = t('chat.secure', { name });
    }
    setText(this.line1_, line1);
    setText(this.line2_, line2);
    setText(this.reassure_, s.phase === 'waiting' && s.reassurance > 0 ? t(s.reassurance === 1 ? 'queue.reassure1' : 'queue.reassure2') : '');

    const verified = s.phase === 'active' && s.verifiedBy !== null;
    this.badge_.replaceChildren(...(verified ? [icon(kIconShield), document.createTextNode(t('chat.verified', { org: s.verifiedBy ?? '' }))] : []));
    this.badge_.hidden = !verified;
    const codeAvailable = verified && s.code !== null;
    this.codeButton_.hidden = !codeAvailable;
    this.codeButton_.textContent = this.codeShown_ ? t('chat.codeHide') : t('chat.codeShow');
    this.codeButton_.setAttribute('aria-expanded', String(this.codeShown_ && codeAvailable));
    this.code_.hidden = !(this.codeShown_ && codeAvailable);
    this.code_.replaceChildren(
      ...(codeAvailable
        ? [el('p', { class: 'code-digits' }, t('chat.code', { code: formatVerificationCode(s.code ?? '') })), el('p', {}, t('chat.codeExplain'))]
        : []),
    );
    setText(this.banner_, s.reconnecting ? t('chat.reconnecting') : '');

    const showNumbers = s.phase === 'waiting' && s.estimate === null;
    if (showNumbers && this.numbers_.childElementCount === 0) this.numbers_.append(numbersBlock(this.language_, this.emergencyNumbers_));
    this.numbers_.hidden = !showNumbers;
    setText(this.hint_, waiting || s.phase === 'joining' ? t('queue.typeHint') : '');
  }

  private estimateText(estimate: { readonly low: number; readonly high: number }): string {
    const t = (key: MessageKey, params?: Params) => translate(this.language_, key, params);
    if (estimate.high <= 0) return t('queue.estimateSoon');
    if (estimate.low === estimate.high) return t('queue.estimate', { count: estimate.high });
    if (estimate.low <= 0) return t('queue.estimateUpTo', { count: estimate.high });
    return t('queue.estimateRange', { low: Math.max(0, estimate.low), high: estimate.high });
  }

  private time(atMs: number): string {
    // The 24-hour clock in both languages: a Bulgarian service, whose people read times that way.
    return new Intl.DateTimeFormat(this.language_, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(atMs));
  }

  /** Shows the newest message: the log scrolls when it fills the frame, else the screen does. */
  private scrollToEnd(): void {
    this.atEnd_ = true;
    for (const scroller of [this.log_, this.root.parentElement]) {
      if (scroller !== null && scroller.scrollHeight > scroller.clientHeight) scroller.scrollTop = scroller.scrollHeight;
    }
  }
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
  element.hidden = text === '';
}
