// The visitor app inside the frame: owns the screens, the language, the conversation's state in
// memory, and quick exit. Screens:
//
//   notice → prechat → conversation (queue, then chat) → end
//                          ↘ offline | busy | lost | unreachable | failed   (emergency numbers)
//
// Nothing is stored anywhere but in this object: no cookies, no storage APIs, no history entries.
// Quick exit (button, Shift×3 here, or "exit" from the loader) blanks the frame in the same task,
// tells the server to purge the chat, wipes the keys and the DOM, then asks the loader to
// navigate the top page away.

import type { LoaderToFrame } from '../shared/bridge';
import { listenForTripleShift } from '../shared/triple_shift';
import type { HistoryEntry, Sodium } from '../e2e/index';
import type { Clock } from '../shared/clock';
import type { SocketFactory } from '../shared/connection';
import type { EmergencyNumber, Profile } from './control';
import type { HelplineInfo, LocalText } from './helpline_info';
import { connectBridge, type Embedding, type ParentBridge } from './embedding';
import { kLanguages, translate, type Language, type MessageKey, type Params } from './i18n/catalog';
import { el } from '../shared/dom';
import { ConversationView, type ConversationStatus, type Delivery, type Entry } from './ui/conversation_view';
import { kDefaultEmergencyNumbers, replaceNumbers, sameNumbers } from './ui/numbers';
import { dutyCard, noticeScreen, outcomeScreen, prechatScreen, type OutcomeScreen, type ScreenContext } from './ui/screens';
import { VisitorClient, type Outcome } from './visitor_client';

/** Where quick exit goes when the frame was opened on its own, without the loader. */
export const kStandaloneExitUrl = 'https://www.wikipedia.org/';
/** The queue screen says "we have not forgotten you" this often. */
export const kReassuranceIntervalMs = 60_000;
/**
 * The first screen waits this long at most for GET /api/helpline (numbers, who is on duty);
 * past it, it is drawn with the built-in numbers and redrawn in place when the answer comes.
 */
export const kInfoWaitMs = 1500;

export interface AppEnvironment {
  readonly window: Window;
  readonly embedding: Embedding;
  readonly socketUrl: string;
  readonly createSocket: SocketFactory;
  readonly loadSodium: () => Promise<Sodium>;
  /** GET /api/helpline; null when it cannot be read. */
  readonly loadInfo: () => Promise<HelplineInfo | null>;
  readonly clock: Clock;
}

type Screen = 'notice' | 'prechat' | 'conversation' | OutcomeScreen;

const kInitialStatus: ConversationStatus = {
  phase: 'connecting',
  position: null,
  estimate: undefined,
  reassurance: 0,
  requeued: false,
  counselorName: null,
  verifiedBy: null,
  code: null,
  reconnecting: false,
};

const kOutcomeScreens: Readonly<Record<Outcome, OutcomeScreen>> = {
  ended: 'end',
  cut_off: 'cut_off',
  offline: 'offline',
  busy: 'busy',
  lost: 'lost',
  unreachable: 'unreachable',
  failed: 'failed',
};

export class App {
  private readonly document_: Document;
  private readonly bridge_: ParentBridge | null;
  private language_: Language;
  private screen_: Screen = 'notice';
  private numbers_: readonly EmergencyNumber[] = kDefaultEmergencyNumbers;
  private orgName_: string | null = null;
  private onDuty_: boolean | null = null;
  private openingHours_: LocalText | null = null;
  private confidentiality_: LocalText | null = null;
  private started_ = false;
  private profile_: Profile;
  private starting_ = false;
  private sodium_: Promise<Sodium> | null = null;
  private client_: VisitorClient | null = null;
  private status_: ConversationStatus = kInitialStatus;
  private entries_: Entry[] = [];
  private nextEntryId_ = 1;
  private draft_ = '';
  /** What the share question would send, frozen when it was asked; null when none is open. */
  private shareable_: HistoryEntry[] | null = null;
  private view_: ConversationView | null = null;
  private pendingOrganisation_: string | null = null;
  private reassuranceTimer_: unknown = null;
  private exited_ = false;

