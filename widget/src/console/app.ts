// The duty console page: screens before login (log in, enrolment), then the shift (queue,
// offers, chat tabs, transfer, wrap-up) and, for supervisors, the operator view and the
// statistics. Owns the language, the keyboard shortcuts, the idle timeout and logout.
//
// Memory is the only store: the identity key and every chat key live in ConsoleClient and
// ChatLeg objects. Logging out (by hand, on idle, or when the server ends the session) tells the
// server, wipes the keys, and reloads the page (so nothing of the shift survives in this tab's
// memory), carrying only the reason in the URL for the login screen to show.

import type { Sodium } from '../e2e/index';
import type { Clock } from '../shared/clock';
import type { SocketFactory } from '../shared/connection';
import { el } from '../shared/dom';
import { kLanguages, type Language } from '../shared/i18n';
import { OperatorView } from '../operator/operator_view';
import { StatsView } from '../operator/stats_view';
import { checkNewPassphrase, finishEnrolment, forgetKeys, logIn, type CounselorKeys, type KeysError } from './account_keys';
import type { ConsoleApi, EnrolmentStarted } from './api';
import { ConsoleClient, type Announcement, type SessionEnd } from './console_client';
import { label, kLaneLabels, kLanguageLabels, t, type ConsoleKey } from './i18n/catalog';
import { IdleTimer } from './idle_timer';
import { shortcutFor, type ShortcutAction } from './shortcuts';
import { enrolCodeView, enrolDoneView, enrolSetupView, loginView } from './ui/auth_views';
import { ChatArea } from './ui/chat_area';
import { confirmEnd, idleDialog, showHelp, transferDialog, type Modal } from './ui/dialogs';
import { button } from './ui/forms';
import { QueuePanel } from './ui/queue_panel';

export interface ConsoleEnvironment {
  readonly window: Window;
  readonly api: ConsoleApi;
  readonly socketUrl: string;
  readonly createSocket: SocketFactory;
  readonly loadSodium: () => Promise<Sodium>;
  readonly clock: Clock;
  /** Reloads the page to show the login screen with `reason` (wipes this tab's memory). */
  readonly restart: (reason: string) => void;
  readonly idleTimeoutMs?: number;
  readonly idleWarningMs?: number;
}

type View = 'chats' | 'operator' | 'stats';
export type LoginNotice = SessionEnd | 'idle' | 'logout';

const kNotices: Readonly<Record<LoginNotice, ConsoleKey>> = {
  session_expired: 'login.ended.session_expired',
  revoked: 'login.ended.revoked',
  replaced: 'login.ended.replaced',
  unreachable: 'login.ended.unreachable',
  refused: 'login.ended.refused',
  idle: 'login.ended.idle',
  logout: 'login.ended.logout',
};

export function isLoginNotice(value: string | null): value is LoginNotice {
  return value !== null && value in kNotices;
}

export class ConsoleApp {
  private readonly document_: Document;
  private language_: Language = 'bg';
  private sodium_: Promise<Sodium> | null = null;
  private keys_: CounselorKeys | null = null;
  private client_: ConsoleClient | null = null;
  private view_: View = 'chats';
  private queue_: QueuePanel | null = null;
  private chats_: ChatArea | null = null;
  private operator_: OperatorView | null = null;
  private stats_: StatsView | null = null;
  private transfer_: ReturnType<typeof transferDialog> | null = null;
  private idleDialog_: ReturnType<typeof idleDialog> | null = null;
  private modal_: Modal | null = null;
  private idle_: IdleTimer | null = null;
  private ticker_: unknown = null;
  private notice_: LoginNotice | null;
  private leaving_ = false;

  private readonly header_: HTMLElement;
  private readonly main_: HTMLElement;
  private readonly announcer_: HTMLElement;
  private readonly refusal_: HTMLElement;
  private refusalTimer_: unknown = null;

