// The duty console's connection to the helpline (protocol.md §11.3, §11.4) and the state of a
// shift: duty, the anonymous queue, offers, every chat this counselor holds with its E2E leg
// (chat_leg.ts), transfers both ways, wrap-ups, and the operator snapshot for supervisors.
//
//   open ─▶ POST /api/ticket (a new single-use ticket for every connection) ─▶ auth ─▶ ready
//   drop (1006/1012/1013) ─▶ back-off ─▶ open again ─▶ new ticket ─▶ auth ─▶ ready ─▶ resend
//   4001 (ticket refused) ─▶ one fresh connection; 4003 revoked, 4009 replaced, no session ─▶ over
//
// Keys: the identity key (from login, in memory) signs each leg's accept; the chats' stream keys
// live in their legs and are wiped when a chat is closed. A chat that `ready` lists as active but
// that this page has no keys for (the page was reloaded) is released at once: it goes back to the
// head of the queue and the visitor is re-keyed with whoever takes it, this counselor included.
//
// No DOM here: the UI reads `state` and hears `changed()` and `announce()`.

import { fromHex, toHex } from '../e2e/bytes';
import { openHandover, parseCertificate, parseEnvelope, sealHandover, type CounselorIdentity, type E2eErrorCode, type HistorySpeaker, type Sodium } from '../e2e/index';
import type { Clock } from '../shared/clock';
import { Connection, type BackoffPolicy, type ClosedReason, type SocketFactory } from '../shared/connection';
import type { ConsoleApi } from './api';
import type { CounselorKeys } from './account_keys';
import { ChatLeg } from './chat_leg';
import {
  encodeCommand,
  kDefaultTaxonomy,
  parseServerMessage,
  type CannedReplies,
  type Colleague,
  type CounselorCommand,
  type DutyState,
  type OperatorSnapshot,
  type ReadyChat,
  type ServerMessage,
  type VisitorSummary,
  type WrapUpTaxonomy,
} from './control';
import { ownSigningCertificate, readTrust, verifyColleague, type OrgTrust, type VerifiedColleague } from './trust';
import { checkWrapUp, wrapUpCommand, type WrapUpDraft, type WrapUpProblem } from './wrap_up';

/** Longer than the visitor's: a counselor's console should keep trying for a quarter of an hour. */
export const kConsoleBackoff: BackoffPolicy = { initialDelayMs: 500, maxDelayMs: 20000, maxAttempts: 60, maxFirstAttempts: 5, openTimeoutMs: 10000 };

export type ChatPhase =
  /** Assigned; waiting for the visitor's offer and stream start. */
  | 'connecting'
  | 'encrypted'
  /** Our transfer authorisation is on its way or the colleague has not answered yet. */
  | 'transferring'
  /** The visitor's frames failed verification: the chat can only be ended. */
  | 'problem'
  /** Over; the wrap-up is due. */
  | 'ended'
  /** Handed over to a colleague, taken back into the queue while we were away, or released. */
  | 'gone';

export type ChatEntry =
  | { readonly kind: 'visitor'; readonly text: string; readonly atMs: number }
  | { readonly kind: 'me'; readonly id: number; readonly text: string; readonly atMs: number; pending: boolean }
  | { readonly kind: 'system'; readonly key: SystemNote; readonly params: Readonly<Record<string, string>>; readonly atMs: number }
  /** The visitor's copy of an earlier leg's text, shared with us (§8.2); atMs is when it was written. */
  | { readonly kind: 'shared'; readonly from: HistorySpeaker; readonly text: string; readonly atMs: number }
  /** The handover note of the colleague who transferred the chat to us (§8.1). */
  | { readonly kind: 'handover'; readonly from: string; readonly text: string; readonly atMs: number };

/** Notes in a chat's log; the UI has a sentence for each. */
export type SystemNote =
  | 'assigned'
  | 'requeued'
  | 'established'
  | 'visitor_away'
  | 'visitor_back'
  | 'transfer_waiting'
  | 'transfer_sent'
  | 'transfer_declined'
  | 'transferred'
  | 'ended'
  | 'problem'
  | 'released'
  | 'history_shared'
  | 'handover_unreadable';

