// ISO/IEC 7816-4 padding to 256-byte blocks, byte-for-byte what C libsodium's sodium_pad and
// sodium_unpad do with block size 256 (protocol.md §7.3). It lives here because the protocol
// cannot rely on every libsodium.js build exposing sodium_pad.
//
//   padded = message ‖ 0x80 ‖ 0x00*   with length (floor(len / 256) + 1) × 256

import { fail, ok, type Result } from './errors';

export const kPaddingBlock = 256;

/** Pads `message` (§7.3). Always adds at least one byte; the result is a new array. */
export function pad(message: Uint8Array): Uint8Array {
  const padded = new Uint8Array((Math.floor(message.length / kPaddingBlock) + 1) * kPaddingBlock);
  padded.set(message, 0);
  padded[message.length] = 0x80;
  return padded;
}

/**
 * The message inside `padded` (a view into it, not a copy), or `bad_padding` unless the length
 * is a positive multiple of 256 and the last non-zero byte is 0x80 within the last 256 bytes.
 * Not constant time, unlike sodium_unpad: its input is plaintext that has already been
 * authenticated as coming from the peer, so the timing tells an observer nothing new.
 */
export function unpad(padded: Uint8Array): Result<Uint8Array> {
  if (padded.length === 0 || padded.length % kPaddingBlock !== 0) {
    return fail('bad_padding', 'length is not a positive multiple of 256');
  }
  const lastBlockStart = padded.length - kPaddingBlock;
  for (let i = padded.length - 1; i >= lastBlockStart; i--) {
    const byte = padded[i];
    if (byte === 0x00) continue;
    if (byte === 0x80) return ok(padded.subarray(0, i));
    return fail('bad_padding', 'the last non-zero byte is not 0x80');
  }
  return fail('bad_padding', 'no 0x80 in the last block');
}
