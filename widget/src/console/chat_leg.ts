// The counselor's end of one leg of one chat (protocol.md §5, §6, §7, §8, §10): answers the
// visitor's offer, pulls the visitor's stream, encrypts what the counselor writes, and numbers,
// keeps, acknowledges and resends frames through the shared LegDelivery.
//
//   v2c  seq 1 offer ─────────▶  CounselorHandshake.answer → accept = our seq 1 (c2v stream starts)
//        seq 2 stream_start ──▶  v2c receiver: the leg is "established", texts flow both ways
//        seq ≥ 3 ciphertext ──▶  StreamReceiver (§7.5): deliver, duplicate (ack again), gap (resend)
//   c2v  seq ≥ 2: text / transfer (authorises leg n+1, §8) / end (FINAL)
//
// What the counselor writes before the visitor's stream_start stays in memory here and goes out,
// in order, once the leg is established (the visitor has then verified our accept). A broken
// visitor (bad padding or message) ends the leg: the listener hears onProblem.
//
// No I/O of its own: binary envelopes go out through the sink, time comes from the clock.
// Not thread-safe (one browser task queue).

import {
  CounselorHandshake,
  type CounselorIdentity,
  type E2eErrorCode,
  type EndReason,
  type HistoryEntry,
  type Envelope,
  type Message,
  type Sodium,
  type StreamReceiver,
} from '../e2e/index';
import type { Clock } from '../shared/clock';
import { LegDelivery, type BinarySink } from '../shared/delivery';
import { receiveStreamFrame } from '../shared/stream_frame';

export const kMaxTextBytes = 4000;

export interface ChatLegListener {
  /** The visitor verified our accept and started its stream: §5.5 code, six digits. */
  onEstablished(code: string): void;
  onText(text: string, sentAtMs: number): void;
  /** A kept text (local id) left the browser, encrypted. */
  onTextSent(id: number): void;
  /**
   * The visitor ended its stream (FINAL): it left, fled with quick exit (§7.2 reason 0x03), or
   * moved to the next leg after a transfer.
   */
  onVisitorEnded(reason: EndReason): void;
  /** The visitor shared the conversation of earlier legs (§8.2): her copy, shown as such. */
  onHistory(entries: readonly HistoryEntry[]): void;
  /** The visitor's frames cannot be trusted or the offer was not for this leg: the leg is dead. */
  onProblem(code: E2eErrorCode): void;
  /** The visitor acknowledged our frames up to `seq`. */
  onAcknowledged(seq: number): void;
}

export type SendResult = 'sent' | 'kept' | 'refused';

export class ChatLeg {
  private handshake_: CounselorHandshake | null = null;
  private receiver_: StreamReceiver | null = null;
  private readonly delivery_: LegDelivery;
  private pending_: { readonly id: number; readonly text: string }[] = [];
  private code_: string | null = null;
  private broken_ = false;
  private disposed_ = false;

  constructor(
    private readonly sodium_: Sodium,
    private readonly identity_: CounselorIdentity,
    readonly chatId: Uint8Array,
    readonly leg: number,
    sink: BinarySink,
    private readonly clock_: Clock,
    private readonly listener_: ChatLegListener,
  ) {
    this.delivery_ = new LegDelivery(chatId, leg, sink, clock_);
  }

  /** True once the visitor's stream_start arrived: both streams exist. */
  get established(): boolean {
    return this.receiver_ !== null;
  }

  /** §5.5 verification code (six digits), once the offer was answered. */
  get code(): string | null {
    return this.code_;
  }

  get broken(): boolean {
    return this.broken_;
  }

  /** Texts written but not sent yet. */
  get pendingCount(): number {
    return this.pending_.length;
  }

  /** The highest of our seqs the visitor acknowledged. */
  get acknowledgedSeq(): number {
    return this.delivery_.acknowledgedSeq;
  }

  /** True once `end` went into our stream. */
  get finished(): boolean {
    return this.handshake_?.sender.finished ?? false;
  }

  handleEnvelope(envelope: Envelope): void {
    if (this.disposed_ || this.broken_ || envelope.leg !== this.leg) return;
    switch (envelope.type) {
      case 'ack': {
        const before = this.delivery_.acknowledgedSeq;
        this.delivery_.acknowledged(envelope.seq);
        if (this.delivery_.acknowledgedSeq > before) this.listener_.onAcknowledged(this.delivery_.acknowledgedSeq);
        return;
      }
      case 'resend':
        this.delivery_.resendFrom(envelope.seq);
        return;
      case 'data':
        if (envelope.seq === 1) this.handleOffer(envelope.payload);
        else if (envelope.seq === 2) this.handleStreamStart(envelope.payload);
        else this.handleFrame(envelope.seq, envelope.payload);
    }
  }