export interface ConsoleChat extends VisitorSummary {
  readonly id: string;
  readonly number: number;
  leg: number;
  phase: ChatPhase;
  entries: ChatEntry[];
  unread: number;
  code: string | null;
  visitorConnected: boolean;
  endReason: string | null;
  /** The visitor's stream ended with quick exit (§7.2 reason 0x03): she fled, she did not end it. */
  quickExit: boolean;
  draft: string;
  transferTo: VerifiedColleague | null;
  transferSeq: number | null;
  /** The sealed handover note that goes with the `transfer` control message, hex. */
  transferNote: string | null;
  wrapUpSaving: boolean;
  problem: E2eErrorCode | null;
}

export interface PendingOffer extends VisitorSummary {
  readonly chatId: string;
  readonly waitedSeconds: number;
  readonly deadlineMs: number;
  readonly receivedAtMs: number;
}

export interface PendingTransferOffer extends VisitorSummary {
  readonly chatId: string;
  readonly from: { readonly handle: string; readonly name: string };
  readonly deadlineMs: number;
  /** The colleague's handover note (§8.1): its text, 'unreadable' when it did not verify, or null. */
  readonly handover: string | 'unreadable' | null;
}

export interface WaitingVisitor extends VisitorSummary {
  readonly waitedSeconds: number;
}

export type ConnectionPhase = 'connecting' | 'online' | 'reconnecting' | 'over';

/** Why the console's connection ended for good. */
export type SessionEnd = 'session_expired' | 'revoked' | 'replaced' | 'unreachable' | 'refused';

export interface ConsoleState {
  connection: ConnectionPhase;
  handle: string;
  name: string;
  role: 'counselor' | 'supervisor';
  duty: DutyState;
  load: number;
  capacity: number;
  /** The head of the queue, as the server lists it (at most 100). */
  queue: readonly WaitingVisitor[];
  /** How many wait in all: more than `queue.length` when the queue is long. */
  queueTotal: number;
  queueAtMs: number;
  offer: PendingOffer | null;
  transferOffer: PendingTransferOffer | null;
  chats: Map<string, ConsoleChat>;
  colleagues: readonly (Colleague & { readonly verified: VerifiedColleague | null })[] | null;
  canned: CannedReplies;
  taxonomy: WrapUpTaxonomy;
  org: OrgTrust | null;
  snapshot: OperatorSnapshot | null;
  /** The last thing the server refused or reported, for a status line. */
  notice: { readonly code: string; readonly atMs: number } | null;
}

/** What the UI announces politely (aria-live) and may show in a status line. */
export type Announcement =
  | { readonly key: 'offer'; readonly lane: string; readonly language: string }
  | { readonly key: 'offer_withdrawn'; readonly reason: string }
  | { readonly key: 'assigned'; readonly chat: number }
  | { readonly key: 'message'; readonly chat: number }
  | { readonly key: 'nothing_to_take' }
  | { readonly key: 'transfer_offer'; readonly from: string }
  | { readonly key: 'transfer_done'; readonly chat: number; readonly to: string }
  | { readonly key: 'transfer_declined'; readonly chat: number; readonly to: string }
  | { readonly key: 'ended'; readonly chat: number }
  | { readonly key: 'wrap_up_saved'; readonly chat: number }
  | { readonly key: 'rejected'; readonly code: string }
  | { readonly key: 'reconnecting' }
  | { readonly key: 'reconnected' };

export interface ConsoleClientListener {
  changed(): void;
  announce(announcement: Announcement): void;
  /** The connection is over for good (the UI shows the login screen with the reason). */
  sessionEnded(reason: SessionEnd): void;
}

export interface ConsoleClientOptions {
  readonly url: string;
  readonly api: ConsoleApi;
  readonly sodium: Sodium;
  readonly keys: CounselorKeys;
  readonly createSocket: SocketFactory;
  readonly clock: Clock;
  readonly random?: () => number;
  readonly backoff?: BackoffPolicy;
}

