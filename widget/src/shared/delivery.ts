// End-to-end delivery for one side of one leg of a chat (protocol.md §6, §10), used by the
// visitor widget and the duty console alike: the envelope is symmetric, only the frames differ.
//
// Sending: each frame this side sends on the leg (visitor: offer = 1, stream_start = 2,
// ciphertext 3…; counselor: accept = 1, ciphertext 2…) is kept, byte for byte, until a cumulative
// `ack` from the peer covers it, and sent again on `resend`, after a reconnect and when the peer
// comes back. Frames are never re-encrypted: that would advance the stream (§6).
//
// Resending is paced (§10, frame limits): at most kResendBatch frames at once, then as many a
// second, so a long backlog stays within the server's resend budget.
//
// Receiving: after each frame from the peer is processed, an `ack` for the highest seq
// processed goes out within kAckDelayMs (several frames share one ack); a gap asks for a `resend`
// from the expected seq, at most once per kResendIntervalMs for the same seq so that a burst of
// out-of-order frames does not become a burst of requests.
//
// Not thread-safe. Holds ciphertext only, never keys or plaintext.

import { encodeEnvelope } from '../e2e/envelope';
import type { Clock, TimerHandle } from './clock';

export const kAckDelayMs = 150;
export const kResendIntervalMs = 1000;
/** Frames resent at once, and then a second (§10: within the smallest resend budget, 50/s burst 100). */
export const kResendBatch = 50;
export const kResendPaceMs = 1000;

/** Sends one binary message; false when the socket is not open (the frame stays kept). */
export type BinarySink = (bytes: Uint8Array) => boolean;

interface KeptFrame {
  readonly seq: number;
  readonly payload: Uint8Array;
}

export class LegDelivery {
  private readonly kept_: KeptFrame[] = [];
  private nextSeq_ = 1;
  private ackTimer_: TimerHandle | null = null;
  private ackUpTo_ = 0;
  private lastAckSent_ = 0;
  private lastResendSeq_ = 0;
  private lastResendAtMs_ = -Infinity;
  private disposed_ = false;
  private acknowledged_ = 0;
  private resendTimer_: TimerHandle | null = null;
  /** The next kept frame to resend once the pace allows: resending goes on from here. */
  private resendNext_: number | null = null;

  constructor(
    readonly chatId: Uint8Array,
    readonly leg: number,
    private readonly sink_: BinarySink,
    private readonly clock_: Clock,
  ) {}

  /** The seq the next pushed frame must carry. */
  get nextSeq(): number {
    return this.nextSeq_;
  }

  /** Frames sent but not yet acknowledged. */
  get unacknowledged(): number {
    return this.kept_.length;
  }

  /**
   * Keeps `payload` as frame `seq` of the leg and sends it if the socket is open. `seq` must be
   * the next in order (the stream bound it into its associated data); throws otherwise.
   */
  push(seq: number, payload: Uint8Array): void {
    if (this.disposed_) return;
    if (seq !== this.nextSeq_) throw new RangeError(`frame ${seq} pushed, ${this.nextSeq_} expected`);
    this.nextSeq_ = seq + 1;
    const frame = { seq, payload };
    this.kept_.push(frame);
    this.transmit(frame);
  }

  /** The highest seq the peer has acknowledged (0 before any ack). */
  get acknowledgedSeq(): number {
    return this.acknowledged_;
  }

  /** The peer has every frame up to `seq`: forget them. */
  acknowledged(seq: number): void {
    this.acknowledged_ = Math.max(this.acknowledged_, Math.min(seq, this.nextSeq_ - 1));
    while (this.kept_.length > 0 && (this.kept_[0]?.seq ?? Infinity) <= seq) this.kept_.shift();
  }