  constructor(
    private readonly environment_: ConsoleEnvironment,
    notice: LoginNotice | null,
    language: Language,
  ) {
    this.document_ = environment_.window.document;
    this.language_ = language;
    this.notice_ = notice;
    this.header_ = el('header', { class: 'topbar' });
    this.main_ = el('main', { id: 'main', class: 'main', tabindex: '-1' });
    this.announcer_ = el('div', { class: 'sr-only', 'aria-live': 'polite', id: 'announcer' });
    // What the server refused, shown as well as announced (a refusal only a screen reader hears
    // looks to everyone else like a button that does nothing). Not live: the announcer speaks.
    this.refusal_ = el('p', { class: 'refusal', id: 'refusal', hidden: true });
    this.document_.body.replaceChildren(
      el('a', { href: '#main', class: 'skip-link' }, t(language, 'app.skip')),
      this.header_,
      this.refusal_,
      this.main_,
      this.announcer_,
    );
    const window = environment_.window;
    window.addEventListener('keydown', (event) => this.onKey(event));
    for (const type of ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const) {
      window.addEventListener(type, () => this.idle_?.activity(), { passive: true, capture: true });
    }
    window.addEventListener('beforeunload', (event) => {
      if (!this.leaving_ && (this.client_?.activeChatCount ?? 0) > 0) event.preventDefault();
    });
    window.addEventListener('pagehide', () => this.wipe());
    window.addEventListener('online', () => this.client_?.online());
  }

  start(): void {
    this.sodium_ = this.environment_.loadSodium();
    this.sodium_.catch(() => {
      this.sodium_ = null;
    });
    this.showLogin();
  }

  // --- header ---

  private t(key: ConsoleKey, params?: Readonly<Record<string, string | number>>): string {
    return t(this.language_, key, params);
  }

  private renderHeader(): void {
    const language = this.language_;
    this.document_.documentElement.lang = language;
    this.document_.title = this.t('app.title');
    const other = kLanguages.find((code) => code !== language) ?? 'en';
    const languageButton = button(this.t('app.otherLanguage'), { class: 'button tool', id: 'language', lang: other, 'aria-label': this.t('app.otherLanguageLabel') }, () =>
      this.switchLanguage(),
    );
    const brand = el('span', { class: 'brand' }, el('strong', {}, this.t('app.brand')), ` · ${this.t('app.product')}`);
    const client = this.client_;
    if (client === null) {
      this.header_.replaceChildren(brand, el('div', { class: 'tools' }, languageButton));
      return;
    }
    const state = client.state;
    const duty = el(
      'div',
      { class: 'duty', role: 'group', 'aria-label': this.t('duty.label') },
      ...(
        [
          ['available', 'available', 'duty.available'],
          ['away', 'away', 'duty.away'],
          ['off', 'off_duty', 'duty.off'],
        ] as const
      ).map(([command, status, key]) =>
        button(this.t(key), { class: `button duty-${command}`, 'aria-pressed': String(state.duty === status), 'data-duty': command }, () => client.setDuty(command)),
      ),
    );
    const connection = el(
      'span',
      { class: `connection connection-${state.connection}`, role: 'status' },
      this.t(state.connection === 'online' ? 'connection.online' : state.connection === 'reconnecting' ? 'connection.reconnecting' : 'connection.connecting'),
    );
    const who = el('span', { class: 'who' }, el('span', { class: 'name' }, state.name), el('span', { class: 'handle' }, ` (${state.handle})`));
    const tools = el(
      'div',
      { class: 'tools' },
      button(this.t('app.shortcuts'), { class: 'button tool', id: 'shortcuts', 'aria-keyshortcuts': 'Alt+K' }, () => this.openHelp()),
      languageButton,
      button(this.t('app.logout'), { class: 'button tool', id: 'logout' }, () => void this.logout('logout')),
    );
    const nav =
      state.role === 'supervisor'
        ? el(
            'nav',
            { class: 'views', 'aria-label': this.t('nav.label') },
            ...(['chats', 'operator', 'stats'] as const).map((view) =>
              button(this.t(`nav.${view}`), { class: 'view-link', 'aria-current': this.view_ === view ? 'page' : null, 'data-view': view }, () => this.showView(view)),
            ),
          )
        : null;
    const focused = this.header_.contains(this.document_.activeElement) ? (this.document_.activeElement as HTMLElement) : null;
    const focusKey = focused?.id || focused?.dataset['duty'] || focused?.dataset['view'] || null;
    this.header_.replaceChildren(...[brand, who, duty, connection, nav, tools].filter((node): node is HTMLElement => node !== null));
    if (focusKey !== null) {
      (this.header_.querySelector<HTMLElement>(`#${CSS.escape(focusKey)}`) ??
        this.header_.querySelector<HTMLElement>(`[data-duty="${focusKey}"], [data-view="${focusKey}"]`))?.focus();
    }
  }

