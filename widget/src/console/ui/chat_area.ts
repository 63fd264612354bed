// The chats a counselor holds, as tabs (WAI-ARIA tabs: arrow keys move between them) with an
// unread count and the encryption state on each, and one persistent panel per chat: the
// visitor's summary, the verification code, canned replies, transfer and end, the conversation
// log (appended to, never redrawn, so a screen reader hears each new line once), the composer,
// and the wrap-up form once the chat is over.
//
// What the counselor types stays in the textarea (this page's memory) until sent; the log and
// the draft of a chat are removed from the page when the chat leaves the console.

import { append, el } from '../../shared/dom';
import { formatVerificationCode } from '../../e2e/session_keys';
import type { ChatEntry, ConsoleChat, ConsoleState } from '../console_client';
import {
  kAgeBandLabels,
  kCategoryLabels,
  kLaneLabels,
  kLanguageLabels,
  kOutcomeLabels,
  label,
  t,
  type ConsoleKey,
  type Language,
} from '../i18n/catalog';
import { kMaxTextBytes } from '../chat_leg';
import { kAgeBands, type WrapUpDraft, type WrapUpProblem } from '../wrap_up';
import { button, uid } from './forms';

export interface ChatActions {
  select(chatId: string): void;
  send(chatId: string, text: string): boolean;
  transfer(chatId: string): void;
  end(chatId: string): void;
  wrapUp(chatId: string, draft: WrapUpDraft): WrapUpProblem | null;
  close(chatId: string): void;
  read(chatId: string): void;
  cancelTransfer(chatId: string): void;
}

interface ChatDom {
  readonly tab: HTMLButtonElement;
  readonly panel: HTMLElement;
  readonly header: HTMLElement;
  readonly log: HTMLElement;
  readonly composer: HTMLFormElement;
  readonly textarea: HTMLTextAreaElement;
  readonly composerError: HTMLElement;
  readonly canned: HTMLDetailsElement;
  readonly footer: HTMLElement;
  rendered: number;
  wrapUpFor: string | null;
  phase: string;
}

const kTimeFormat = new Map<Language, Intl.DateTimeFormat>();

function clockTime(language: Language, atMs: number): string {
  let format = kTimeFormat.get(language);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(language === 'bg' ? 'bg-BG' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
    kTimeFormat.set(language, format);
  }
  return format.format(atMs);
}

function stateKey(chat: ConsoleChat): ConsoleKey {
  return `state.${chat.phase}` as ConsoleKey;
}

export class ChatArea {
  readonly root: HTMLElement;
  private readonly tabs_: HTMLElement;
  private readonly panels_: HTMLElement;
  private readonly empty_: HTMLElement;
  private readonly dom_ = new Map<string, ChatDom>();
  private selected_: string | null = null;

  constructor(
    private readonly language_: Language,
    private readonly actions_: ChatActions,
  ) {
    this.tabs_ = el('div', { class: 'chat-tabs' });
    this.tabs_.addEventListener('keydown', (event) => this.tabKey(event));
    this.panels_ = el('div', { class: 'chat-panels' });
    this.empty_ = el('p', { class: 'empty-state' }, t(language_, 'chats.empty'));
    this.root = el('section', { class: 'chat-area', 'aria-label': t(language_, 'chats.label') }, this.tabs_, this.empty_, this.panels_);
  }

  get selected(): string | null {
    return this.selected_;
  }

  /** The chat ids in tab order. */
  get order(): string[] {
    return [...this.dom_.keys()];
  }

  select(chatId: string, focus: 'tab' | 'composer' | null = null): void {
    if (!this.dom_.has(chatId)) return;
    this.selected_ = chatId;
    for (const [id, dom] of this.dom_) {
      const on = id === chatId;
      dom.tab.setAttribute('aria-selected', String(on));
      dom.tab.tabIndex = on ? 0 : -1;
      dom.panel.hidden = !on;
    }
    const dom = this.dom_.get(chatId)!;
    dom.log.scrollTop = dom.log.scrollHeight;
    if (focus === 'tab') dom.tab.focus();
    if (focus === 'composer') this.focusComposer();
  }

  focusComposer(): boolean {
    const dom = this.selected_ === null ? undefined : this.dom_.get(this.selected_);
    if (dom === undefined || dom.composer.hidden) return false;
    dom.textarea.focus();
    return true;
  }

  openCanned(): void {
    const dom = this.selected_ === null ? undefined : this.dom_.get(this.selected_);
    if (dom === undefined || dom.canned.hidden) return;
    dom.canned.open = true;
    dom.canned.querySelector<HTMLButtonElement>('button')?.focus();
  }

