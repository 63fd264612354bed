// The plaintext message grammar inside a stream frame (protocol.md §7.2), before padding.
//
//   message    = kind:u8 sent_at_ms:u64 body
//   kind 0x01 text      body = 1..4000 bytes of UTF-8
//   kind 0x02 transfer  body = next_leg:u16 len:u16 certificate[len]   ; counselor → visitor only
//   kind 0x03 end       body = reason:u8       ; 0x01 ended by the sender, 0x02 transferred away,
//                                               ; 0x03 left at once (quick exit; visitor only)
//   kind 0x04 history   body = entry+          ; visitor → counselor only (§8.2)
//   entry = from:u8 sent_at_ms:u64 len:u16 text[len]   ; from 0x01 the visitor, 0x02 a counselor
//
// Every failure to parse is `bad_message`: by the time a message is parsed it has been
// authenticated, so a bad one means the peer is broken, not that the bytes were damaged.

import { concat, parseAll, u16, u64, u8, utf8, type Reader } from './bytes';
import { kCertificateMaxBytes, kCertificateMinBytes } from './certificate';
import { fail, ok, type Result } from './errors';
import { kLegMax, type Direction } from './ids';

export const kKindText = 0x01;
export const kKindTransfer = 0x02;
export const kKindEnd = 0x03;
export const kKindHistory = 0x04;
export const kTextMaxBytes = 4000;
/** A whole message before padding: padding adds at least one byte to at most 4096 (§7.3). */
export const kMessageMaxBytes = 4095;
/** What a history message costs before its entries (kind and sent_at_ms), and each entry. */
export const kHistoryHeadBytes = 9;
export const kHistoryEntryOverheadBytes = 11;

export const kEndReasons = { ended: 0x01, transferred: 0x02, quick_exit: 0x03 } as const;
export type EndReason = keyof typeof kEndReasons;

export const kHistorySpeakers = { visitor: 0x01, counselor: 0x02 } as const;
export type HistorySpeaker = keyof typeof kHistorySpeakers;
export interface HistoryEntry {
  readonly from: HistorySpeaker;
  readonly sentAtMs: bigint;
  readonly text: string;
}

export type Message =
  | { readonly kind: 'text'; readonly sentAtMs: bigint; readonly text: string }
  | { readonly kind: 'transfer'; readonly sentAtMs: bigint; readonly nextLeg: number; readonly certificate: Uint8Array }
  | { readonly kind: 'end'; readonly sentAtMs: bigint; readonly reason: EndReason }
  | { readonly kind: 'history'; readonly sentAtMs: bigint; readonly entries: readonly HistoryEntry[] };

const kStrictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Encodes `message` for sending in `direction`. Fails with `message_too_long` for text over 4000
 * UTF-8 bytes, `bad_message` for a transfer from the visitor, and `malformed` for other values
 * the grammar cannot carry (empty text, a leg or certificate out of range).
 */
export function encodeMessage(message: Message, direction: Direction): Result<Uint8Array> {
  if (message.sentAtMs < 0n || message.sentAtMs >= 1n << 64n) return fail('malformed', 'sent_at_ms range');
  const head = (kind: number): Uint8Array => concat(u8(kind), u64(message.sentAtMs));
  switch (message.kind) {
    case 'text': {
      const body = utf8(message.text);
      if (body.length === 0) return fail('bad_message', 'empty text');
      if (body.length > kTextMaxBytes) return fail('message_too_long');
      return ok(concat(head(kKindText), body));
    }
    case 'transfer': {
      if (direction !== 'c2v') return fail('bad_message', 'only the counselor transfers');
      if (!Number.isInteger(message.nextLeg) || message.nextLeg < 0 || message.nextLeg > kLegMax) {
        return fail('malformed', 'next leg');
      }
      const length = message.certificate.length;
      if (length < kCertificateMinBytes || length > kCertificateMaxBytes) return fail('malformed', 'certificate length');
      return ok(concat(head(kKindTransfer), u16(message.nextLeg), u16(length), message.certificate));
    }
    case 'end':
      if (message.reason === 'quick_exit' && direction !== 'v2c') return fail('bad_message', 'only the visitor quick-exits');
      return ok(concat(head(kKindEnd), u8(kEndReasons[message.reason])));
    case 'history': {
      if (direction !== 'v2c') return fail('bad_message', 'only the visitor shares its history');
      if (message.entries.length === 0) return fail('malformed', 'empty history');
      const parts = [head(kKindHistory)];
      for (const entry of message.entries) {
        const text = utf8(entry.text);
        if (text.length === 0) return fail('malformed', 'empty text');
        if (text.length > kTextMaxBytes) return fail('message_too_long');
        if (entry.sentAtMs < 0n || entry.sentAtMs >= 1n << 64n) return fail('malformed', 'sent_at_ms range');
        parts.push(u8(kHistorySpeakers[entry.from]), u64(entry.sentAtMs), u16(text.length), text);
      }
      const bytes = concat(...parts);
      return bytes.length > kMessageMaxBytes ? fail('message_too_long') : ok(bytes);
    }
  }
}

