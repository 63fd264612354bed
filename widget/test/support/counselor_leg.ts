// The counselor's end of one leg, for tests: answers the visitor's offer, pulls the v2c stream,
// encrypts c2v messages, and numbers and acknowledges frames as protocol.md §6 and §10 say.
// Used by the unit tests (against the visitor's ChatSession) and by the scripted counselor
// client of the browser tests.

import {
  CounselorHandshake,
  type CounselorIdentity,
  type Envelope,
  type Message,
  type Sodium,
  type StreamReceiver,
} from '../../src/e2e/index';

export type Outgoing = Envelope;

export class CounselorLeg {
  private handshake_: CounselorHandshake | null = null;
  private receiver_: StreamReceiver | null = null;
  private readonly sent_ = new Map<number, Uint8Array>();
  private acceptSent_ = false;
  readonly received: Message[] = [];
  /** The highest v2c seq processed (for acks). */
  processedSeq = 0;

  constructor(
    private readonly sodium_: Sodium,
    private readonly identity_: CounselorIdentity,
    readonly chatId: Uint8Array,
    readonly leg: number,
    private readonly nowSeconds_: () => number,
  ) {}

  get verificationCode(): string | null {
    return this.handshake_?.code ?? null;
  }

  get established(): boolean {
    return this.receiver_ !== null;
  }

  /**
   * Handles one v2c data frame. Returns what the counselor sends back (the accept, an ack), and
   * throws on anything a correct visitor would never send.
   */
  onData(seq: number, payload: Uint8Array): Outgoing[] {
    const out: Outgoing[] = [];
    if (seq === 1) {
      if (this.handshake_ === null) {
        const answered = CounselorHandshake.answer(this.sodium_, payload, { chatId: this.chatId, leg: this.leg }, this.identity_, this.nowSeconds_());
        if (!answered.ok) throw new Error(`offer refused: ${answered.error.code}`);
        this.handshake_ = answered.value;
      }
      this.processedSeq = Math.max(this.processedSeq, 1);
      if (!this.acceptSent_) {
        this.acceptSent_ = true;
        this.sent_.set(1, this.handshake_.accept);
      }
      out.push(this.data(1, this.handshake_.accept));
    } else if (seq === 2) {
      if (this.handshake_ === null) return [];
      if (this.receiver_ === null) {
        const started = this.handshake_.receiveStreamStart(payload);
        if (!started.ok) throw new Error(`stream_start refused: ${started.error.code}`);
        this.receiver_ = started.value;
      }
      this.processedSeq = Math.max(this.processedSeq, 2);
    } else if (this.receiver_ !== null) {
      const result = this.receiver_.receive(seq, payload);
      if (result.ok) {
        this.received.push(result.value.message);
        this.processedSeq = seq;
      } else if (result.error.code === 'frame_gap') {
        out.push({ type: 'resend', chatId: this.chatId, leg: this.leg, seq: this.receiver_.nextSeq });
        return out;
      } else if (result.error.code !== 'duplicate_frame') {
        throw new Error(`v2c frame ${seq}: ${result.error.code}`);
      }
    }
    out.push({ type: 'ack', chatId: this.chatId, leg: this.leg, seq: this.processedSeq });
    return out;
  }

  /** Encrypts `message` as the next c2v frame. */
  send(message: Message): Outgoing {
    const sender = this.handshake_?.sender;
    if (sender === undefined) throw new Error('no c2v stream before the offer');
    const frame = sender.send(message, this.nowSeconds_());
    if (!frame.ok) throw new Error(`send: ${frame.error.code}`);
    this.sent_.set(frame.value.seq, frame.value.frame);
    return this.data(frame.value.seq, frame.value.frame);
  }

  text(text: string): Outgoing {
    return this.send({ kind: 'text', sentAtMs: BigInt(Math.floor(this.nowSeconds_() * 1000)), text });
  }

  /** The frames from `seq` on, byte for byte (a `resend`). */
  framesFrom(seq: number): Outgoing[] {
    return [...this.sent_.entries()].filter(([at]) => at >= seq).sort(([a], [b]) => a - b).map(([at, bytes]) => this.data(at, bytes));
  }

  acknowledged(seq: number): void {
    for (const at of [...this.sent_.keys()]) if (at <= seq) this.sent_.delete(at);
  }

  private data(seq: number, payload: Uint8Array): Outgoing {
    return { type: 'data', chatId: this.chatId, leg: this.leg, seq, payload };
  }
}