export class ConsoleClient {
  readonly state: ConsoleState;
  private connection_: Connection;
  private identity_: CounselorIdentity | null = null;
  /** The handover note of the transfer we accepted, shown once its leg is assigned. */
  private acceptedHandover_: { readonly chatId: string; readonly from: string; readonly text: string } | null = null;
  private nextChatNumber_ = 1;
  private nextTextId_ = 1;
  private watching_ = false;
  private authRetried_ = false;
  private everReady_ = false;
  private stopped_ = false;
  private readonly legs_ = new Map<string, ChatLeg>();

  constructor(
    private readonly options_: ConsoleClientOptions,
    private readonly listener_: ConsoleClientListener,
  ) {
    const account = options_.keys.account;
    this.state = {
      connection: 'connecting',
      handle: account.handle,
      name: account.name,
      role: account.role,
      duty: 'off_duty',
      load: 0,
      capacity: account.maxChats,
      queue: [],
      queueTotal: 0,
      queueAtMs: options_.clock.nowMs(),
      offer: null,
      transferOffer: null,
      chats: new Map(),
      colleagues: null,
      canned: { bg: [], en: [] },
      taxonomy: kDefaultTaxonomy,
      org: null,
      snapshot: null,
      notice: null,
    };
    this.connection_ = this.newConnection();
  }

  start(): void {
    this.connection_.start();
  }

  /** Ends the connection and wipes every key this client holds (logout, idle timeout). */
  stop(): void {
    this.stopped_ = true;
    this.connection_.stop();
    for (const leg of this.legs_.values()) leg.dispose();
    this.legs_.clear();
    this.state.chats.clear();
    this.state.connection = 'over';
  }

  /** The browser is online again: retry a dropped connection now. */
  online(): void {
    this.connection_.retryNow();
  }

  get activeChatCount(): number {
    let count = 0;
    for (const chat of this.state.chats.values()) if (chat.phase !== 'gone') count++;
    return count;
  }

  // --- commands ---

  setDuty(state: 'available' | 'away' | 'off'): void {
    this.send({ type: 'duty', state });
  }

  takeNext(): void {
    this.send({ type: 'take_next' });
  }

  answerOffer(accept: boolean): void {
    const offer = this.state.offer;
    if (offer === null) return;
    this.state.offer = null;
    this.send({ type: 'answer_offer', chat_id: offer.chatId, accept });
    this.listener_.changed();
  }

  requestColleagues(): void {
    this.state.colleagues = null;
    this.send({ type: 'colleagues' });
    this.listener_.changed();
  }

  /**
   * §8: authorises `handle` (from the last colleagues list, verified) inside the chat's stream,
   * and once the visitor has acknowledged that frame, asks the server to transfer. Returns false
   * when that is not possible now (the chat is not encrypted, or the colleague did not verify).
   */
  transfer(chatId: string, handle: string, note = ''): boolean {
    const chat = this.state.chats.get(chatId);
    const leg = this.legs_.get(chatId);
    const colleague = this.state.colleagues?.find((candidate) => candidate.handle === handle)?.verified ?? null;
    if (chat === undefined || leg === undefined || colleague === null || chat.phase !== 'encrypted') return false;
    const sealed = note.trim() === '' ? null : this.sealNote(chat, colleague, note.trim());
    if (sealed === undefined) return false;
    const seq = leg.authoriseTransfer(colleague.certificate);
    if (seq === null) return false;
    chat.phase = 'transferring';
    chat.transferTo = colleague;
    chat.transferSeq = seq;
    chat.transferNote = sealed;
    this.note(chat, 'transfer_waiting', { name: colleague.name });
    if (leg.acknowledgedSeq >= seq) this.requestTransfer(chat);
    this.listener_.changed();
    return true;
  }

  /** Gives up waiting for the visitor's acknowledgement of a transfer authorisation. */
  cancelTransfer(chatId: string): void {
    const chat = this.state.chats.get(chatId);
    if (chat?.phase !== 'transferring' || chat.transferSeq === null) return;
    chat.phase = 'encrypted';
    chat.transferTo = null;
    chat.transferSeq = null;
    this.listener_.changed();
  }

  answerTransfer(accept: boolean): void {
    const offer = this.state.transferOffer;
    if (offer === null) return;
    this.state.transferOffer = null;
    this.acceptedHandover_ = accept && offer.handover !== null ? { chatId: offer.chatId, from: offer.from.name, text: offer.handover } : null;
    this.send({ type: 'answer_transfer', chat_id: offer.chatId, accept });
    this.listener_.changed();
  }