  /** Sends every kept frame from `seq` on again, oldest first (`resend`), kResendBatch a second. */
  resendFrom(seq: number): void {
    if (this.disposed_) return;
    // A resend already under way from an earlier seq covers this one; an earlier start (a
    // reconnect: a new connection, a new budget) begins at once.
    if (this.resendNext_ !== null && this.resendNext_ <= seq) return;
    this.resendNext_ = seq;
    if (this.resendTimer_ !== null) this.clock_.clearTimeout(this.resendTimer_);
    this.resendBatch();
  }

  /** Sends every kept frame again (after a reconnect, or `peer` connected). */
  resendAll(): void {
    this.resendFrom(1);
  }

  /**
   * The peer's frames up to `seq` are processed (or a duplicate arrived): acknowledge within
   * kAckDelayMs, coalescing with any ack already scheduled. A duplicate is acknowledged again even
   * if that ack went out before: the peer resent because it never got it (§7.5).
   */
  received(seq: number, duplicate = false): void {
    if (this.disposed_ || seq < 1) return;
    if (duplicate) this.lastAckSent_ = 0;
    this.ackUpTo_ = Math.max(this.ackUpTo_, seq);
    if (this.ackTimer_ !== null) return;
    this.ackTimer_ = this.clock_.setTimeout(() => {
      this.ackTimer_ = null;
      this.sendAck();
    }, kAckDelayMs);
  }

  /** A frame after a gap arrived: ask for the peer's frames from `expectedSeq` again. */
  gap(expectedSeq: number): void {
    if (this.disposed_) return;
    const now = this.clock_.nowMs();
    if (expectedSeq === this.lastResendSeq_ && now - this.lastResendAtMs_ < kResendIntervalMs) return;
    const sent = this.sink_(encodeEnvelope({ type: 'resend', chatId: this.chatId, leg: this.leg, seq: expectedSeq }));
    if (!sent) return;
    this.lastResendSeq_ = expectedSeq;
    this.lastResendAtMs_ = now;
  }

  /** After a reconnect the peer may have missed the last ack: send it again now. */
  reacknowledge(): void {
    this.lastAckSent_ = 0;
    if (this.ackTimer_ !== null) this.clock_.clearTimeout(this.ackTimer_);
    this.ackTimer_ = null;
    this.sendAck();
  }

  /** Sends a pending ack at once (before leaving the leg). */
  flush(): void {
    if (this.ackTimer_ === null) return;
    this.clock_.clearTimeout(this.ackTimer_);
    this.ackTimer_ = null;
    this.sendAck();
  }

  /** Forgets everything (leg over, chat over, quick exit). */
  dispose(): void {
    this.disposed_ = true;
    if (this.ackTimer_ !== null) this.clock_.clearTimeout(this.ackTimer_);
    this.ackTimer_ = null;
    if (this.resendTimer_ !== null) this.clock_.clearTimeout(this.resendTimer_);
    this.resendTimer_ = null;
    this.resendNext_ = null;
    this.kept_.length = 0;
  }

  private sendAck(): void {
    if (this.disposed_ || this.ackUpTo_ < 1 || this.ackUpTo_ === this.lastAckSent_) return;
    const sent = this.sink_(encodeEnvelope({ type: 'ack', chatId: this.chatId, leg: this.leg, seq: this.ackUpTo_ }));
    if (sent) this.lastAckSent_ = this.ackUpTo_;
  }

  private resendBatch(): void {
    this.resendTimer_ = null;
    const from = this.resendNext_;
    if (this.disposed_ || from === null) return;
    let sent = 0;
    for (const frame of this.kept_) {
      if (frame.seq < from) continue;
      if (sent === kResendBatch) {
        this.resendNext_ = frame.seq;
        this.resendTimer_ = this.clock_.setTimeout(() => this.resendBatch(), kResendPaceMs);
        return;
      }
      if (!this.transmit(frame)) break; // the socket is gone: the next reconnect resends
      sent++;
    }
    this.resendNext_ = null;
  }

  private transmit(frame: KeptFrame): boolean {
    return this.sink_(encodeEnvelope({ type: 'data', chatId: this.chatId, leg: this.leg, seq: frame.seq, payload: frame.payload }));
  }
}
