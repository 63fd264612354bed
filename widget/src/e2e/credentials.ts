// Counselor credentials (protocol.md §13): the console turns the passphrase into a login key for
// the server and a wrap key that never leaves the browser, and keeps the identity seed wrapped.
//
//   master           = Pwhash(32, passphrase, salt[16], opslimit 3, memlimit 64 MiB, ARGON2ID13)
//   login_key        = Kdf(master, 1, "HVNlogin")
//   wrap_key         = Kdf(master, 2, "HVNwrap_")
//   wrapped_identity = nonce[24] ‖ Aead(wrap_key, nonce, "Haven-E2E v1 identity wrap\0" ‖ handle, seed[32])
//
// Needs crypto_pwhash, which only the sumo build of libsodium.js has: pass that instance.

import { concat, utf8 } from './bytes';
import { isValidHandle } from './certificate';
import { fail, ok, type Result } from './errors';
import { kLabelIdentityWrap } from './labels';
import { hasPwhash, kSignSeedBytes, type Sodium } from './sodium';

export const kCredentialSaltBytes = 16;
export const kCredentialOpslimit = 3;
export const kCredentialMemlimit = 64 * 1024 * 1024;
export const kWrappedIdentityBytes = 24 + kSignSeedBytes + 16;

const kKeyBytes = 32;
const kNonceBytes = 24;

export interface CredentialKeys {
  /** Sent to the server as the login proof. */
  readonly loginKey: Uint8Array;
  /** Never leaves the browser. */
  readonly wrapKey: Uint8Array;
}

/**
 * Derives login_key and wrap_key from the passphrase (its UTF-8 bytes after NFC normalisation,
 * so the same passphrase typed on another keyboard gives the same keys) and the enrolment salt. The master key is wiped before returning; so is the
 * passphrase when it was passed as bytes. Throws if `sodium` lacks crypto_pwhash (not the sumo
 * build) or the salt is not 16 bytes. Takes about a second and 64 MiB by design.
 */
export function deriveCredentialKeys(sodium: Sodium, passphrase: string | Uint8Array, salt: Uint8Array): CredentialKeys {
  if (!hasPwhash(sodium)) throw new Error('deriveCredentialKeys needs the sumo build of libsodium.js (crypto_pwhash)');
  if (salt.length !== kCredentialSaltBytes) throw new RangeError('salt must be 16 bytes');
  const passphraseBytes = typeof passphrase === 'string' ? utf8(passphrase.normalize('NFC')) : passphrase;
  const master = sodium.crypto_pwhash(
    kKeyBytes,
    passphraseBytes,
    salt,
    kCredentialOpslimit,
    kCredentialMemlimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  sodium.memzero(passphraseBytes);
  const keys = {
    loginKey: sodium.crypto_kdf_derive_from_key(kKeyBytes, 1, 'HVNlogin', master),
    wrapKey: sodium.crypto_kdf_derive_from_key(kKeyBytes, 2, 'HVNwrap_', master),
  };
  sodium.memzero(master);
  return keys;
}

function wrapAssociatedData(handle: string): Uint8Array {
  return concat(kLabelIdentityWrap, utf8(handle));
}

/**
 * Wraps the 32-byte identity seed for storage on the server under the counselor's `handle`.
 * `nonce` is for test vectors only; real calls omit it and get a random one. Throws RangeError
 * on a bad handle or sizes.
 */
export function wrapIdentitySeed(
  sodium: Sodium,
  wrapKey: Uint8Array,
  handle: string,
  seed: Uint8Array,
  nonce: Uint8Array = sodium.randombytes_buf(kNonceBytes),
): Uint8Array {
  if (!isValidHandle(handle)) throw new RangeError('invalid handle');
  if (seed.length !== kSignSeedBytes || wrapKey.length !== kKeyBytes || nonce.length !== kNonceBytes) {
    throw new RangeError('wrong key, seed or nonce size');
  }
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(seed, wrapAssociatedData(handle), null, nonce, wrapKey);
  return concat(nonce, sealed);
}

/**
 * Opens a wrapped identity seed: `malformed` for a wrong size or handle, `wrong_passphrase` when
 * the wrap key (so the passphrase) or the handle does not match, or the seed (caller wipes it).
 */
export function unwrapIdentitySeed(sodium: Sodium, wrapKey: Uint8Array, handle: string, wrapped: Uint8Array): Result<Uint8Array> {
  if (!isValidHandle(handle) || wrapped.length !== kWrappedIdentityBytes || wrapKey.length !== kKeyBytes) {
    return fail('malformed', 'wrapped identity size or handle');
  }
  try {
    const seed = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      wrapped.subarray(kNonceBytes),
      wrapAssociatedData(handle),
      wrapped.subarray(0, kNonceBytes),
      wrapKey,
    );
    return ok(seed);
  } catch {
    return fail('wrong_passphrase');
  }
}