  /** Sends `text` in the chat (kept until the visitor's stream exists). False when refused. */
  sendText(chatId: string, text: string): boolean {
    const chat = this.state.chats.get(chatId);
    const leg = this.legs_.get(chatId);
    if (chat === undefined || leg === undefined || (chat.phase !== 'encrypted' && chat.phase !== 'connecting')) return false;
    const id = this.nextTextId_++;
    const entry: ChatEntry = { kind: 'me', id, text, atMs: this.options_.clock.nowMs(), pending: true };
    chat.entries.push(entry);
    const result = leg.sendText(id, text);
    if (result === 'refused') {
      chat.entries.pop();
      return false;
    }
    if (result === 'sent') entry.pending = false;
    chat.draft = '';
    this.listener_.changed();
    return true;
  }

  /** Ends the chat: `end` (FINAL) in our stream if there is one, then the control `end`. */
  endChat(chatId: string): void {
    const chat = this.state.chats.get(chatId);
    if (chat === undefined || chat.phase === 'ended' || chat.phase === 'gone') return;
    this.legs_.get(chatId)?.end('ended');
    this.send({ type: 'end', chat_id: chatId });
  }

  /** Sends the wrap-up; the chat leaves the console when the server confirms it is saved. */
  wrapUp(chatId: string, draft: WrapUpDraft): WrapUpProblem | null {
    const chat = this.state.chats.get(chatId);
    if (chat === undefined || chat.phase !== 'ended') return null;
    const problem = checkWrapUp(draft, this.state.taxonomy);
    if (problem !== null) return problem;
    chat.wrapUpSaving = true;
    this.send(wrapUpCommand(chatId, draft));
    this.listener_.changed();
    return null;
  }

  /** Removes a chat that is over for us (handed over or taken back) and wipes its keys. */
  closeChat(chatId: string): void {
    const chat = this.state.chats.get(chatId);
    if (chat === undefined || chat.phase !== 'gone') return;
    this.forget(chatId);
    this.listener_.changed();
  }

  markRead(chatId: string): void {
    const chat = this.state.chats.get(chatId);
    if (chat !== undefined && chat.unread > 0) {
      chat.unread = 0;
      this.listener_.changed();
    }
  }

  /** Supervisors: receive operator snapshots (§11.4) from now on, also after reconnects. */
  watch(): void {
    this.watching_ = true;
    this.send({ type: 'watch' });
  }

  // --- connection ---

  private newConnection(): Connection {
    return new Connection(
      this.options_.url,
      this.options_.createSocket,
      {
        onOpen: () => void this.authenticate(),
        onText: (text) => this.handleText(text),
        onBinary: (bytes) => this.handleBinary(bytes),
        onRetrying: () => {
          if (this.state.connection !== 'reconnecting') this.listener_.announce({ key: 'reconnecting' });
          this.state.connection = 'reconnecting';
          this.listener_.changed();
        },
        onClosed: (reason, code) => this.handleClosed(reason, code),
      },
      this.options_.clock,
      this.options_.random ?? Math.random,
      this.options_.backoff ?? kConsoleBackoff,
    );
  }

  private async authenticate(): Promise<void> {
    const connection = this.connection_;
    const ticket = await this.options_.api.ticket();
    if (this.stopped_ || connection !== this.connection_) return;
    if (!ticket.ok) {
      if (ticket.error.code === 'network' || ticket.error.code === 'storage_unavailable') {
        // The socket is open but the API is not answering: drop it and let the back-off retry.
        connection.stop();
        this.connection_ = this.newConnection();
        this.state.connection = 'reconnecting';
        this.listener_.changed();
        this.options_.clock.setTimeout(() => this.connection_.start(), 2000);
        return;
      }
      this.end('session_expired');
      return;
    }
    connection.send(encodeCommand({ type: 'auth', ticket: ticket.value }));
  }