/** The UTF-8 size one history entry with `text` adds to a history message. */
export function historyEntryBytes(text: string): number {
  return kHistoryEntryOverheadBytes + utf8(text).length;
}

function readMessage(reader: Reader, direction: Direction): Result<Message> {
  const kind = reader.u8();
  const sentAtMs = reader.u64();
  switch (kind) {
    case kKindText: {
      const body = reader.rest();
      if (body.length === 0 || body.length > kTextMaxBytes) return fail('bad_message', 'text length');
      try {
        return ok({ kind: 'text', sentAtMs, text: kStrictUtf8.decode(body) });
      } catch {
        return fail('bad_message', 'text is not UTF-8');
      }
    }
    case kKindTransfer: {
      if (direction !== 'c2v') return fail('bad_message', 'transfer from the visitor');
      const nextLeg = reader.u16();
      const length = reader.u16();
      if (length < kCertificateMinBytes || length > kCertificateMaxBytes) return fail('bad_message', 'certificate length');
      return ok({ kind: 'transfer', sentAtMs, nextLeg, certificate: reader.bytes(length) });
    }
    case kKindEnd: {
      const reasonByte = reader.u8();
      if (reasonByte === kEndReasons.ended) return ok({ kind: 'end', sentAtMs, reason: 'ended' });
      if (reasonByte === kEndReasons.transferred) return ok({ kind: 'end', sentAtMs, reason: 'transferred' });
      if (reasonByte === kEndReasons.quick_exit && direction === 'v2c') return ok({ kind: 'end', sentAtMs, reason: 'quick_exit' });
      return fail('bad_message', 'end reason');
    }
    case kKindHistory: {
      if (direction !== 'v2c') return fail('bad_message', 'history from a counselor');
      const entries: HistoryEntry[] = [];
      while (reader.remaining > 0) {
        const fromByte = reader.u8();
        const entrySentAtMs = reader.u64();
        const length = reader.u16();
        const from = fromByte === kHistorySpeakers.visitor ? 'visitor' : fromByte === kHistorySpeakers.counselor ? 'counselor' : null;
        if (from === null) return fail('bad_message', 'history speaker');
        if (length === 0 || length > kTextMaxBytes) return fail('bad_message', 'history text length');
        const body = reader.bytes(length);
        try {
          entries.push({ from, sentAtMs: entrySentAtMs, text: kStrictUtf8.decode(body) });
        } catch {
          return fail('bad_message', 'history text is not UTF-8');
        }
      }
      if (entries.length === 0) return fail('bad_message', 'empty history');
      return ok({ kind: 'history', sentAtMs, entries });
    }
    default:
      return fail('bad_message', `unknown kind ${kind}`);
  }
}

/** Parses a message received in `direction`; every failure is `bad_message`. */
export function parseMessage(bytes: Uint8Array, direction: Direction): Result<Message> {
  const parsed = parseAll(bytes, (reader) => readMessage(reader, direction));
  if (!parsed.ok && parsed.error.code !== 'bad_message') return fail('bad_message', parsed.error.detail ?? parsed.error.code);
  return parsed;
}