  private readonly main_: HTMLElement;
  private readonly announcer_: HTMLElement;
  private readonly exitButton_: HTMLButtonElement;
  private readonly languageButton_: HTMLButtonElement;
  private readonly hideButton_: HTMLButtonElement | null;
  private readonly brand_: HTMLElement;

  constructor(private readonly environment_: AppEnvironment) {
    const window = environment_.window;
    this.document_ = window.document;
    this.language_ = environment_.embedding.language;
    this.profile_ = { language: this.language_, age_band: '', in_danger: '' };
    this.bridge_ = connectBridge(window, environment_.embedding, (type) => this.fromLoader(type));

    this.exitButton_ = el('button', { type: 'button', class: 'exit', id: 'quick-exit' });
    this.exitButton_.addEventListener('click', () => this.quickExit());
    this.languageButton_ = el('button', { type: 'button', class: 'button tool', id: 'language' });
    this.languageButton_.addEventListener('click', () => this.switchLanguage());
    this.hideButton_ = this.bridge_ === null ? null : el('button', { type: 'button', class: 'button tool', id: 'hide' });
    this.hideButton_?.addEventListener('click', () => this.bridge_?.post('close'));
    this.brand_ = el('span', { class: 'brand' });
    this.main_ = el('main', { class: 'main', id: 'main' });
    this.announcer_ = el('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'false', id: 'announcer' });

    const header = el('header', { class: 'topbar' }, this.exitButton_, this.brand_, el('div', { class: 'tools' }, this.languageButton_, this.hideButton_));
    this.document_.body.replaceChildren(header, this.main_, this.announcer_);

    listenForTripleShift(window, () => this.quickExit());
    window.addEventListener('pagehide', () => this.client_?.wipe());
    window.addEventListener('online', () => this.client_?.online());
  }

  /**
   * Draws the first screen once the organisation's numbers and duty state are known, or after
   * kInfoWaitMs without them (then they are filled in when they come).
   */
  start(): void {
    this.applyLanguage();
    const first = (): void => {
      if (this.started_) return;
      this.started_ = true;
      this.show('notice', false);
      this.bridge_?.post('ready');
    };
    const timer = this.environment_.clock.setTimeout(first, kInfoWaitMs);
    void this.environment_.loadInfo().then((info) => {
      this.environment_.clock.clearTimeout(timer);
      if (info !== null) this.applyInfo(info);
      first();
    });
  }

  private applyInfo(info: HelplineInfo): void {
    // Where she is, in the header (the title stays neutral: the partner's tab shows it).
    this.brand_.textContent = info.orgName;
    this.brand_.setAttribute('title', info.orgName);
    this.orgName_ = info.orgName;
    this.onDuty_ = info.onDuty;
    this.openingHours_ = info.openingHours;
    this.confidentiality_ = info.confidentiality;
    this.setNumbers(info.numbers);
    if (!this.started_ || this.exited_) return;
    const card = this.main_.querySelector('[data-duty]');
    card?.replaceWith(dutyCard(this.context()));
  }

  /** New numbers (late info, or `welcome`): every block on screen is redrawn in place. */
  private setNumbers(numbers: readonly EmergencyNumber[]): void {
    if (sameNumbers(numbers, this.numbers_)) return;
    this.numbers_ = numbers;
    if (!this.started_ || this.exited_) return;
    replaceNumbers(this.main_, this.language_, numbers);
    this.view_?.setNumbers(numbers);
  }

  private context(): ScreenContext {
    return {
      language: this.language_,
      numbers: this.numbers_,
      onDuty: this.onDuty_,
      openingHours: this.openingHours_,
      confidentiality: this.confidentiality_,
      touch: this.environment_.window.matchMedia?.('(pointer: coarse)').matches ?? false,
    };
  }

  /** Quick exit. Everything in one task: by the time the loader hears "exit", nothing is left. */
  quickExit(): void {
    if (this.exited_) return;
    this.exited_ = true;
    const body = this.document_.body;
    body.hidden = true;
    this.client_?.wipe();
    this.client_ = null;
    this.stopReassurance();
    this.entries_ = [];
    this.shareable_ = null;
    this.draft_ = '';
    this.view_ = null;
    body.replaceChildren();
    this.document_.title = '';
    if (this.bridge_ !== null) this.bridge_.post('exit');
    else this.environment_.window.location.replace(kStandaloneExitUrl);
  }

  private fromLoader(type: LoaderToFrame): void {
    if (type === 'exit') {
      this.quickExit();
      return;
    }
    // Opened: focus goes to the screen's heading, not to quick exit itself (a key still held
    // from the launcher must not trigger it); quick exit is the Tab stop just before, first in
    // the frame, and Shift×3 works from anywhere.
    this.main_.querySelector<HTMLElement>('.screen-heading')?.focus();
  }

  private t(key: MessageKey, params?: Params): string {
    return translate(this.language_, key, params);
  }

  private switchLanguage(): void {
    this.language_ = kLanguages.find((language) => language !== this.language_) ?? 'bg';
    this.applyLanguage();
    this.show(this.screen_, false);
    this.languageButton_.focus();
  }

  private applyLanguage(): void {
    const other: Language = this.language_ === 'bg' ? 'en' : 'bg';
    this.document_.documentElement.lang = this.language_;
    this.document_.title = this.t('app.title');
    this.brand_.textContent = this.orgName_ ?? this.t('app.title');
    this.exitButton_.textContent = this.t('app.exit');
    this.exitButton_.setAttribute('aria-label', this.t('app.exitLabel'));
    this.languageButton_.textContent = this.t('app.otherLanguage');
    this.languageButton_.lang = other;
    this.languageButton_.setAttribute('aria-label', this.t('app.otherLanguageLabel'));
    if (this.hideButton_ !== null) {
      this.hideButton_.textContent = this.t('app.hide');
      this.hideButton_.setAttribute('aria-label', this.t('app.hideLabel'));
    }
  }

  /** Draws `screen`; `focus` moves focus to its heading (a new screen, not a redraw). */
  private show(screen: Screen, focus = true): void {
    if (this.exited_) return;
    if (this.view_ !== null) this.draft_ = this.view_.draft;
    this.view_ = null;
    this.screen_ = screen;
    const context = this.context();
    let root: HTMLElement;
    switch (screen) {
      case 'notice':
        root = noticeScreen(context, () => this.continueFromNotice());
        break;
      case 'prechat':
        root = prechatScreen(
          context,
          this.profile_,
          this.starting_,
          (profile) => {
            this.profile_ = profile;
          },
          () => void this.startChat(),
        );
        break;
      case 'conversation':
        this.view_ = new ConversationView(this.language_, this.status_, this.entries_, this.draft_, this.numbers_, this.confidentiality_, {
          send: (text) => this.send(text),
          end: () => this.client_?.endChat(),
          retry: (id) => this.retry(id),
          share: (accept) => this.answerShare(accept),
        });
        root = this.view_.root;
        break;
      default:
        root = outcomeScreen(context, screen, screen === 'failed' ? null : () => this.show('prechat'));
    }
    this.main_.replaceChildren(root);
    this.main_.classList.toggle('fill', screen === 'conversation');
    if (focus) root.querySelector<HTMLElement>('.screen-heading')?.focus();
  }

  private continueFromNotice(): void {
    // The visitor is heading for a chat: fetch libsodium now, while they read the questions.
    this.sodium_ ??= this.environment_.loadSodium();
    this.sodium_.catch(() => {
      this.sodium_ = null;
    });
    this.show('prechat');
  }

  private async startChat(): Promise<void> {
    if (this.starting_ || this.exited_) return;
    if (this.environment_.embedding.fingerprint === null) {
      this.finish('failed');
      return;
    }
    this.starting_ = true;
    this.show('prechat', false);
    let sodium: Sodium;
    try {
      this.sodium_ ??= this.environment_.loadSodium();
      sodium = await this.sodium_;
    } catch {
      this.sodium_ = null;
      this.starting_ = false;
      this.finish('unreachable');
      return;
    }
    this.starting_ = false;
    if (this.exited_ || this.screen_ !== 'prechat') return;
    this.status_ = kInitialStatus;
    this.entries_ = [];
    this.shareable_ = null;
    this.draft_ = '';
    this.client_ = new VisitorClient(
      {
        url: this.environment_.socketUrl,
        fingerprint: this.environment_.embedding.fingerprint,
        profile: this.profile_,
        sodium,
        createSocket: this.environment_.createSocket,
        clock: this.environment_.clock,
      },
      this.clientListener(),
    );
    this.show('conversation');
    this.client_.start();
  }

  private clientListener(): ConstructorParameters<typeof VisitorClient>[1] {
    return {
      onEmergencyNumbers: (numbers) => this.setNumbers(numbers),
      onJoined: () => {
        this.setStatus({ phase: 'waiting' });
        this.startReassurance();
      },
      onQueue: (position, estimate) => {
        if (this.status_.phase === 'connecting' || this.status_.phase === 'waiting') {
          this.setStatus({ phase: 'waiting', position, estimate });
        }
      },
      onAssigned: (name) => {
        this.stopReassurance();
        this.pendingOrganisation_ = null;
        this.setStatus({ phase: 'joining', counselorName: name, verifiedBy: null, code: null, requeued: false });
      },
      onCounselorVerified: (identity) => {
        this.pendingOrganisation_ = identity.organisation;
        this.setStatus({ phase: 'active', counselorName: identity.name, verifiedBy: null, code: identity.code });
        this.addEntry({ kind: 'system', key: 'chat.joined', params: { name: identity.name } }, true);
        if (identity.leg > 0) this.offerToShare(identity.name);
      },
      onFirstFrameDecrypted: () => {
        this.setStatus({ verifiedBy: this.pendingOrganisation_ ?? '' });
      },
      onMessage: (text, _sentAtMs) => {
        const name = this.status_.counselorName ?? '';
        this.addEntry({ kind: 'theirs', name, text, atMs: this.environment_.clock.nowMs() }, false);
        this.announce(this.t('chat.messageFrom', { name, text }));
      },
      onTextSent: (id) => this.setDelivery(id, 'sending'),
      onTextDelivered: (id) => this.setDelivery(id, 'delivered'),
      onTextUndelivered: (ids) => {
        for (const id of ids) this.setDelivery(id, 'failed');
      },
      onTransferAuthorised: (name) => {
        this.addEntry({ kind: 'system', key: 'chat.transfer', params: { name } }, true);
      },
      onRequeued: () => {
        this.setStatus({ phase: 'waiting', requeued: true, counselorName: null, verifiedBy: null, code: null, position: null, estimate: undefined });
        this.addEntry({ kind: 'system', key: 'queue.requeued', params: {} }, true);
        this.startReassurance();
      },
      onPeer: (connected) => {
        const name = this.status_.counselorName ?? '';
        if (name === '') return;
        this.addEntry({ kind: 'system', key: connected ? 'chat.peerBack' : 'chat.peerAway', params: { name } }, true);
      },
      onReconnecting: () => {
        if (!this.status_.reconnecting) this.announce(this.t('chat.reconnecting'));
        this.setStatus({ reconnecting: true });
      },
      onReconnected: () => {
        this.setStatus({ reconnecting: false });
      },
      onFinished: (outcome) => this.finish(kOutcomeScreens[outcome]),
    };
  }

  /**
   * §8.2: a new counselor sees nothing of what came before. What she and the earlier counselors
   * wrote (as it stands now: her texts that arrived, theirs) may go to the new one, if she says so.
   */
  private offerToShare(name: string): void {
    this.closeShareQuestion();
    const history: HistoryEntry[] = [];
    for (const entry of this.entries_) {
      if (entry.kind === 'mine' && entry.delivery === 'delivered') history.push({ from: 'visitor', sentAtMs: BigInt(entry.atMs), text: entry.text });
      if (entry.kind === 'theirs') history.push({ from: 'counselor', sentAtMs: BigInt(entry.atMs), text: entry.text });
    }
    if (history.length === 0) return;
    this.shareable_ = history;
    this.addEntry({ kind: 'share', name, state: 'open' }, false);
    this.announce(this.t('chat.shareAsk', { name }));
  }

  private answerShare(accept: boolean): void {
    const question = this.openShareQuestion();
    if (question === null) return;
    const shared = accept && this.shareable_ !== null && (this.client_?.shareHistory(this.shareable_) ?? false);
    question.state = shared ? 'shared' : 'declined';
    this.shareable_ = null;
    this.view_?.setShare(question.name, question.state);
    this.announce(this.t(shared ? 'chat.shared' : 'chat.notShared', { name: question.name }));
  }

  /** A question still open when yet another counselor joins is answered "no" for her. */
  private closeShareQuestion(): void {
    const question = this.openShareQuestion();
    if (question === null) return;
    question.state = 'declined';
    this.shareable_ = null;
    this.view_?.setShare(question.name, question.state);
  }

  private openShareQuestion(): Extract<Entry, { kind: 'share' }> | null {
    for (let i = this.entries_.length - 1; i >= 0; i--) {
      const entry = this.entries_[i];
      if (entry?.kind === 'share') return entry.state === 'open' ? entry : null;
    }
    return null;
  }

  private send(text: string): boolean {
    const client = this.client_;
    if (client === null) return false;
    const id = this.nextEntryId_++;
    const result = client.sendText(id, text);
    if (result === 'refused') return false;
    this.addEntry({ kind: 'mine', id, text, delivery: result === 'kept' ? 'kept' : 'sending', atMs: this.environment_.clock.nowMs() }, false);
    return true;
  }

  private setDelivery(id: number, delivery: Delivery): void {
    const entry = this.entries_.find((candidate) => candidate.kind === 'mine' && candidate.id === id);
    if (entry?.kind !== 'mine' || entry.delivery === 'delivered') return;
    entry.delivery = delivery;
    entry.atMs = this.environment_.clock.nowMs();
    this.view_?.setDelivery(id, delivery, entry.atMs);
  }

  /** A message lost with its counselor, sent again as a new one at the end of the conversation. */
  private retry(id: number): void {
    const index = this.entries_.findIndex((candidate) => candidate.kind === 'mine' && candidate.id === id);
    const entry = this.entries_[index];
    if (entry?.kind !== 'mine' || entry.delivery !== 'failed') return;
    if (!this.send(entry.text)) return;
    this.entries_.splice(index, 1);
    this.view_?.remove(id);
  }

  private addEntry(entry: Entry, announce: boolean): void {
    this.entries_.push(entry);
    this.view_?.append(entry);
    if (announce && entry.kind === 'system') this.announce(this.t(entry.key, entry.params));
  }

  private setStatus(patch: Partial<ConversationStatus>): void {
    this.status_ = { ...this.status_, ...patch };
    this.view_?.update(this.status_);
  }

  private finish(screen: OutcomeScreen): void {
    this.stopReassurance();
    this.client_ = null;
    // The conversation is over: drop its text from memory and from the page.
    this.entries_ = [];
    this.shareable_ = null;
    this.draft_ = '';
    this.status_ = kInitialStatus;
    this.show(screen);
  }

  private announce(text: string): void {
    const line = el('p', {}, text);
    this.announcer_.append(line);
    while (this.announcer_.childElementCount > 3) this.announcer_.firstElementChild?.remove();
  }

  private startReassurance(): void {
    this.stopReassurance();
    const tick = (): void => {
      if (this.status_.phase !== 'waiting') return;
      const next: 1 | 2 = this.status_.reassurance === 1 ? 2 : 1;
      this.setStatus({ reassurance: next });
      this.announce(this.t(next === 1 ? 'queue.reassure1' : 'queue.reassure2'));
      this.reassuranceTimer_ = this.environment_.clock.setTimeout(tick, kReassuranceIntervalMs);
    };
    this.reassuranceTimer_ = this.environment_.clock.setTimeout(tick, kReassuranceIntervalMs);
  }

  private stopReassurance(): void {
    if (this.reassuranceTimer_ !== null) this.environment_.clock.clearTimeout(this.reassuranceTimer_);
    this.reassuranceTimer_ = null;
  }
}
