// One direction of one leg as a crypto_secretstream_xchacha20poly1305 stream (protocol.md §6–§7):
// StreamSender pads, binds and encrypts messages and chooses their tags; StreamReceiver applies
// the receiver rules of §7.5. Neither does I/O or reads a clock: the caller passes the time.
//
//   ad    = "Haven-E2E v1 frame\0" ‖ chat_id ‖ u16(leg) ‖ u8(direction) ‖ u32(seq)
//   frame = Stream.push(pad(message), ad, tag)
//
// Not thread-safe (nothing in a browser tab needs it to be). A sender's frames must be kept by
// the caller until acknowledged and resent byte for byte: re-encrypting would advance the stream.

import { concat, u16, u32, u8 } from './bytes';
import { fail, ok, type Result } from './errors';
import { checkChatAndLeg, directionByte, firstCiphertextSeq, type Direction } from './ids';
import { kLabelFrame } from './labels';
import { encodeMessage, parseMessage, type Message } from './message';
import { pad, unpad } from './padding';
import { kStreamHeaderBytes, type Sodium, type StreamState } from './sodium';

export const kTagMessage = 0x00;
export const kTagPush = 0x01;
export const kTagRekey = 0x02;
export const kTagFinal = 0x03;
export type StreamTag = typeof kTagMessage | typeof kTagRekey | typeof kTagFinal;

/** A REKEY tag goes on the 16th message since the stream started or last rekeyed... */
export const kRekeyEveryMessages = 16;
/** ...or on the first message once this many seconds have passed since then (§7.4). */
export const kRekeyEverySeconds = 300;

const kSeqMax = 0xffffffff;
const kStreamKeyBytes = 32;

/** Where a stream belongs; every frame's associated data names it (§7.1). */
export interface StreamBinding {
  readonly chatId: Uint8Array;
  readonly leg: number;
  readonly direction: Direction;
}

/** The associated data of the frame at `seq` of `binding` (§7.1). */
export function frameAssociatedData(binding: StreamBinding, seq: number): Uint8Array {
  return concat(kLabelFrame, binding.chatId, u16(binding.leg), u8(directionByte(binding.direction)), u32(seq));
}

/** One encrypted frame, to be sent now and kept for retransmission until acknowledged. */
export interface SentFrame {
  readonly seq: number;
  readonly tag: StreamTag;
  readonly frame: Uint8Array;
}

/** One delivered message. */
export interface ReceivedMessage {
  readonly seq: number;
  readonly tag: StreamTag;
  readonly message: Message;
}

function checkBinding(binding: StreamBinding, key: Uint8Array): void {
  checkChatAndLeg(binding.chatId, binding.leg);
  if (key.length !== kStreamKeyBytes) throw new RangeError('stream key must be 32 bytes');
}

// libsodium.js offers no way to free or wipe a secretstream state on the wasm heap. Rekeying it
// replaces its key by a one-way function of itself, so what stays behind decrypts nothing sent.
function retireState(sodium: Sodium, state: StreamState): void {
  sodium.crypto_secretstream_xchacha20poly1305_rekey(state);
}

/**
 * Encrypts one direction of one leg. Construct it with the stream key when the handshake has
 * derived it; send `header` in the accept (c2v) or stream_start (v2c).
 */
export class StreamSender {
  /** The 24-byte secretstream header the receiver needs. */
  readonly header: Uint8Array;

  private readonly state_: StreamState;
  private nextSeq_: number;
  private messagesSinceRekey_ = 0;
  private lastRekeyAt_: number;
  private finished_ = false;

  /**
   * Starts the stream at `nowSeconds` (the caller's clock, seconds, may be fractional). Takes
   * ownership of `key` and wipes it. Throws RangeError on a malformed binding or key.
   */
  constructor(
    private readonly sodium_: Sodium,
    key: Uint8Array,
    private readonly binding_: StreamBinding,
    nowSeconds: number,
  ) {
    checkBinding(binding_, key);
    const started = sodium_.crypto_secretstream_xchacha20poly1305_init_push(key);
    sodium_.memzero(key);
    this.state_ = started.state;
    this.header = started.header;
    this.nextSeq_ = firstCiphertextSeq(binding_.direction);
    this.lastRekeyAt_ = nowSeconds;
  }

  /** The seq the next frame will carry. */
  get nextSeq(): number {
    return this.nextSeq_;
  }

  /** True once `end` was sent (FINAL) or the sender was disposed. */
  get finished(): boolean {
    return this.finished_;
  }

  /**
   * Encrypts `message` as the next frame, with the tag §7.4 prescribes at `nowSeconds`: FINAL
   * for `end` (and nothing may follow), REKEY on the 16th message since the last rekey or once
   * 300 s have passed, MESSAGE otherwise. Fails with `stream_finished` after FINAL, and with
   * encodeMessage's codes (the stream is then untouched, so the caller may send something else).
   */
  send(message: Message, nowSeconds: number): Result<SentFrame> {
    if (this.finished_) return fail('stream_finished');
    if (this.nextSeq_ > kSeqMax) throw new RangeError('seq space of the leg exhausted');
    const encoded = encodeMessage(message, this.binding_.direction);
    if (!encoded.ok) return encoded;

    let tag: StreamTag;
    if (message.kind === 'end') {
      tag = kTagFinal;
    } else {
      const ordinal = this.messagesSinceRekey_ + 1;
      const due = ordinal >= kRekeyEveryMessages || nowSeconds - this.lastRekeyAt_ >= kRekeyEverySeconds;
      tag = due ? kTagRekey : kTagMessage;
    }

    const seq = this.nextSeq_;
    const padded = pad(encoded.value);
    const frame = this.sodium_.crypto_secretstream_xchacha20poly1305_push(
      this.state_,
      padded,
      frameAssociatedData(this.binding_, seq),
      tag,
    );
    this.sodium_.memzero(padded);
    this.sodium_.memzero(encoded.value);

    this.nextSeq_ = seq + 1;
    if (tag === kTagFinal) {
      this.finished_ = true;
      retireState(this.sodium_, this.state_);
    } else if (tag === kTagRekey) {
      this.messagesSinceRekey_ = 0;
      this.lastRekeyAt_ = nowSeconds;
    } else {
      this.messagesSinceRekey_ += 1;
    }
    return ok({ seq, tag, frame });
  }