  update(state: ConsoleState): void {
    for (const id of [...this.dom_.keys()]) {
      if (!state.chats.has(id)) this.remove(id);
    }
    for (const chat of state.chats.values()) {
      const dom = this.dom_.get(chat.id) ?? this.create(chat, state);
      this.refresh(dom, chat, state);
    }
    if ((this.selected_ === null || !this.dom_.has(this.selected_)) && this.dom_.size > 0) {
      this.select([...this.dom_.keys()][0]!);
    }
    this.empty_.hidden = this.dom_.size > 0;
    // A tablist must hold tabs: with no chat it is a plain (empty) container.
    if (this.dom_.size > 0) {
      this.tabs_.setAttribute('role', 'tablist');
      this.tabs_.setAttribute('aria-label', t(this.language_, 'chats.label'));
    } else {
      this.tabs_.removeAttribute('role');
      this.tabs_.removeAttribute('aria-label');
    }
    if (this.selected_ !== null) {
      const chat = state.chats.get(this.selected_);
      if (chat !== undefined && chat.unread > 0 && !document.hidden) this.actions_.read(chat.id);
    }
  }

  private create(chat: ConsoleChat, state: ConsoleState): ChatDom {
    const language = this.language_;
    const tabId = `tab-${chat.id}`;
    const panelId = `panel-${chat.id}`;
    const tab = el('button', { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, class: 'chat-tab', 'aria-selected': 'false', tabindex: '-1' });
    tab.addEventListener('click', () => this.actions_.select(chat.id));
    const header = el('div', { class: 'chat-header' });
    const log = el('div', { class: 'chat-log', role: 'log', 'aria-label': t(language, 'chat.log'), tabindex: '0' });
    const textareaId = uid('composer');
    const hintId = `${textareaId}-hint`;
    const textarea = el('textarea', {
      id: textareaId,
      class: 'composer-input',
      rows: 3,
      'aria-describedby': hintId,
      lang: chat.language === 'en' ? 'en' : chat.language === 'bg' ? 'bg' : null,
      spellcheck: 'true',
    });
    const composerError = el('p', { class: 'field-error', hidden: true, role: 'alert' });
    const composer = el(
      'form',
      { class: 'composer' },
      el('label', { for: textareaId, class: 'composer-label' }, t(language, 'chat.composer')),
      el('p', { id: hintId, class: 'hint' }, t(language, 'chat.composerHint')),
      el('div', { class: 'composer-row' }, textarea, el('button', { type: 'submit', class: 'button primary' }, t(language, 'chat.send'))),
      composerError,
    );
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.sendFrom(chat.id);
    });
    textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.sendFrom(chat.id);
      }
    });
    textarea.addEventListener('input', () => {
      const current = state.chats.get(chat.id);
      if (current !== undefined) current.draft = textarea.value;
      composerError.hidden = true;
    });
    const canned = this.cannedMenu(chat, state, textarea);
    const footer = el('div', { class: 'chat-footer' });
    const panel = el(
      'section',
      { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, class: 'chat-panel', hidden: true },
      header,
      log,
      composer,
      footer,
    );
    const dom: ChatDom = { tab, panel, header, log, composer, textarea, composerError, canned, footer, rendered: 0, wrapUpFor: null, phase: '' };
    this.dom_.set(chat.id, dom);
    this.tabs_.append(tab);
    this.panels_.append(panel);
    return dom;
  }

  private remove(id: string): void {
    const dom = this.dom_.get(id);
    if (dom === undefined) return;
    const hadFocus = dom.panel.contains(document.activeElement) || dom.tab === document.activeElement;
    dom.textarea.value = '';
    dom.log.replaceChildren();
    dom.tab.remove();
    dom.panel.remove();
    this.dom_.delete(id);
    if (this.selected_ === id) {
      this.selected_ = null;
      const next = [...this.dom_.keys()][0];
      if (next !== undefined) this.select(next, hadFocus ? 'tab' : null);
      else if (hadFocus) document.getElementById('take-next')?.focus();
    }
  }

  private refresh(dom: ChatDom, chat: ConsoleChat, state: ConsoleState): void {
    const language = this.language_;
    const index = [...this.dom_.keys()].indexOf(chat.id);
    const shortcut = index < 9 ? `Alt+${index + 1}` : null;
    dom.tab.className = `chat-tab phase-${chat.phase}${chat.unread > 0 ? ' has-unread' : ''}`;
    dom.tab.replaceChildren();
    append(
      dom.tab,
      el('span', { class: 'tab-title' }, t(language, 'chats.tab', { number: chat.number })),
      el('span', { class: `lane lane-${chat.lane}` }, label(kLaneLabels, chat.lane, language)),
      el('span', { class: `tab-state state-${chat.phase}` }, t(language, stateKey(chat))),
      chat.unread > 0 ? el('span', { class: 'unread' }, el('span', { 'aria-hidden': 'true' }, String(chat.unread)), el('span', { class: 'sr-only' }, t(language, 'chats.unread', { count: chat.unread }))) : null,
    );
    if (shortcut !== null) dom.tab.setAttribute('aria-keyshortcuts', shortcut);

    if (dom.phase !== chat.phase || dom.header.childElementCount === 0) this.renderHeader(dom, chat, state);
    dom.phase = chat.phase;

    const stick = dom.log.scrollHeight - dom.log.scrollTop - dom.log.clientHeight < 40;
    for (const entry of chat.entries.slice(dom.rendered)) dom.log.append(this.entry(entry));
    dom.rendered = chat.entries.length;
    for (const entry of chat.entries) {
      if (entry.kind === 'me' && !entry.pending) dom.log.querySelector(`[data-id="${entry.id}"]`)?.classList.remove('pending');
    }

    const writable = chat.phase === 'connecting' || chat.phase === 'encrypted';
    dom.composer.hidden = !writable;
    if (dom.textarea.value === '' && chat.draft !== '') dom.textarea.value = chat.draft;

    if (chat.phase === 'ended') {
      if (dom.wrapUpFor !== chat.id) {
        dom.wrapUpFor = chat.id;
        dom.footer.replaceChildren(this.wrapUpForm(chat, state));
      }
      const save = dom.footer.querySelector<HTMLButtonElement>('button[type="submit"]');
      if (save !== null) {
        save.disabled = chat.wrapUpSaving;
        save.textContent = t(language, chat.wrapUpSaving ? 'wrapUp.saving' : 'wrapUp.save');
      }
    } else if (chat.phase === 'transferring' && chat.transferSeq !== null) {
      if (dom.wrapUpFor !== 'transferring') {
        dom.wrapUpFor = 'transferring';
        dom.footer.replaceChildren(button(t(language, 'transfer.cancelWait'), { class: 'button', 'data-action': 'cancel-transfer' }, () => this.actions_.cancelTransfer(chat.id)));
      }
    } else if (chat.phase === 'gone') {
      if (dom.wrapUpFor !== 'gone') {
        dom.wrapUpFor = 'gone';
        dom.footer.replaceChildren(button(t(language, 'chat.close'), { class: 'button', 'data-action': 'close' }, () => this.actions_.close(chat.id)));
      }
    } else if (dom.wrapUpFor !== null) {
      dom.wrapUpFor = null;
      dom.footer.replaceChildren();
    }
    // Last, once the footer (a wrap-up form takes room) has its size: how the chat ended must not
    // be pushed out of view.
    if (stick) dom.log.scrollTop = dom.log.scrollHeight;
  }

  private renderHeader(dom: ChatDom, chat: ConsoleChat, state: ConsoleState): void {
    const language = this.language_;
    const hadFocus = dom.header.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset['action'] ?? null : null;
    const facts = el(
      'dl',
      { class: 'facts' },
      el('div', {}, el('dt', {}, t(language, 'chat.lane')), el('dd', {}, el('span', { class: `lane lane-${chat.lane}` }, label(kLaneLabels, chat.lane, language)))),
      el('div', {}, el('dt', {}, t(language, 'chat.language')), el('dd', {}, label(kLanguageLabels, chat.language, language))),
      el('div', {}, el('dt', {}, t(language, 'chat.age')), el('dd', {}, label(kAgeBandLabels, chat.ageBand, language))),
    );
    const state_ = el('span', { class: `state-badge state-${chat.phase}` }, t(language, stateKey(chat)));
    const code =
      chat.code !== null && (chat.phase === 'encrypted' || chat.phase === 'transferring')
        ? el(
            'details',
            { class: 'code' },
            el('summary', {}, t(language, 'chat.codeShow')),
            el('p', { class: 'code-value' }, t(language, 'chat.code', { code: formatVerificationCode(chat.code) })),
            el('p', { class: 'hint' }, t(language, 'chat.codeExplain')),
          )
        : null;
    const live = chat.phase === 'connecting' || chat.phase === 'encrypted';
    const canEnd = chat.phase !== 'ended' && chat.phase !== 'gone';
    const actions = el(
      'div',
      { class: 'chat-actions' },
      live ? dom.canned : null,
      chat.phase === 'encrypted'
        ? button(t(language, 'chat.transfer'), { class: 'button', 'data-action': 'transfer', 'aria-keyshortcuts': 'Alt+T' }, () => this.actions_.transfer(chat.id))
        : null,
      canEnd ? button(t(language, 'chat.end'), { class: 'button danger', 'data-action': 'end', 'aria-keyshortcuts': 'Alt+E' }, () => this.actions_.end(chat.id)) : null,
    );
    dom.canned.hidden = !live;
    dom.header.replaceChildren(el('div', { class: 'chat-header-row' }, facts, state_, code), actions);
    if (hadFocus !== null) dom.header.querySelector<HTMLElement>(`[data-action="${hadFocus}"]`)?.focus();
    void state;
  }

  private cannedMenu(chat: ConsoleChat, state: ConsoleState, textarea: HTMLTextAreaElement): HTMLDetailsElement {
    const language = this.language_;
    const visitorFirst = chat.language === 'en' ? (['en', 'bg'] as const) : (['bg', 'en'] as const);
    const groups = visitorFirst
      .filter((code) => state.canned[code].length > 0)
      .map((code) =>
        el(
          'div',
          { class: 'canned-group', lang: code },
          el('p', { class: 'canned-language' }, label(kLanguageLabels, code, language)),
          el(
            'ul',
            {},
            ...state.canned[code].map((template) => template.split('{name}').join(state.name)).map((text) =>
              el(
                'li',
                {},
                button(text, { class: 'canned-reply' }, () => {
                  textarea.value = textarea.value === '' ? text : `${textarea.value} ${text}`;
                  const current = state.chats.get(chat.id);
                  if (current !== undefined) current.draft = textarea.value;
                  details.open = false;
                  textarea.focus();
                }),
              ),
            ),
          ),
        ),
      );
    const details = el(
      'details',
      { class: 'canned' },
      el('summary', { 'data-action': 'canned', 'aria-keyshortcuts': 'Alt+R' }, t(language, 'chat.canned')),
      el('div', { class: 'canned-menu' }, ...(groups.length > 0 ? groups : [el('p', { class: 'hint' }, t(language, 'chat.cannedNone'))])),
    );
    details.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && details.open) {
        details.open = false;
        details.querySelector('summary')?.focus();
        event.stopPropagation();
      }
    });
    return details;
  }

  private entry(entry: ChatEntry): HTMLElement {
    const language = this.language_;
    switch (entry.kind) {
      case 'shared':
        return el(
          'div',
          { class: `msg shared ${entry.from === 'visitor' ? 'theirs' : 'mine'}` },
          el('span', { class: 'who' }, t(language, entry.from === 'visitor' ? 'chat.sharedVisitor' : 'chat.sharedCounselor')),
          el('p', { class: 'bubble' }, entry.text),
          el('span', { class: 'time' }, clockTime(language, entry.atMs)),
        );
      case 'handover':
        return el(
          'div',
          { class: 'msg handover' },
          el('span', { class: 'who' }, t(language, 'chat.handover', { name: entry.from })),
          el('p', { class: 'bubble' }, entry.text),
        );
      case 'visitor':
        return el(
          'div',
          { class: 'msg theirs' },
          el('span', { class: 'who' }, t(language, 'chat.visitor')),
          el('p', { class: 'bubble' }, entry.text),
          el('span', { class: 'time' }, clockTime(language, entry.atMs)),
        );
      case 'me':
        return el(
          'div',
          { class: `msg mine${entry.pending ? ' pending' : ''}`, 'data-id': String(entry.id) },
          el('span', { class: 'who' }, t(language, 'chat.me')),
          el('p', { class: 'bubble' }, entry.text),
          el('span', { class: 'time' }, clockTime(language, entry.atMs), el('span', { class: 'pending-note' }, ` · ${t(language, 'chat.pending')}`)),
        );
      case 'system': {
        const params: Record<string, string> = { ...entry.params };
        if (entry.key === 'ended' && params['reason'] !== undefined) {
          const reasonKey = `ended.${params['reason']}` as ConsoleKey;
          const text = reasonKey in { ...kReasonKeys } ? t(language, reasonKey) : t(language, 'ended.ended');
          // A quick exit is the one ending a counselor must not miss: someone may be with the visitor.
          const alert = params['reason'] === 'quick_exit';
          return el('p', { class: alert ? 'msg system alert' : 'msg system' }, `${text} ${t(language, 'note.ended')}`);
        }
        const key = entry.key === 'requeued' && params['name'] === '' ? 'note.requeuedAway' : (`note.${entry.key}` as ConsoleKey);
        return el('p', { class: 'msg system' }, t(language, key, params));
      }
    }
  }

  private sendFrom(chatId: string): void {
    const dom = this.dom_.get(chatId);
    if (dom === undefined) return;
    const text = dom.textarea.value.trim();
    if (text === '') return;
    if (new TextEncoder().encode(text).length > kMaxTextBytes) {
      dom.composerError.textContent = t(this.language_, 'chat.tooLong');
      dom.composerError.hidden = false;
      return;
    }
    if (this.actions_.send(chatId, text)) dom.textarea.value = '';
  }

  private wrapUpForm(chat: ConsoleChat, state: ConsoleState): HTMLElement {
    const language = this.language_;
    const name = `wrap-${chat.id}`;
    const categories = state.taxonomy.categories.map((code) =>
      el('label', { class: 'check' }, el('input', { type: 'checkbox', name: `${name}-category`, value: code }), ` ${label(kCategoryLabels, code, language)}`),
    );
    const ageId = uid('age');
    const age = el(
      'select',
      { id: ageId, name: `${name}-age` },
      el('option', { value: '' }, t(language, 'wrapUp.ageUnknown')),
      ...kAgeBands.map((band) => el('option', { value: band, selected: band === chat.ageBand }, label(kAgeBandLabels, band, language))),
    );
    // She fled: the outcome that records it is chosen for the counselor, who may change it.
    const suggested = chat.endReason === 'quick_exit' ? 'left_suddenly' : null;
    const outcomes = state.taxonomy.outcomes.map((code) =>
      el('label', { class: 'check' }, el('input', { type: 'radio', name: `${name}-outcome`, value: code, checked: code === suggested }), ` ${label(kOutcomeLabels, code, language)}`),
    );
    const error = el('p', { class: 'field-error', role: 'alert', hidden: true });
    const headingId = uid('wrap-heading');
    const form = el(
      'form',
      { class: 'wrap-up', 'aria-labelledby': headingId, novalidate: true },
      el('h3', { id: headingId, tabindex: '-1' }, t(language, 'wrapUp.heading', { number: chat.number })),
      suggested === null ? null : el('p', { class: 'msg system alert' }, t(language, 'ended.quick_exit')),
      el('p', { class: 'hint' }, t(language, 'wrapUp.intro')),
      el('div', { class: 'wrap-grid' },
        el('fieldset', { class: 'categories' }, el('legend', {}, t(language, 'wrapUp.categories')), el('div', { class: 'checks' }, ...categories)),
        el('div', { class: 'wrap-side' },
          el('div', { class: 'field' }, el('label', { for: ageId }, t(language, 'wrapUp.age')), age),
          el('fieldset', { class: 'outcomes' }, el('legend', {}, t(language, 'wrapUp.outcome')), el('div', { class: 'checks' }, ...outcomes)),
          error,
          el('button', { type: 'submit', class: 'button primary' }, t(language, 'wrapUp.save')),
        ),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const draft: WrapUpDraft = {
        categories: Array.from(form.querySelectorAll<HTMLInputElement>(`input[name="${name}-category"]:checked`)).map((input) => input.value),
        ageBand: age.value,
        outcome: form.querySelector<HTMLInputElement>(`input[name="${name}-outcome"]:checked`)?.value ?? '',
      };
      const problem = this.actions_.wrapUp(chat.id, draft);
      error.hidden = problem === null;
      if (problem !== null) {
        error.textContent = t(language, problem === 'no_category' ? 'wrapUp.noCategory' : problem === 'no_outcome' ? 'wrapUp.noOutcome' : 'wrapUp.unknown');
      }
    });
    return form;
  }

  private tabKey(event: KeyboardEvent): void {
    const ids = this.order;
    const current = this.selected_ === null ? -1 : ids.indexOf(this.selected_);
    let next = current;
    if (event.key === 'ArrowRight') next = (current + 1) % ids.length;
    else if (event.key === 'ArrowLeft') next = (current - 1 + ids.length) % ids.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = ids.length - 1;
    else return;
    event.preventDefault();
    const id = ids[next];
    if (id !== undefined) {
      this.actions_.select(id);
      this.select(id, 'tab');
    }
  }
}

const kReasonKeys: Record<string, true> = {
  'ended.counselor_ended': true,
  'ended.visitor_left': true,
  'ended.visitor_lost': true,
  'ended.expired': true,
  'ended.abandoned': true,
  'ended.ended': true,
  'ended.quick_exit': true,
};