  private switchLanguage(): void {
    this.language_ = kLanguages.find((code) => code !== this.language_) ?? 'bg';
    if (this.client_ === null) {
      this.showLogin();
    } else {
      const selected = this.chats_?.selected ?? null;
      this.queue_ = null;
      this.chats_ = null;
      this.operator_ = null;
      this.stats_ = null;
      this.showView(this.view_, false);
      if (selected !== null) (this.chats_ as ChatArea | null)?.select(selected);
    }
    this.document_.getElementById('language')?.focus();
  }

  // --- before login ---

  private showScreen(root: HTMLElement): void {
    this.renderHeader();
    this.main_.className = 'main auth';
    this.main_.replaceChildren(root);
    root.querySelector<HTMLElement>('.screen-heading')?.focus();
  }

  private showLogin(): void {
    const notice = this.notice_ === null ? null : this.t(kNotices[this.notice_]);
    const screen = loginView(
      this.language_,
      notice,
      (input) => void this.submitLogin(screen, input.handle, input.passphrase, input.totp),
      () => this.showEnrolCode(),
    );
    this.showScreen(screen.root);
  }

  private async sodium(): Promise<Sodium> {
    this.sodium_ ??= this.environment_.loadSodium();
    return this.sodium_;
  }

  private keysErrorText(error: KeysError): string {
    switch (error.code) {
      case 'wrong_credentials':
        return this.t('login.wrong');
      case 'code_used':
        return this.t('login.codeUsed');
      case 'locked_out':
        return error.retryAfterSeconds > 0 ? this.t('login.lockedOut', { count: error.retryAfterSeconds }) : this.t('login.lockedOutLater');
      case 'not_active':
        return this.t('login.notActive');
      case 'busy':
        return this.t('login.busy', { count: Math.max(1, error.retryAfterSeconds) });
      case 'key_mismatch':
      case 'wrong_passphrase':
        return this.t('login.keyMismatch');
      case 'network':
        return this.t('error.network');
      case 'invalid_code':
        return this.t('enrol.invalidCode');
      default:
        return this.t('error.generic', { code: error.code });
    }
  }

  private async submitLogin(screen: ReturnType<typeof loginView>, handle: string, passphrase: string, totp: string): Promise<void> {
    screen.busy(this.t('login.working'));
    let sodium: Sodium;
    try {
      sodium = await this.sodium();
    } catch {
      this.sodium_ = null;
      screen.busy(null);
      screen.error(this.t('error.network'));
      return;
    }
    // Let the progress text paint before Argon2id holds the thread for a second or two.
    await new Promise((resolve) => this.environment_.clock.setTimeout(() => resolve(undefined), 30));
    const result = await logIn(sodium, this.environment_.api, handle, passphrase, totp);
    if (!result.ok) {
      screen.busy(null);
      // No code typed (a server that asks for none, as in the demo, takes an empty field): if
      // this one wanted one, say so rather than only "not right".
      const missingCode = result.error.code === 'wrong_credentials' && totp === '';
      screen.error(missingCode ? this.t('login.wrongNoCode') : this.keysErrorText(result.error));
      screen.focusFirst();
      return;
    }
    this.keys_ = result.value;
    this.notice_ = null;
    this.startShift(sodium, result.value);
  }