  /** Makes the remaining state useless (quick exit, leg over). Later sends fail. */
  dispose(): void {
    if (!this.finished_) retireState(this.sodium_, this.state_);
    this.finished_ = true;
  }
}

function tagOf(value: number): StreamTag | null {
  return value === kTagMessage || value === kTagRekey || value === kTagFinal ? value : null;
}

/**
 * Decrypts one direction of one leg and enforces §7.5. Frames arrive with the seq of their
 * envelope; the receiver keeps `nextSeq`, the seq it expects (3 for v2c, 2 for c2v).
 */
export class StreamReceiver {
  private readonly state_: StreamState;
  private nextSeq_: number;
  private finished_ = false;
  private broken_: 'bad_padding' | 'bad_message' | null = null;
  private disposed_ = false;

  /** Takes ownership of `key` and wipes it. Throws RangeError on a malformed binding, key or header. */
  constructor(
    private readonly sodium_: Sodium,
    key: Uint8Array,
    header: Uint8Array,
    private readonly binding_: StreamBinding,
  ) {
    checkBinding(binding_, key);
    if (header.length !== kStreamHeaderBytes) throw new RangeError('stream header must be 24 bytes');
    this.state_ = sodium_.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
    sodium_.memzero(key);
    this.nextSeq_ = firstCiphertextSeq(binding_.direction);
  }

  /** The seq of the next frame expected: ask for a resend from here after a gap. */
  get nextSeq(): number {
    return this.nextSeq_;
  }

  /** The highest seq processed, for a cumulative ack (§10). */
  get acknowledgedSeq(): number {
    return this.nextSeq_ - 1;
  }

  /** True once a valid FINAL (`end`) was delivered. */
  get finished(): boolean {
    return this.finished_;
  }

  /**
   * Handles the frame at `seq` (§7.5). Returns the message, or: `stream_finished` after FINAL;
   * `duplicate_frame` (acknowledge again) for seq < nextSeq; `frame_gap` (ask for a resend from
   * nextSeq) for seq > nextSeq; `decrypt_failed` with the state untouched, so the genuine frame
   * still decrypts; `bad_padding` or `bad_message` when the authenticated content is invalid,
   * after which the stream is dead and every later frame gets that same code.
   */
  receive(seq: number, frame: Uint8Array): Result<ReceivedMessage> {
    if (this.broken_ !== null) return fail('bad_message', 'the stream was dropped');
    // A duplicate is reported as such even after FINAL, so the caller acknowledges it again.
    if (seq < this.nextSeq_) return fail('duplicate_frame');
    if (this.finished_ || this.disposed_) return fail('stream_finished');
    if (seq > this.nextSeq_) return fail('frame_gap');

    let pulled: { message: Uint8Array; tag: number } | false;
    try {
      pulled = this.sodium_.crypto_secretstream_xchacha20poly1305_pull(
        this.state_,
        frame,
        frameAssociatedData(this.binding_, seq),
      );
    } catch {
      // libsodium.js throws (rather than returning false) for frames shorter than the overhead.
      return fail('decrypt_failed', 'frame rejected by libsodium');
    }
    if (pulled === false) return fail('decrypt_failed');

    const delivered = this.interpret(seq, pulled.message, pulled.tag);
    this.sodium_.memzero(pulled.message);
    if (!delivered.ok) {
      this.broken_ = delivered.error.code === 'bad_padding' ? 'bad_padding' : 'bad_message';
      retireState(this.sodium_, this.state_);
      return delivered;
    }
    this.nextSeq_ = seq + 1;
    if (delivered.value.tag === kTagFinal) {
      this.finished_ = true;
      retireState(this.sodium_, this.state_);
    }
    return delivered;
  }

  /**
   * Called when the leg is over (the peer is gone for good or the chat ended): `truncated` unless
   * FINAL arrived, so the UI can say the conversation was cut off rather than ended (§7.5).
   */
  end(): Result<true> {
    return this.finished_ ? ok(true) : fail('truncated');
  }

  /** Makes the remaining state useless (quick exit, leg over). Later frames get stream_finished. */
  dispose(): void {
    if (!this.finished_ && this.broken_ === null && !this.disposed_) retireState(this.sodium_, this.state_);
    this.disposed_ = true;
  }

  private interpret(seq: number, padded: Uint8Array, rawTag: number): Result<ReceivedMessage> {
    const unpadded = unpad(padded);
    if (!unpadded.ok) return unpadded;
    const parsed = parseMessage(unpadded.value, this.binding_.direction);
    if (!parsed.ok) return parsed;
    const tag = tagOf(rawTag);
    if (tag === null) return fail('bad_message', `tag ${rawTag}`);
    if ((parsed.value.kind === 'end') !== (tag === kTagFinal)) return fail('bad_message', 'end must be, and only end may be, FINAL');
    return ok({ seq, tag, message: parsed.value });
  }
}
