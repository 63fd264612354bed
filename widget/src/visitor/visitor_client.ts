// One visitor's chat with the helpline: the /ws/visitor conversation of protocol.md §11.2 on top
// of the reconnecting connection, with the end-to-end session (chat_session.ts) for the binary
// frames. It turns all of that into a few events for the UI.
//
//   connect → welcome (check the org fingerprint against the embed snippet's; fail closed)
//           → [solve the welcome's puzzle, under pressure] → join → joined → offer of leg 0 → queue… → assigned → accept verified → active
//   drop (1006/1012/1013) → reconnect with back-off → welcome → resume → resumed → resend
//   ended / refused / unknown_chat / gave up → finished (with the screen to show)
//
// The chat id and resume token live only in this object's memory: a reload ends the chat.

import { fromHex } from '../e2e/bytes';
import { fingerprintMatches, parseEnvelope, type E2eErrorCode, type HistoryEntry, type Sodium } from '../e2e/index';
import { ChatSession, kMaxTextBytes, type CounselorIdentityShown, type SendResult } from './chat_session';
import type { Clock } from '../shared/clock';
import { Connection, type ClosedReason, type SocketFactory } from '../shared/connection';
import { solveJoinPuzzle, type SolveOptions } from './join_puzzle';
import {
  joinMessage,
  leaveMessage,
  parseServerMessage,
  resumeMessage,
  type EmergencyNumber,
  type Profile,
  type ServerMessage,
} from './control';

export type Outcome = 'ended' | 'cut_off' | 'offline' | 'busy' | 'lost' | 'unreachable' | 'failed';

export interface VisitorClientListener {
  onEmergencyNumbers(numbers: readonly EmergencyNumber[]): void;
  /** In the queue (again): position and estimate in minutes, null when nobody is available. */
  onQueue(position: number, estimate: { readonly low: number; readonly high: number } | null): void;
  onJoined(): void;
  /** A counselor took the chat (not verified yet: show "joining…"). */
  onAssigned(name: string, requeued: boolean): void;
  onCounselorVerified(identity: CounselorIdentityShown): void;
  onFirstFrameDecrypted(leg: number): void;
  onMessage(text: string, sentAtMs: number): void;
  onTextSent(id: number): void;
  /** The counselor's side acknowledged the text `id`. */
  onTextDelivered?(id: number): void;
  /** The leg ended before these texts were acknowledged (a counselor lost, a transfer). */
  onTextUndelivered?(ids: readonly number[]): void;
  onTransferAuthorised(name: string): void;
  onRequeued(): void;
  onPeer(connected: boolean): void;
  onReconnecting(): void;
  onReconnected(): void;
  onFinished(outcome: Outcome, detail?: E2eErrorCode | string): void;
}

export interface VisitorClientOptions {
  readonly url: string;
  /** The 32 hex digits of the embed snippet's data-org-fingerprint. */
  readonly fingerprint: string;
  readonly profile: Profile;
  readonly sodium: Sodium;
  readonly createSocket: SocketFactory;
  readonly clock: Clock;
  readonly random?: () => number;
  /** How the join puzzle lets the page run between slices (tests drive it). */
  readonly yieldToPage?: SolveOptions['yieldToPage'];
}

export class VisitorClient {
  private readonly connection_: Connection;
  private session_: ChatSession | null = null;
  private chatIdHex_: string | null = null;
  private resumeToken_: string | null = null;
  private rootKey_: string | null = null;
  private revocationLists_: readonly string[] = [];
  private welcomed_ = false;
  /** Changes with every connection and welcome: a puzzle solved for an earlier one is of no use. */
  private generation_ = 0;
  private reconnecting_ = false;
  private finished_ = false;
  private maxTextBytes_ = kMaxTextBytes;
  /** Texts written before `joined`. */
  private early_: { readonly id: number; readonly text: string }[] = [];

  constructor(
    private readonly options_: VisitorClientOptions,
    private readonly listener_: VisitorClientListener,
  ) {
    this.connection_ = new Connection(
      options_.url,
      options_.createSocket,
      {
        onOpen: () => {
          this.welcomed_ = false;
          ++this.generation_;
        },
        onText: (text) => this.handleText(text),
        onBinary: (bytes) => this.handleBinary(bytes),
        onRetrying: () => {
          if (this.finished_) return;
          this.reconnecting_ = true;
          this.listener_.onReconnecting();
        },
        onClosed: (reason, code) => this.handleClosed(reason, code),
      },
      options_.clock,
      options_.random ?? Math.random,
    );
  }

