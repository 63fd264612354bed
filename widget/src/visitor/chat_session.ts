// The visitor's end-to-end session for one chat (protocol.md Part I, §6, §8, §10): it runs each
// leg's handshake, encrypts what the visitor writes, decrypts what counselors write, checks
// transfer authorisations, and keeps every frame it sent until acknowledged (delivery.ts).
//
//   leg n:   offer(1) ──▶   ◀── accept(1)   verify (§5.3) ──▶ stream_start(2), then texts 3, 4, …
//                            ◀── c2v 2, 3, … (texts; transfer authorising leg n+1; end)
//   leg n+1: after `assigned` — a transfer (the accept must carry the authorised certificate) or
//            a requeue (the previous counselor was lost; any certificate that passes §3.4 is
//            accepted and the visitor is told who joined, §11.2). The visitor ends leg n's v2c
//            stream with `end`, and keeps leg n's c2v receiver until the old counselor's own end.
//
// What the visitor writes before a leg's handshake has finished stays here, in memory, and is
// sent in order once the stream exists. If a verification step fails nothing encrypted is ever
// sent on the leg and nothing falls back to plaintext: the listener hears
// onVerificationFailed and the caller must end the chat.
//
// Does no I/O of its own: binary envelopes go out through the sink, time comes from the clock.

import { parseAccept } from '../e2e/handshake_wire';
import {
  authoriseTransfer,
  VisitorHandshake,
  historyEntryBytes,
  kHistoryHeadBytes,
  kMessageMaxBytes,
  type E2eErrorCode,
  type Envelope,
  type HistoryEntry,
  type Message,
  type Sodium,
  type StreamReceiver,
  type VisitorSession,
} from '../e2e/index';
import type { Clock } from '../shared/clock';
import { LegDelivery, type BinarySink } from '../shared/delivery';
import { receiveStreamFrame } from '../shared/stream_frame';

/** The largest text message (§7.2). */
export const kMaxTextBytes = 4000;