  private showEnrolCode(): void {
    const screen = enrolCodeView(
      this.language_,
      (handle, code) =>
        void (async () => {
          screen.busy(this.t('app.loading'));
          const started = await this.environment_.api.enrolStart(handle, code);
          if (!started.ok) {
            screen.busy(null);
            screen.error(this.keysErrorText(started.error));
            return;
          }
          let qr: SVGSVGElement;
          try {
            // The QR encoder is only needed here: a separate chunk, from Haven like the rest.
            const { qrSvg } = await import('./ui/qr');
            qr = qrSvg(started.value.totpUri, this.t('enrol.qrLabel'));
          } catch {
            screen.busy(null);
            screen.error(this.t('error.network'));
            return;
          }
          this.showEnrolSetup(started.value, qr);
        })(),
      () => this.showLogin(),
    );
    this.showScreen(screen.root);
  }

  private showEnrolSetup(started: EnrolmentStarted, qr: SVGSVGElement): void {
    const screen = enrolSetupView(this.language_, started.displayName, qr, started.totpSecret, (input) =>
      void (async () => {
        const problem = checkNewPassphrase(input.passphrase, input.repeated);
        if (problem !== null) {
          screen.passphraseError(this.t(problem === 'too_short' ? 'enrol.tooShort' : 'enrol.mismatch'));
          return;
        }
        screen.passphraseError(null);
        screen.busy(this.t('enrol.working'));
        let sodium: Sodium;
        try {
          sodium = await this.sodium();
        } catch {
          screen.busy(null);
          screen.error(this.t('error.network'));
          return;
        }
        await new Promise((resolve) => this.environment_.clock.setTimeout(() => resolve(undefined), 30));
        const finished = await finishEnrolment(sodium, this.environment_.api, started, input.passphrase, input.totp);
        screen.busy(null);
        if (!finished.ok) {
          screen.error(finished.error.code === 'wrong_credentials' ? this.t('enrol.wrongTotp') : this.keysErrorText(finished.error));
          return;
        }
        this.showScreen(enrolDoneView(this.language_, () => this.showLogin()));
      })(),
    );
    this.showScreen(screen.root);
  }

  // --- the shift ---

  private startShift(sodium: Sodium, keys: CounselorKeys): void {
    const environment = this.environment_;
    this.client_ = new ConsoleClient(
      { url: environment.socketUrl, api: environment.api, sodium, keys, createSocket: environment.createSocket, clock: environment.clock },
      {
        changed: () => this.refresh(),
        announce: (announcement) => this.announceEvent(announcement),
        sessionEnded: (reason) => void this.logout(reason),
      },
    );
    this.idle_ = new IdleTimer(
      environment.clock,
      {
        onWarning: (seconds) => {
          this.idleDialog_ ??= idleDialog(this.document_.body, this.language_, () => {
            this.idleDialog_ = null;
            this.idle_?.activity();
          });
          this.idleDialog_.set(seconds);
        },
        onResumed: () => {
          this.idleDialog_?.modal.close();
          this.idleDialog_ = null;
        },
        onTimeout: () => void this.logout('idle'),
      },
      environment.idleTimeoutMs,
      environment.idleWarningMs,
    );
    this.idle_.start();
    this.client_.start();
    this.showView('chats');
    const tick = (): void => {
      this.tick();
      this.ticker_ = environment.clock.setTimeout(tick, 1000);
    };
    this.ticker_ = environment.clock.setTimeout(tick, 1000);
  }

  private showView(view: View, focus = true): void {
    const client = this.client_;
    if (client === null) return;
    if (view !== 'chats' && client.state.role !== 'supervisor') view = 'chats';
    this.view_ = view;
    this.main_.className = `main view-${view}`;
    let content: HTMLElement;
    if (view === 'chats') {
      this.queue_ ??= new QueuePanel(
        this.language_,
        {
          takeNext: () => client.takeNext(),
          answerOffer: (accept) => client.answerOffer(accept),
          answerTransfer: (accept) => client.answerTransfer(accept),
        },
        (text) => this.announce(text),
      );
      this.chats_ ??= new ChatArea(this.language_, {
        select: (id) => {
          this.chats_?.select(id);
          client.markRead(id);
        },
        send: (id, text) => client.sendText(id, text),
        transfer: (id) => this.openTransfer(id),
        end: (id) => this.confirmEnd(id),
        wrapUp: (id, draft) => client.wrapUp(id, draft),
        close: (id) => client.closeChat(id),
        read: (id) => client.markRead(id),
        cancelTransfer: (id) => client.cancelTransfer(id),
      });
      content = el('div', { class: 'shift' }, this.queue_.root, this.chats_.root);
    } else if (view === 'operator') {
      this.operator_ ??= new OperatorView(this.language_);
      client.watch();
      content = this.operator_.root;
    } else {
      if (this.stats_ === null) {
        this.stats_ = new StatsView(this.language_, this.environment_.api, new Date(this.environment_.clock.nowMs()));
        void this.stats_.load();
      }
      content = this.stats_.root;
    }
    this.main_.replaceChildren(content);
    this.refresh();
    if (focus) (content.querySelector<HTMLElement>('.view-heading') ?? this.main_).focus();
  }