  private handleClosed(reason: ClosedReason, code: number): void {
    if (this.stopped_ || reason === 'stopped') return;
    if (code === 4001 && !this.authRetried_) {
      // The ticket expired between minting and use (or the server restarted): one fresh try.
      this.authRetried_ = true;
      this.connection_ = this.newConnection();
      this.connection_.start();
      return;
    }
    if (code === 4001) this.end('session_expired');
    else if (code === 4003) this.end('revoked');
    else if (code === 4009) this.end('replaced');
    else if (reason === 'gave_up') this.end('unreachable');
    else this.end('refused');
  }

  private end(reason: SessionEnd): void {
    if (this.stopped_) return;
    this.stop();
    this.listener_.sessionEnded(reason);
  }

  private send(command: CounselorCommand): void {
    this.connection_.send(encodeCommand(command));
  }

  private handleText(text: string): void {
    const message = parseServerMessage(text);
    if (message !== null) this.handleControl(message);
  }

  private handleBinary(bytes: Uint8Array): void {
    const envelope = parseEnvelope(bytes);
    if (!envelope.ok) return;
    this.legs_.get(toHex(envelope.value.chatId))?.handleEnvelope(envelope.value);
  }

  private handleControl(message: ServerMessage): void {
    const now = this.options_.clock.nowMs();
    switch (message.type) {
      case 'ready':
        this.handleReady(message);
        break;
      case 'status':
        this.state.duty = message.state;
        this.state.load = message.load;
        this.state.capacity = message.capacity;
        break;
      case 'queue_overview':
        this.state.queue = message.waiting;
        this.state.queueTotal = message.total;
        this.state.queueAtMs = now;
        break;
      case 'offer':
        this.state.offer = { ...message, deadlineMs: now + message.expiresInMs, receivedAtMs: now };
        this.listener_.announce({ key: 'offer', lane: message.lane, language: message.language });
        break;
      case 'offer_withdrawn':
        if (this.state.offer?.chatId === message.chatId) this.state.offer = null;
        if (message.reason !== 'declined') this.listener_.announce({ key: 'offer_withdrawn', reason: message.reason });
        break;
      case 'assigned':
        this.handleAssigned(message);
        break;
      case 'nothing_to_take':
        this.listener_.announce({ key: 'nothing_to_take' });
        this.state.notice = { code: 'nothing_to_take', atMs: now };
        break;
      case 'colleagues':
        this.handleColleagues(message.list);
        break;
      case 'transfer_offer': {
        const { note, leg, expiresInMs, type: _type, ...offer } = message;
        const handover = note === null ? null : this.openNote(message.chatId, leg, message.from.handle, note);
        this.state.transferOffer = { ...offer, deadlineMs: now + expiresInMs, handover };
        this.listener_.announce({ key: 'transfer_offer', from: message.from.name });
        break;
      }
      case 'transfer_result':
        this.handleTransferResult(message.chatId, message.to, message.accepted);
        break;
      case 'peer':
        this.handlePeer(message.chatId, message.connected);
        break;
      case 'ended':
        this.handleEnded(message.chatId, message.reason);
        break;
      case 'wrap_up_saved': {
        const chat = this.state.chats.get(message.chatId);
        if (chat !== undefined) {
          this.listener_.announce({ key: 'wrap_up_saved', chat: chat.number });
          this.forget(message.chatId);
        }
        break;
      }
      case 'released':
        // Sent only after this page's own `release` (adoptUnknownChat): the chat is already gone.
        break;
      case 'error':
        for (const chat of this.state.chats.values()) chat.wrapUpSaving = false;
        this.state.notice = { code: message.code, atMs: now };
        this.listener_.announce({ key: 'rejected', code: message.code });
        break;
      case 'rejected':
        this.handleRejected(message.code, message.chatId);
        break;
      case 'operator_snapshot': {
        const { type: _type, ...snapshot } = message;
        this.state.snapshot = snapshot;
        break;
      }
    }
    this.listener_.changed();
  }