  /**
   * Encrypts and sends `text` (local id `id`) if the leg is established, else keeps it for later,
   * in order. Refuses empty text, text over kMaxTextBytes, and anything after `end`.
   */
  sendText(id: number, text: string): SendResult {
    if (this.disposed_ || this.broken_ || this.finished) return 'refused';
    const bytes = new TextEncoder().encode(text).length;
    if (bytes === 0 || bytes > kMaxTextBytes) return 'refused';
    if (!this.established || this.pending_.length > 0) {
      this.pending_.push({ id, text });
      return 'kept';
    }
    return this.encrypt({ kind: 'text', sentAtMs: this.nowMs(), text }) === null ? 'refused' : this.sent(id);
  }

  /**
   * §8 step 1: authorises `certificate` (already verified by the caller) for leg `leg + 1` inside
   * our stream. Returns the frame's seq (wait for its ack before the `transfer` control message),
   * or null when the leg cannot send.
   */
  authoriseTransfer(certificate: Uint8Array): number | null {
    if (!this.established || this.broken_ || this.pending_.length > 0) return null;
    return this.encrypt({ kind: 'transfer', sentAtMs: this.nowMs(), nextLeg: this.leg + 1, certificate });
  }

  /** Ends our stream with `end` (FINAL); nothing can be sent on the leg after it. */
  end(reason: 'ended' | 'transferred'): void {
    if (this.handshake_ === null || this.finished || this.broken_ || this.disposed_) return;
    this.pending_ = [];
    this.encrypt({ kind: 'end', sentAtMs: this.nowMs(), reason });
    this.delivery_.flush();
  }

  /** After a reconnect, or when the visitor came back: every unacknowledged frame, and the last ack. */
  resendUnacknowledged(): void {
    if (this.disposed_) return;
    this.delivery_.resendAll();
    this.delivery_.reacknowledge();
  }

  /** Wipes the leg's keys, stream states, kept frames and unsent texts. */
  dispose(): void {
    if (this.disposed_) return;
    this.disposed_ = true;
    this.delivery_.flush();
    this.handshake_?.dispose();
    this.receiver_?.dispose();
    this.delivery_.dispose();
    this.pending_ = [];
  }

  private handleOffer(payload: Uint8Array): void {
    if (this.handshake_ !== null) {
      // The visitor resent its offer (it reconnected before our ack): acknowledge again; our
      // accept is resent by the visitor's `resend` or our own resendUnacknowledged.
      this.delivery_.received(1, true);
      return;
    }
    const answered = CounselorHandshake.answer(this.sodium_, payload, { chatId: this.chatId, leg: this.leg }, this.identity_, this.seconds());
    if (!answered.ok) {
      this.fail(answered.error.code);
      return;
    }
    this.handshake_ = answered.value;
    this.code_ = answered.value.code;
    this.delivery_.received(1);
    this.delivery_.push(1, answered.value.accept);
  }

  private handleStreamStart(payload: Uint8Array): void {
    const handshake = this.handshake_;
    if (handshake === null) {
      this.delivery_.gap(1);
      return;
    }
    if (this.receiver_ !== null) {
      this.delivery_.received(2, true);
      return;
    }
    const started = handshake.receiveStreamStart(payload);
    if (!started.ok) {
      this.fail(started.error.code);
      return;
    }
    this.receiver_ = started.value;
    this.delivery_.received(2);
    this.listener_.onEstablished(handshake.code);
    const pending = this.pending_;
    this.pending_ = [];
    for (const { id, text } of pending) {
      if (this.encrypt({ kind: 'text', sentAtMs: this.nowMs(), text }) !== null) this.listener_.onTextSent(id);
    }
  }

  private handleFrame(seq: number, payload: Uint8Array): void {
    const receiver = this.receiver_;
    if (receiver === null) {
      this.delivery_.gap(this.handshake_ === null ? 1 : 2);
      return;
    }
    const message = receiveStreamFrame(receiver, this.delivery_, seq, payload, (code) => this.fail(code));
    if (message !== null) this.deliver(message);
  }

  private deliver(message: Message): void {
    switch (message.kind) {
      case 'text':
        this.listener_.onText(message.text, Number(message.sentAtMs));
        return;
      case 'end':
        this.delivery_.flush();
        this.listener_.onVisitorEnded(message.reason);
        return;
      case 'history':
        this.listener_.onHistory(message.entries);
        return;
      case 'transfer':
        return; // never from a visitor: parseMessage refuses it for v2c
    }
  }

  private encrypt(message: Message): number | null {
    const sender = this.handshake_?.sender;
    if (sender === undefined || sender.finished) return null;
    const sent = sender.send(message, this.seconds());
    if (!sent.ok) return null;
    this.delivery_.push(sent.value.seq, sent.value.frame);
    return sent.value.seq;
  }

  private sent(id: number): SendResult {
    this.listener_.onTextSent(id);
    return 'sent';
  }

  private fail(code: E2eErrorCode): void {
    if (this.broken_) return;
    this.broken_ = true;
    this.pending_ = [];
    this.handshake_?.dispose();
    this.receiver_?.dispose();
    this.listener_.onProblem(code);
  }

  private nowMs(): bigint {
    return BigInt(Math.floor(this.clock_.nowMs()));
  }

  private seconds(): number {
    return this.clock_.nowMs() / 1000;
  }
}