  private refresh(): void {
    const client = this.client_;
    if (client === null) return;
    this.renderHeader();
    const now = this.environment_.clock.nowMs();
    this.queue_?.update(client.state, now);
    this.chats_?.update(client.state);
    if (this.view_ === 'operator') this.operator_?.update(client.state.snapshot);
    this.transfer_?.update(client.state);
  }

  private tick(): void {
    const client = this.client_;
    if (client === null) return;
    this.queue_?.tick(client.state, this.environment_.clock.nowMs());
  }

  private openTransfer(chatId: string): void {
    const client = this.client_;
    const chat = client?.state.chats.get(chatId);
    if (client == null || chat === undefined || chat.phase !== 'encrypted') return;
    this.transfer_ = transferDialog(this.document_.body, this.language_, chat.number, (handle, note) => {
      client.transfer(chatId, handle, note);
      return true;
    });
    this.transfer_.modal.dialog.addEventListener('close', () => {
      this.transfer_ = null;
    });
    client.requestColleagues();
  }

  private confirmEnd(chatId: string): void {
    const client = this.client_;
    const chat = client?.state.chats.get(chatId);
    if (client == null || chat === undefined) return;
    this.modal_ = confirmEnd(this.document_.body, this.language_, chat.number, () => {
      client.endChat(chatId);
      this.chats_?.select(chatId);
    });
  }

  private openHelp(): void {
    if (this.document_.querySelector('dialog[open]') !== null) return;
    this.modal_ = showHelp(this.document_.body, this.language_, this.client_?.state.org?.fingerprint ?? null);
  }

  private onKey(event: KeyboardEvent): void {
    if (this.client_ === null) return;
    const target = event.target as HTMLElement | null;
    const inTextField = target !== null && (target.tagName === 'TEXTAREA' || target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.isContentEditable);
    const action = shortcutFor(event, inTextField);
    if (action === null) return;
    if (this.document_.querySelector('dialog[open]') !== null && action.kind !== 'help') return;
    event.preventDefault();
    this.perform(action);
  }

  private perform(action: ShortcutAction): void {
    const client = this.client_;
    if (client === null) return;
    const selected = this.chats_?.selected ?? null;
    if (action.kind !== 'help' && action.kind !== 'away' && this.view_ !== 'chats') this.showView('chats', false);
    switch (action.kind) {
      case 'take_next':
        client.takeNext();
        return;
      case 'accept':
        if (client.state.transferOffer !== null) client.answerTransfer(true);
        else client.answerOffer(true);
        return;
      case 'decline':
        if (client.state.transferOffer !== null) client.answerTransfer(false);
        else client.answerOffer(false);
        return;
      case 'tab': {
        const id = this.chats_?.order[action.index];
        if (id !== undefined) {
          this.chats_?.select(id, 'tab');
          client.markRead(id);
        }
        return;
      }
      case 'composer':
        this.chats_?.focusComposer();
        return;
      case 'canned':
        this.chats_?.openCanned();
        return;
      case 'transfer':
        if (selected !== null) this.openTransfer(selected);
        return;
      case 'end':
        if (selected !== null) this.confirmEnd(selected);
        return;
      case 'away':
        client.setDuty(client.state.duty === 'away' ? 'available' : 'away');
        return;
      case 'help':
        this.openHelp();
    }
  }