  private handleReady(message: Extract<ServerMessage, { type: 'ready' }>): void {
    const sodium = this.options_.sodium;
    const keys = this.options_.keys;
    const trust = readTrust(sodium, message.org);
    const signing = trust === null ? null : ownSigningCertificate(sodium, trust, keys.certificate.bytes, this.options_.clock.nowMs() / 1000);
    this.state.org = trust;
    this.state.handle = message.handle;
    this.state.name = message.name;
    this.state.role = message.role;
    this.state.capacity = message.maxChats;
    this.state.canned = message.cannedReplies;
    this.state.taxonomy = message.wrapUp;
    this.identity_ =
      signing !== null && signing.ok
        ? { signingCertificate: signing.value, counselorCertificate: keys.certificate.bytes, identitySecretKey: keys.identitySecretKey }
        : null;
    const reconnected = this.everReady_;
    this.everReady_ = true;
    this.authRetried_ = false;
    this.state.connection = 'online';
    if (reconnected) this.listener_.announce({ key: 'reconnected' });

    const listed = new Map(message.chats.map((chat) => [chat.chatId, chat]));
    for (const [id, chat] of this.state.chats) {
      const now = listed.get(id);
      if (now === undefined) {
        // Taken back into the queue (or ended) while we were away: no longer ours.
        if (chat.phase !== 'gone' && chat.phase !== 'ended') this.goneAway(chat, 'requeued');
        continue;
      }
      const leg = this.legs_.get(id);
      if (leg !== undefined && leg.leg === now.leg) leg.resendUnacknowledged();
      if (now.state === 'ended' && chat.phase !== 'ended') this.markEnded(chat, 'ended');
    }
    for (const chat of message.chats) {
      if (!this.state.chats.has(chat.chatId)) this.adoptUnknownChat(chat);
    }
    if (this.watching_) this.send({ type: 'watch' });
  }

  private adoptUnknownChat(listed: ReadyChat): void {
    const chat = this.addChat(listed.chatId, listed, listed.leg);
    if (listed.state === 'ended') {
      chat.phase = 'ended';
      chat.endReason = 'ended';
    } else {
      chat.phase = 'gone';
      this.note(chat, 'released', {});
      this.send({ type: 'release', chat_id: listed.chatId });
    }
  }

  private handleAssigned(message: Extract<ServerMessage, { type: 'assigned' }>): void {
    const chatIdBytes = fromHex(message.chatId);
    if (chatIdBytes === null) return;
    let chat = this.state.chats.get(message.chatId);
    if (chat === undefined || chat.phase === 'gone') {
      if (chat !== undefined) this.forget(message.chatId);
      chat = this.addChat(message.chatId, message, message.leg);
    }
    this.legs_.get(message.chatId)?.dispose();
    chat.leg = message.leg;
    chat.code = null;
    chat.problem = null;
    if (this.identity_ === null) {
      // Our own certificate does not verify (expired, revoked): a visitor would refuse it.
      chat.phase = 'problem';
      chat.problem = 'expired';
      this.note(chat, 'problem', { code: 'expired' });
    } else {
      chat.phase = 'connecting';
      this.legs_.set(message.chatId, this.newLeg(chat, chatIdBytes, message.leg, this.identity_));
      this.note(chat, message.requeued ? 'requeued' : 'assigned', {});
    }
    const handover = this.acceptedHandover_;
    if (handover?.chatId === message.chatId && !message.requeued) {
      if (handover.text === 'unreadable') this.note(chat, 'handover_unreadable', { name: handover.from });
      else chat.entries.push({ kind: 'handover', from: handover.from, text: handover.text, atMs: this.options_.clock.nowMs() });
    }
    this.acceptedHandover_ = null;
    if (this.state.offer?.chatId === message.chatId) this.state.offer = null;
    // The queue overview comes with the server's next tick; until then, this chat is no longer
    // waiting (the overview names no chats: drop the first entry that looks like it).
    const waiting = this.state.queue.findIndex((entry) => entry.lane === message.lane && entry.language === message.language && entry.ageBand === message.ageBand);
    const fromQueue = message.leg === 0 || message.requeued;
    if (fromQueue && waiting >= 0) {
      this.state.queue = this.state.queue.filter((_entry, index) => index !== waiting);
      this.state.queueTotal = Math.max(0, this.state.queueTotal - 1);
    }
    this.listener_.announce({ key: 'assigned', chat: chat.number });
  }

