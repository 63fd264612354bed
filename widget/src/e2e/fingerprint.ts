// The Org Root Key fingerprint (protocol.md §3.2): what partner sites publish in the embed
// snippet and what people compare by eye.
//
//   Fingerprint(root_pk) = H("Haven-E2E v1 fingerprint\0" ‖ root_pk)[0..16)

import { toHex } from './bytes';
import { kLabelFingerprint } from './labels';
import { hash, kSignPublicKeyBytes, type Sodium } from './sodium';

/** The fingerprint of `rootPublicKey` as 32 lowercase hex digits. */
export function fingerprint(sodium: Sodium, rootPublicKey: Uint8Array): string {
  if (rootPublicKey.length !== kSignPublicKeyBytes) throw new RangeError('root public key must be 32 bytes');
  return toHex(hash(sodium, kLabelFingerprint, rootPublicKey).subarray(0, 16));
}

/** The 32-digit fingerprint in eight groups of four, for people: "3f2a 9c01 …". */
export function formatFingerprint(digits: string): string {
  return (digits.match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * True only when `published` (the embed snippet's data-org-fingerprint) is exactly the 32
 * lowercase hex digits of `rootPublicKey`'s fingerprint. Anything else, including spaces or
 * upper case, is a mismatch: the widget then refuses the root key (fail closed).
 */
export function fingerprintMatches(sodium: Sodium, rootPublicKey: Uint8Array, published: string): boolean {
  return published === fingerprint(sodium, rootPublicKey);
}