  private announceEvent(announcement: Announcement): void {
    const language = this.language_;
    switch (announcement.key) {
      case 'offer':
        this.announce(`${this.t('announce.offer')} ${label(kLaneLabels, announcement.lane, language)}, ${label(kLanguageLabels, announcement.language, language)}.`);
        return;
      case 'offer_withdrawn': {
        const key = `offer.withdrawn.${announcement.reason}` as ConsoleKey;
        this.announce(this.t(['offer.withdrawn.timed_out', 'offer.withdrawn.visitor_left'].includes(key) ? key : 'offer.withdrawn.counselor_left'));
        return;
      }
      case 'assigned':
        this.announce(this.t('announce.assigned', { chat: announcement.chat }));
        return;
      case 'message': {
        // The open chat's log announces its own new lines.
        const open = this.view_ === 'chats' && this.chats_?.selected !== null && this.client_?.state.chats.get(this.chats_?.selected ?? '')?.number === announcement.chat;
        if (!open) this.announce(this.t('announce.message', { chat: announcement.chat }));
        return;
      }
      case 'nothing_to_take':
        this.announce(this.t('queue.nothing'));
        return;
      case 'transfer_offer':
        this.announce(this.t('announce.transferOffer', { from: announcement.from }));
        return;
      case 'transfer_done':
        this.announce(this.t('announce.transferDone', { chat: announcement.chat, to: announcement.to }));
        return;
      case 'transfer_declined':
        this.announce(this.t('announce.transferDeclined', { chat: announcement.chat, to: announcement.to }));
        return;
      case 'ended':
        this.announce(this.t('announce.ended', { chat: announcement.chat }));
        return;
      case 'wrap_up_saved':
        this.announce(this.t('announce.wrapUpSaved', { chat: announcement.chat }));
        return;
      case 'rejected': {
        const key = `rejected.${announcement.code}` as ConsoleKey;
        const known = this.language_ in { bg: 1, en: 1 } && (key as string) in kRejectedKeys;
        const text = known ? this.t(key) : this.t('rejected.other', { code: announcement.code });
        this.announce(text);
        this.showRefusal(text);
        return;
      }
      case 'reconnecting':
        this.announce(this.t('announce.reconnecting'));
        return;
      case 'reconnected':
        this.announce(this.t('announce.reconnected'));
    }
  }

  private showRefusal(text: string): void {
    this.refusal_.textContent = text;
    this.refusal_.hidden = false;
    if (this.refusalTimer_ !== null) this.environment_.clock.clearTimeout(this.refusalTimer_);
    this.refusalTimer_ = this.environment_.clock.setTimeout(() => {
      this.refusal_.hidden = true;
      this.refusalTimer_ = null;
    }, kRefusalShownMs);
  }

  private announce(text: string): void {
    const line = el('p', {}, text);
    this.announcer_.append(line);
    while (this.announcer_.childElementCount > 4) this.announcer_.firstElementChild?.remove();
  }

  /** Logs out: tells the server (Clear-Site-Data), wipes the keys, reloads to the login screen. */
  private async logout(reason: LoginNotice): Promise<void> {
    if (this.leaving_) return;
    this.leaving_ = true;
    this.idle_?.stop();
    this.wipe();
    if (reason !== 'session_expired' && reason !== 'revoked') await this.environment_.api.logout();
    this.environment_.restart(reason);
  }

  private wipe(): void {
    this.client_?.stop();
    const keys = this.keys_;
    this.keys_ = null;
    if (keys !== null) {
      void this.sodium_?.then((sodium) => forgetKeys(sodium, keys));
    }
    if (this.ticker_ !== null) this.environment_.clock.clearTimeout(this.ticker_);
    this.ticker_ = null;
    this.modal_?.close();
  }
}

/** A refusal stays on screen this long. */
const kRefusalShownMs = 8000;

const kRejectedKeys: Record<string, true> = {
  'rejected.not_on_duty': true,
  'rejected.at_capacity': true,
  'rejected.no_such_offer': true,
  'rejected.target_unavailable': true,
  'rejected.offer_pending': true,
  'rejected.not_your_chat': true,
  'rejected.wrong_state': true,
  'rejected.storage_unavailable': true,
  'rejected.bad_wrap_up': true,
  'rejected.not_allowed': true,
  'rejected.rate_limited': true,
};