  private newLeg(chat: ConsoleChat, chatId: Uint8Array, leg: number, identity: CounselorIdentity): ChatLeg {
    const clock = this.options_.clock;
    return new ChatLeg(this.options_.sodium, identity, chatId, leg, (bytes) => this.connection_.send(bytes), clock, {
      onEstablished: (code) => {
        chat.phase = chat.phase === 'connecting' ? 'encrypted' : chat.phase;
        chat.code = code;
        this.note(chat, 'established', {});
        this.listener_.changed();
      },
      onText: (text) => {
        chat.entries.push({ kind: 'visitor', text, atMs: clock.nowMs() });
        chat.unread += 1;
        this.listener_.announce({ key: 'message', chat: chat.number });
        this.listener_.changed();
      },
      onTextSent: (id) => {
        const entry = chat.entries.find((candidate) => candidate.kind === 'me' && candidate.id === id);
        if (entry?.kind === 'me') entry.pending = false;
        this.listener_.changed();
      },
      onVisitorEnded: (reason) => {
        // The server's `ended` follows and decides; quick exit only colours what it says.
        if (reason === 'quick_exit') chat.quickExit = true;
      },
      onHistory: (entries) => {
        const last = chat.entries[chat.entries.length - 1];
        if (last?.kind !== 'shared') this.note(chat, 'history_shared', {});
        for (const entry of entries) chat.entries.push({ kind: 'shared', from: entry.from, text: entry.text, atMs: Number(entry.sentAtMs) });
        this.listener_.changed();
      },
      onProblem: (code) => {
        chat.phase = 'problem';
        chat.problem = code;
        this.note(chat, 'problem', { code });
        this.listener_.changed();
      },
      onAcknowledged: (seq) => {
        if (chat.phase === 'transferring' && chat.transferSeq !== null && seq >= chat.transferSeq) {
          this.requestTransfer(chat);
          this.listener_.changed();
        }
      },
    });
  }

  private requestTransfer(chat: ConsoleChat): void {
    if (chat.transferTo === null || chat.transferSeq === null) return;
    chat.transferSeq = null;
    this.note(chat, 'transfer_sent', { name: chat.transferTo.name });
    const note = chat.transferNote;
    chat.transferNote = null;
    this.send({ type: 'transfer', chat_id: chat.id, to: chat.transferTo.handle, ...(note === null ? {} : { note }) });
  }

  private handleColleagues(list: readonly Colleague[]): void {
    const trust = this.state.org;
    const now = this.options_.clock.nowMs() / 1000;
    this.state.colleagues = list.map((colleague) => {
      const verified = trust === null ? null : verifyColleague(this.options_.sodium, trust, colleague, now);
      return { ...colleague, verified: verified?.ok ? verified.value : null };
    });
  }

  /** §8.1: the note sealed for `colleague`; undefined when it cannot be (too long, no identity). */
  private sealNote(chat: ConsoleChat, colleague: VerifiedColleague, text: string): string | undefined {
    const identity = this.identity_;
    const chatId = fromHex(chat.id);
    const recipient = parseCertificate(colleague.certificate);
    if (identity === null || chatId === null || !recipient.ok) return undefined;
    const binding = { chatId, nextLeg: chat.leg + 1, recipientKey: recipient.value.subjectKey };
    const sealed = sealHandover(this.options_.sodium, binding, { certificate: identity.counselorCertificate, identitySecretKey: identity.identitySecretKey }, text);
    return sealed.ok ? toHex(sealed.value) : undefined;
  }

  /** §8.1: the text of a colleague's note to us, or 'unreadable' when any check fails. */
  private openNote(chatIdHex: string, leg: number, fromHandle: string, note: Uint8Array): string | 'unreadable' {
    const identity = this.identity_;
    const trust = this.state.org;
    const chatId = fromHex(chatIdHex);
    const own = identity === null ? null : parseCertificate(identity.counselorCertificate);
    if (identity === null || trust === null || chatId === null || own === null || !own.ok) return 'unreadable';
    const sodium = this.options_.sodium;
    const opened = openHandover(sodium, { chatId, nextLeg: leg, recipientKey: own.value.subjectKey }, identity.identitySecretKey, note);
    if (!opened.ok) return 'unreadable';
    const sender = verifyColleague(sodium, trust, { handle: fromHandle, certificate: toHex(opened.value.senderCertificate) }, this.options_.clock.nowMs() / 1000);
    return sender.ok ? opened.value.text : 'unreadable';
  }