/** Splits `entries` into runs that each fit one history message (§7.2: 4095 bytes in all). */
export function historyBatches(entries: readonly HistoryEntry[]): HistoryEntry[][] {
  const batches: HistoryEntry[][] = [];
  let batch: HistoryEntry[] = [];
  let size = kHistoryHeadBytes;
  for (const entry of entries) {
    const bytes = historyEntryBytes(entry.text);
    if (batch.length > 0 && size + bytes > kMessageMaxBytes) {
      batches.push(batch);
      batch = [];
      size = kHistoryHeadBytes;
    }
    batch.push(entry);
    size += bytes;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** How the leg came about; decides which certificate its accept must carry (§5.3 step 3). */
export type LegStart = 'first' | 'transfer' | 'requeue';

export interface CounselorIdentityShown {
  readonly leg: number;
  /** The pseudonym from the verified certificate. */
  readonly name: string;
  readonly handle: string;
  /** The organisation's name from the verified signing certificate. */
  readonly organisation: string;
  /** §5.5 code, six digits. */
  readonly code: string;
}

export interface ChatSessionListener {
  /** The leg's accept passed every check: the encrypted session exists. */
  onCounselorVerified(identity: CounselorIdentityShown): void;
  /** The first encrypted frame of the leg decrypted: show "verified by <organisation>". */
  onFirstFrameDecrypted(leg: number): void;
  onMessage(text: string, sentAtMs: number): void;
  /** The local text `id` left the browser, encrypted (not yet acknowledged). */
  onTextSent(id: number): void;
  /** The counselor's side acknowledged the text `id` (§10 `ack`): it was delivered. */
  onTextDelivered?(id: number): void;
  /** These texts' leg ended before they were acknowledged: the counselor may not have them. */
  onTextUndelivered?(ids: readonly number[]): void;
  /** The current counselor authorised `name` to take over (§8 step 2). */
  onTransferAuthorised(name: string): void;
  /** The counselor of `leg` ended its stream (FINAL). */
  onCounselorEnded(leg: number, reason: 'ended' | 'transferred'): void;
  /** Verification failed (§5.3) or the counselor sent something invalid: end the chat, fail closed. */
  onVerificationFailed(code: E2eErrorCode): void;
}

export interface SessionTrust {
  readonly rootPublicKey: Uint8Array;
  readonly revocationLists: readonly Uint8Array[];
}

interface Leg {
  readonly leg: number;
  readonly start: LegStart;
  readonly delivery: LegDelivery;
  handshake: VisitorHandshake | null;
  session: VisitorSession | null;
  receiver: StreamReceiver | null;
  firstFrameSeen: boolean;
  /** Texts sent on this leg and not yet acknowledged: seq → the caller's id. */
  readonly unacknowledgedTexts: Map<number, number>;
}

interface PendingText {
  readonly id: number;
  readonly text: string;
}

/** sent: encrypted and handed to delivery; kept: waiting in memory for the session. */
export type SendResult = 'sent' | 'kept' | 'refused';

export class ChatSession {
  private current_: Leg | null = null;
  private previous_: Leg | null = null;
  private readonly authorised_ = new Map<number, Uint8Array>();
  private pending_: PendingText[] = [];
  private failed_ = false;
  private disposed_ = false;

  constructor(
    private readonly sodium_: Sodium,
    readonly chatId: Uint8Array,
    private readonly trust_: SessionTrust,
    private readonly sink_: BinarySink,
    private readonly clock_: Clock,
    private readonly listener_: ChatSessionListener,
  ) {}

  /** The leg in progress, or -1 before the first. */
  get leg(): number {
    return this.current_?.leg ?? -1;
  }

  /** True once the current leg's handshake has finished and texts go out encrypted. */
  get established(): boolean {
    return this.current_?.session != null;
  }

  /** Texts written but not sent yet. */
  get pendingCount(): number {
    return this.pending_.length;
  }

  /**
   * Starts leg `leg`: a fresh offer as its frame 1 (§5.1). For a later leg the current leg's v2c
   * stream is ended first (§8 step 5) and its c2v receiver kept for the old counselor's last frames.
   */
  /**
   * The current leg's counselor is gone (§11.2 `requeued`): the texts she did not acknowledge
   * never reached her, and are reported now rather than when the next counselor comes.
   */
  counselorLost(): void {
    const leg = this.current_;
    if (leg === null || leg.unacknowledgedTexts.size === 0) return;
    this.listener_.onTextUndelivered?.([...leg.unacknowledgedTexts.values()]);
    leg.unacknowledgedTexts.clear();
  }

  startLeg(leg: number, start: LegStart): void {
    if (this.disposed_ || this.failed_) return;
    const old = this.current_;
    if (old !== null) {
      if (leg <= old.leg) return;
      this.retire(old, start === 'transfer');
    }
    const delivery = new LegDelivery(this.chatId, leg, this.sink_, this.clock_);
    const handshake = new VisitorHandshake(this.sodium_, { chatId: this.chatId, leg });
    this.current_ = { leg, start, delivery, handshake, session: null, receiver: null, firstFrameSeen: false, unacknowledgedTexts: new Map() };
    delivery.push(1, handshake.offer);
  }

  /**
   * Encrypts and sends `text` (the caller's local message `id`) now if the session exists, else
   * keeps it for later, in order. Refuses (and keeps nothing) text the grammar cannot carry:
   * empty, or over `kMaxTextBytes` UTF-8 bytes.
   */
  sendText(id: number, text: string): SendResult {
    if (this.disposed_ || this.failed_) return 'refused';
    const bytes = new TextEncoder().encode(text).length;
    if (bytes === 0 || bytes > kMaxTextBytes) return 'refused';
    const leg = this.current_;
    if (leg?.session == null || this.pending_.length > 0) {
      this.pending_.push({ id, text });
      return 'kept';
    }
    return this.encryptText(leg, id, text) ? 'sent' : 'refused';
  }

  /** Handles one envelope from the counselor's side. */
  handleEnvelope(envelope: Envelope): void {
    if (this.disposed_ || this.failed_) return;
    if (!equalIds(envelope.chatId, this.chatId)) return;
    const leg = this.legOf(envelope.leg);
    if (leg === null) return;
    switch (envelope.type) {
      case 'ack':
        if (leg === this.current_) leg.delivery.acknowledged(envelope.seq);
        for (const [seq, id] of leg.unacknowledgedTexts) {
          if (seq > envelope.seq) continue;
          leg.unacknowledgedTexts.delete(seq);
          this.listener_.onTextDelivered?.(id);
        }
        return;
      case 'resend':
        if (leg === this.current_) leg.delivery.resendFrom(envelope.seq);
        return;
      case 'data':
        if (envelope.seq === 1) this.handleAccept(leg, envelope.payload);
        else this.handleFrame(leg, envelope.seq, envelope.payload);
    }
  }

  /** Sends every unacknowledged frame of the current leg again, and the last ack (§10). */
  resendUnacknowledged(): void {
    const leg = this.current_;
    if (leg === null || this.disposed_) return;
    leg.delivery.resendAll();
    leg.delivery.reacknowledge();
  }

  /**
   * The visitor ends the chat: `end` (FINAL) on the current leg if its stream exists. `quick_exit`
   * (§7.2 reason 0x03) tells the counselor she fled rather than ended it.
   */
  endByVisitor(reason: 'ended' | 'quick_exit' = 'ended'): void {
    const leg = this.current_;
    if (leg?.session == null || leg.session.sender.finished || this.disposed_) return;
    const sent = leg.session.sender.send({ kind: 'end', sentAtMs: this.now(), reason }, this.seconds());
    if (sent.ok) leg.delivery.push(sent.value.seq, sent.value.frame);
    leg.delivery.flush();
  }

  /**
   * §8.2: sends the conversation of the earlier legs to the current counselor as `history`
   * messages, as few as fit. Only on a leg after the first whose stream exists; false otherwise
   * (nothing is sent, nothing is kept for later).
   */
  shareHistory(entries: readonly HistoryEntry[]): boolean {
    const leg = this.current_;
    if (leg === null || leg.leg === 0 || leg.session == null || leg.session.sender.finished || this.disposed_) return false;
    for (const batch of historyBatches(entries)) {
      const sent = leg.session.sender.send({ kind: 'history', sentAtMs: this.now(), entries: batch }, this.seconds());
      if (!sent.ok) return false;
      leg.delivery.push(sent.value.seq, sent.value.frame);
    }
    return true;
  }

  /**
   * Whether the conversation with the current counselor ended properly (its FINAL arrived) or
   * was cut off (§7.5 `truncated`), for the end screen.
   */
  endedProperly(): boolean {
    const receiver = this.current_?.receiver;
    return receiver != null && receiver.end().ok;
  }

  /** Wipes every key, stream state, kept frame and unsent text (chat over, quick exit). */
  dispose(): void {
    if (this.disposed_) return;
    this.disposed_ = true;
    for (const leg of [this.current_, this.previous_]) {
      if (leg !== null) this.disposeLeg(leg);
    }
    this.current_ = null;
    this.previous_ = null;
    this.authorised_.clear();
    this.pending_ = [];
  }

  private handleAccept(leg: Leg, payload: Uint8Array): void {
    const handshake = leg.handshake;
    if (handshake === null) {
      leg.delivery.received(1, true);
      return;
    }
    leg.handshake = null;
    let authorisedCertificate = this.authorised_.get(leg.leg);
    if (authorisedCertificate === undefined && leg.start === 'requeue') {
      // §11.2: after a requeue the previous counselor could not authorise anyone, so any
      // certificate that passes the chain check is accepted (and the visitor is told who).
      const parsed = parseAccept(payload);
      if (parsed.ok) authorisedCertificate = parsed.value.counselorCertificate;
    }
    const trust = {
      rootPublicKey: this.trust_.rootPublicKey,
      revocationLists: this.trust_.revocationLists,
      ...(authorisedCertificate === undefined ? {} : { authorisedCertificate }),
    };
    const verified = handshake.receiveAccept(payload, trust, this.seconds());
    if (!verified.ok) {
      this.fail(verified.error.code);
      return;
    }
    const session = verified.value;
    leg.session = session;
    leg.receiver = session.receiver;
    leg.delivery.received(1);
    leg.delivery.push(2, session.streamStart);
    this.listener_.onCounselorVerified({
      leg: leg.leg,
      name: session.counselor.name || session.counselor.handle,
      handle: session.counselor.handle,
      organisation: session.chain.signing.name,
      code: session.code,
    });
    this.flushPending(leg);
  }

  private handleFrame(leg: Leg, seq: number, payload: Uint8Array): void {
    const receiver = leg.receiver;
    if (receiver === null) {
      // A stream frame before the accept was handled: ask for the leg from the start.
      if (leg.handshake !== null) leg.delivery.gap(1);
      return;
    }
    const message = receiveStreamFrame(receiver, leg.delivery, seq, payload, (code) => this.fail(code));
    if (message === null) return;
    if (!leg.firstFrameSeen) {
      leg.firstFrameSeen = true;
      this.listener_.onFirstFrameDecrypted(leg.leg);
    }
    this.deliver(leg, message);
  }

  private deliver(leg: Leg, message: Message): void {
    switch (message.kind) {
      case 'text':
        this.listener_.onMessage(message.text, Number(message.sentAtMs));
        return;
      case 'transfer': {
        const signing = leg.session?.chain.signing.bytes;
        if (signing === undefined || leg !== this.current_) return;
        const authorised = authoriseTransfer(this.sodium_, message, {
          currentLeg: leg.leg,
          signingCertificate: signing,
          rootPublicKey: this.trust_.rootPublicKey,
          revocationLists: this.trust_.revocationLists,
          nowSeconds: this.seconds(),
        });
        // An authorisation that does not verify authorises nobody: the next leg's accept will
        // then fail closed with unauthorized_transfer.
        if (!authorised.ok) return;
        this.authorised_.set(authorised.value.leg, authorised.value.certificate);
        this.listener_.onTransferAuthorised(authorised.value.counselor.name || authorised.value.counselor.handle);
        return;
      }
      case 'history':
        return; // never to a visitor: parseMessage refuses it for c2v
      case 'end':
        leg.delivery.flush();
        // A counselor cannot send quick_exit (parseMessage refuses it for c2v).
        this.listener_.onCounselorEnded(leg.leg, message.reason === 'transferred' ? 'transferred' : 'ended');
        if (leg === this.previous_) {
          this.disposeLeg(leg);
          this.previous_ = null;
        }
    }
  }

  private encryptText(leg: Leg, id: number, text: string): boolean {
    const sender = leg.session?.sender;
    if (sender === undefined || sender.finished) return false;
    const sent = sender.send({ kind: 'text', sentAtMs: this.now(), text }, this.seconds());
    if (!sent.ok) return false;
    leg.delivery.push(sent.value.seq, sent.value.frame);
    leg.unacknowledgedTexts.set(sent.value.seq, id);
    this.listener_.onTextSent(id);
    return true;
  }

  private flushPending(leg: Leg): void {
    const pending = this.pending_;
    this.pending_ = [];
    for (const { id, text } of pending) this.encryptText(leg, id, text);
  }

  private retire(old: Leg, transferred: boolean): void {
    const sender = old.session?.sender;
    if (sender !== undefined && !sender.finished) {
      const end = sender.send({ kind: 'end', sentAtMs: this.now(), reason: transferred ? 'transferred' : 'ended' }, this.seconds());
      if (end.ok) old.delivery.push(end.value.seq, end.value.frame);
    }
    old.delivery.flush();
    if (this.previous_ !== null) this.disposeLeg(this.previous_);
    old.handshake?.dispose();
    old.handshake = null;
    old.session?.sender.dispose();
    // A lost counselor sends nothing more; a transferring one still sends its `end`.
    if (transferred && old.receiver !== null) {
      this.previous_ = old;
    } else {
      this.disposeLeg(old);
      this.previous_ = null;
    }
  }

  private disposeLeg(leg: Leg): void {
    if (leg.unacknowledgedTexts.size > 0) {
      this.listener_.onTextUndelivered?.([...leg.unacknowledgedTexts.values()]);
      leg.unacknowledgedTexts.clear();
    }
    leg.handshake?.dispose();
    leg.handshake = null;
    leg.session?.sender.dispose();
    leg.receiver?.dispose();
    leg.delivery.dispose();
  }

  private legOf(number: number): Leg | null {
    if (this.current_?.leg === number) return this.current_;
    if (this.previous_?.leg === number) return this.previous_;
    return null;
  }

  private fail(code: E2eErrorCode): void {
    if (this.failed_) return;
    this.failed_ = true;
    this.dispose();
    this.listener_.onVerificationFailed(code);
  }

  private now(): bigint {
    return BigInt(Math.floor(this.clock_.nowMs()));
  }

  private seconds(): number {
    return this.clock_.nowMs() / 1000;
  }
}

function equalIds(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