  /** The largest text the server accepts, in UTF-8 bytes (from `welcome`). */
  get maxTextBytes(): number {
    return this.maxTextBytes_;
  }

  get finished(): boolean {
    return this.finished_;
  }

  start(): void {
    this.connection_.start();
  }

  /** The browser is online again: retry a dropped connection now rather than after the back-off. */
  online(): void {
    this.connection_.retryNow();
  }

  /**
   * Sends `text` (local message `id`) encrypted, or keeps it in memory until the session exists
   * — also before the server has even given the chat an id. Refuses text over maxTextBytes.
   */
  sendText(id: number, text: string): SendResult {
    if (this.finished_) return 'refused';
    const bytes = new TextEncoder().encode(text).length;
    if (bytes === 0 || bytes > this.maxTextBytes_) return 'refused';
    if (this.session_ === null) {
      this.early_.push({ id, text });
      return 'kept';
    }
    return this.session_.sendText(id, text);
  }

  /** The visitor ends the chat: `end` to the counselor, then `leave`. */
  endChat(): void {
    if (this.finished_) return;
    this.session_?.endByVisitor();
    this.finish('ended');
  }

  /**
   * Quick exit: `end` with reason quick_exit to the counselor when the stream is open (so she
   * knows the visitor fled, §7.2), `leave` (the server purges the chat's buffers), close, wipe
   * every key. Quiet: no event follows.
   */
  wipe(): void {
    if (!this.finished_) this.session_?.endByVisitor('quick_exit');
    this.finished_ = true;
    this.shutDown();
  }

  /** §8.2: the visitor agreed to show the new counselor the conversation so far. */
  shareHistory(entries: readonly HistoryEntry[]): boolean {
    if (this.finished_ || this.session_ === null) return false;
    return this.session_.shareHistory(entries);
  }

  private handleText(text: string): void {
    if (this.finished_) return;
    const message = parseServerMessage(text);
    if (message !== null) this.handleControl(message);
  }