  private handleTransferResult(chatId: string, to: string, accepted: boolean): void {
    const chat = this.state.chats.get(chatId);
    if (this.state.transferOffer?.chatId === chatId) this.state.transferOffer = null;
    if (chat === undefined || chat.phase !== 'transferring') return;
    const name = chat.transferTo?.name ?? to;
    if (accepted) {
      // §8 step 5: our leg ends with `end` (transferred); the visitor now talks to the colleague.
      this.legs_.get(chatId)?.end('transferred');
      this.goneAway(chat, 'transferred', name);
      this.listener_.announce({ key: 'transfer_done', chat: chat.number, to: name });
    } else {
      chat.phase = 'encrypted';
      chat.transferTo = null;
      this.note(chat, 'transfer_declined', { name });
      this.listener_.announce({ key: 'transfer_declined', chat: chat.number, to: name });
    }
  }

  private handlePeer(chatId: string, connected: boolean): void {
    const chat = this.state.chats.get(chatId);
    if (chat === undefined || chat.visitorConnected === connected) return;
    chat.visitorConnected = connected;
    this.note(chat, connected ? 'visitor_back' : 'visitor_away', {});
    if (connected) this.legs_.get(chatId)?.resendUnacknowledged();
  }

  private handleEnded(chatId: string, reason: string): void {
    const chat = this.state.chats.get(chatId);
    if (chat === undefined || chat.phase === 'gone') return;
    this.markEnded(chat, reason === 'visitor_left' && chat.quickExit ? 'quick_exit' : reason);
    this.listener_.announce({ key: 'ended', chat: chat.number });
  }

  private markEnded(chat: ConsoleChat, reason: string): void {
    chat.phase = 'ended';
    chat.endReason = reason;
    chat.transferTo = null;
    chat.transferSeq = null;
    this.note(chat, 'ended', { reason });
    // Nothing more can be sent or received: the stream keys go now; the text stays on screen
    // until the wrap-up is saved.
    this.legs_.get(chat.id)?.dispose();
    this.legs_.delete(chat.id);
  }

  private goneAway(chat: ConsoleChat, note: 'transferred' | 'requeued', name = ''): void {
    chat.phase = 'gone';
    chat.transferTo = null;
    chat.transferSeq = null;
    this.note(chat, note === 'transferred' ? 'transferred' : 'requeued', { name });
  }

  private handleRejected(code: string, chatId: string | null): void {
    this.state.notice = { code, atMs: this.options_.clock.nowMs() };
    const chat = chatId === null ? undefined : this.state.chats.get(chatId);
    if (chat !== undefined) {
      chat.wrapUpSaving = false;
      if (chat.phase === 'transferring') {
        chat.phase = 'encrypted';
        chat.transferTo = null;
        chat.transferSeq = null;
      }
    } else {
      for (const other of this.state.chats.values()) other.wrapUpSaving = false;
    }
    this.listener_.announce({ key: 'rejected', code });
  }

  private addChat(id: string, visitor: VisitorSummary, leg: number): ConsoleChat {
    const chat: ConsoleChat = {
      id,
      number: this.nextChatNumber_++,
      lane: visitor.lane,
      language: visitor.language,
      ageBand: visitor.ageBand,
      leg,
      phase: 'connecting',
      entries: [],
      unread: 0,
      code: null,
      visitorConnected: true,
      endReason: null,
      quickExit: false,
      draft: '',
      transferTo: null,
      transferSeq: null,
      transferNote: null,
      wrapUpSaving: false,
      problem: null,
    };
    this.state.chats.set(id, chat);
    return chat;
  }

  private forget(chatId: string): void {
    this.legs_.get(chatId)?.dispose();
    this.legs_.delete(chatId);
    const chat = this.state.chats.get(chatId);
    if (chat !== undefined) {
      // Drop the conversation's text from memory as well as from the page.
      chat.entries = [];
      chat.draft = '';
    }
    this.state.chats.delete(chatId);
  }

  private note(chat: ConsoleChat, key: SystemNote, params: Readonly<Record<string, string>>): void {
    chat.entries.push({ kind: 'system', key, params, atMs: this.options_.clock.nowMs() });
  }
}
