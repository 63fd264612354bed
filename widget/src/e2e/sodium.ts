// The libsodium.js API as the E2E module sees it, and the two hash primitives of protocol.md §2.
//
// Every E2E function takes the sodium instance as a parameter instead of importing one: the
// widget passes the standard `libsodium-wrappers` build and the console the sumo build (it needs
// crypto_pwhash). The instance must have resolved `ready` before it is passed.

import type sodiumDefault from 'libsodium-wrappers';
import { concat } from './bytes';

export type Sodium = typeof sodiumDefault;

/** libsodium.js's opaque handle of a secretstream state (a wasm heap address at run time). */
export type StreamState = ReturnType<Sodium['crypto_secretstream_xchacha20poly1305_init_pull']>;

export const kHashBytes = 32;
export const kSignPublicKeyBytes = 32;
export const kSignSeedBytes = 32;
export const kSignatureBytes = 64;
export const kKxPublicKeyBytes = 32;
export const kKxSeedBytes = 32;
export const kStreamHeaderBytes = 24;
export const kStreamOverheadBytes = 17;

/** H(m): unkeyed BLAKE2b-256 of the concatenated parts (§2). */
export function hash(sodium: Sodium, ...parts: readonly Uint8Array[]): Uint8Array {
  return sodium.crypto_generichash(kHashBytes, concat(...parts), null);
}

/** H_k(k, m): BLAKE2b-256 keyed with the 32-byte `key` (§2). */
export function keyedHash(sodium: Sodium, key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  if (key.length !== 32) throw new RangeError('H_k needs a 32-byte key');
  return sodium.crypto_generichash(kHashBytes, concat(...parts), key);
}

/**
 * True when `sodium` has crypto_pwhash. The standard build's type declarations list it, but only
 * the sumo build has it at run time, so callers that need it must check.
 */
export function hasPwhash(sodium: Sodium): boolean {
  return typeof (sodium as Partial<Sodium>).crypto_pwhash === 'function';
}

/** Wipes each array in place; the caller must not use them afterwards. */
export function wipe(sodium: Sodium, ...secrets: readonly Uint8Array[]): void {
  for (const secret of secrets) sodium.memzero(secret);
}