  private handleControl(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome':
        this.handleWelcome(message);
        return;
      case 'joined': {
        const chatId = fromHex(message.chatId);
        const trustRoot = this.rootKey_ === null ? null : fromHex(this.rootKey_);
        if (chatId === null || trustRoot === null || this.session_ !== null) return;
        this.chatIdHex_ = message.chatId;
        this.resumeToken_ = message.resumeToken;
        this.session_ = this.createSession(chatId, trustRoot);
        this.listener_.onJoined();
        this.session_.startLeg(0, 'first');
        for (const { id, text } of this.early_) this.session_.sendText(id, text);
        this.early_ = [];
        return;
      }
      case 'refused':
        this.finish(message.reason === 'offline' ? 'offline' : 'busy', message.reason);
        return;
      case 'resumed': {
        const session = this.session_;
        if (session === null) return;
        if (this.reconnecting_) {
          this.reconnecting_ = false;
          this.listener_.onReconnected();
        }
        if (message.state === 'active' && message.leg > session.leg) {
          // We missed `assigned` while away.
          session.startLeg(message.leg, 'requeue');
          if (message.counselor !== null) this.listener_.onAssigned(message.counselor.name, true);
        }
        session.resendUnacknowledged();
        return;
      }
      case 'queue':
        this.listener_.onQueue(message.position, message.estimate);
        return;
      case 'assigned': {
        const session = this.session_;
        if (session === null) return;
        if (message.leg > session.leg) session.startLeg(message.leg, message.requeued ? 'requeue' : 'transfer');
        this.listener_.onAssigned(message.counselor.name, message.requeued);
        return;
      }
      case 'requeued':
        this.session_?.counselorLost();
        this.listener_.onRequeued();
        return;
      case 'peer':
        if (message.connected) this.session_?.resendUnacknowledged();
        this.listener_.onPeer(message.connected);
        return;
      case 'ended':
        this.handleEnded(message.reason);
        return;
      case 'error':
        if (message.code === 'unknown_chat') this.finish('lost', message.code);
        return;
    }
  }

  private handleWelcome(message: Extract<ServerMessage, { type: 'welcome' }>): void {
    const rootKey = fromHex(message.org.rootKey);
    const pinned = this.options_.fingerprint;
    const matches =
      message.protocol === 1 &&
      rootKey !== null &&
      message.org.fingerprint === pinned &&
      fingerprintMatches(this.options_.sodium, rootKey, pinned) &&
      (this.rootKey_ === null || this.rootKey_ === message.org.rootKey);
    if (!matches) {
      this.finish('failed', 'untrusted_root');
      return;
    }
    this.rootKey_ = message.org.rootKey;
    this.revocationLists_ = message.org.revocationLists;
    this.maxTextBytes_ = Math.min(kMaxTextBytes, message.maxTextBytes);
    if (message.emergencyNumbers.length > 0) this.listener_.onEmergencyNumbers(message.emergencyNumbers);
    this.welcomed_ = true;
    const generation = ++this.generation_;
    if (this.chatIdHex_ !== null && this.resumeToken_ !== null) {
      this.connection_.send(resumeMessage(this.chatIdHex_, this.resumeToken_));
    } else if (message.puzzle === null) {
      this.connection_.send(joinMessage(this.options_.profile));
    } else {
      // Under pressure: about a second of work, in slices, while "Connecting you…" shows.
      const stopped = (): boolean => this.finished_ || generation !== this.generation_;
      void solveJoinPuzzle(this.options_.sodium, message.puzzle, {
        stopped,
        ...(this.options_.yieldToPage === undefined ? {} : { yieldToPage: this.options_.yieldToPage }),
      }).then((solution) => {
        if (solution !== null && !stopped()) this.connection_.send(joinMessage(this.options_.profile, solution));
      });
    }
  }

  private createSession(chatId: Uint8Array, rootPublicKey: Uint8Array): ChatSession {
    const revocationLists = this.revocationLists_.map((hex) => fromHex(hex)).filter((bytes): bytes is Uint8Array => bytes !== null);
    return new ChatSession(
      this.options_.sodium,
      chatId,
      { rootPublicKey, revocationLists },
      (bytes) => this.connection_.send(bytes),
      this.options_.clock,
      {
        onCounselorVerified: (identity) => this.listener_.onCounselorVerified(identity),
        onFirstFrameDecrypted: (leg) => this.listener_.onFirstFrameDecrypted(leg),
        onMessage: (text, sentAtMs) => this.listener_.onMessage(text, sentAtMs),
        onTextSent: (id) => this.listener_.onTextSent(id),
        onTextDelivered: (id) => this.listener_.onTextDelivered?.(id),
        onTextUndelivered: (ids) => this.listener_.onTextUndelivered?.(ids),
        onTransferAuthorised: (name) => this.listener_.onTransferAuthorised(name),
        onCounselorEnded: () => {
          // The server's `ended` follows and decides the screen.
        },
        onVerificationFailed: (code) => this.finish('failed', code),
      },
    );
  }

  private handleBinary(bytes: Uint8Array): void {
    if (this.finished_ || !this.welcomed_ || this.session_ === null) return;
    const envelope = parseEnvelope(bytes);
    if (envelope.ok) this.session_.handleEnvelope(envelope.value);
  }

  private handleEnded(reason: 'counselor_ended' | 'visitor_lost' | 'expired' | 'abandoned'): void {
    const session = this.session_;
    const talking = session !== null && session.established;
    switch (reason) {
      case 'counselor_ended':
        this.finish(session?.endedProperly() ? 'ended' : 'cut_off', reason);
        return;
      case 'expired':
        this.finish(talking ? 'cut_off' : 'busy', reason);
        return;
      case 'visitor_lost':
        this.finish('lost', reason);
        return;
      case 'abandoned':
        this.finish('ended', reason);
    }
  }

  private handleClosed(reason: ClosedReason, code: number): void {
    if (this.finished_ || reason === 'stopped') return;
    const joined = this.chatIdHex_ !== null;
    this.finish(joined ? 'lost' : 'unreachable', `close ${code}`);
  }

  private finish(outcome: Outcome, detail?: E2eErrorCode | string): void {
    if (this.finished_) return;
    this.finished_ = true;
    this.shutDown();
    this.listener_.onFinished(outcome, detail);
  }

  private shutDown(): void {
    if (this.chatIdHex_ !== null) this.connection_.send(leaveMessage());
    this.connection_.stop();
    this.session_?.dispose();
    this.session_ = null;
    this.early_ = [];
    this.chatIdHex_ = null;
    this.resumeToken_ = null;
  }
}
