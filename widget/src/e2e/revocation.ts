// Revocation lists (protocol.md §3.3): encoding with the issuer's signature, and a strict parser.
// Which lists count for a given chain is decided in chain.ts.
//
//   revocation_list = "HVR1" version:u8(1) issuer_kind:u8 flags:u16(0) issuer_key[32]
//                     issued_at:u64 count:u16 serials[count × 16] signature[64]
//   issuer_kind     = 0 Org Root Key / 1 Org Signing Key
//   count           = 0..4096, serials strictly ascending
//   signature       = Sign(issuer_sk, "Haven-E2E v1 revocations\0" ‖ all bytes before signature)

import { compareBytes, concat, equalBytes, parseAll, u16, u64, u8, utf8, type Reader } from './bytes';
import { kSerialBytes } from './certificate';
import { fail, ok, type Result } from './errors';
import { kLabelRevocations } from './labels';
import { kSignatureBytes, kSignPublicKeyBytes, type Sodium } from './sodium';

export const kIssuerRoot = 0;
export const kIssuerSigning = 1;
export type RevocationIssuerKind = typeof kIssuerRoot | typeof kIssuerSigning;
export const kRevocationMaxSerials = 4096;

const kMagic = utf8('HVR1');
const kVersion = 1;

export interface RevocationFields {
  readonly issuerKind: RevocationIssuerKind;
  readonly issuedAt: bigint;
  /** 16-byte serials in strictly ascending byte order. */
  readonly serials: readonly Uint8Array[];
}

/** A parsed list; `bytes` is its exact encoding. */
export interface RevocationList extends RevocationFields {
  readonly issuerKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly bytes: Uint8Array;
}

function serialsAreStrictlyAscending(serials: readonly Uint8Array[]): boolean {
  for (let i = 1; i < serials.length; i++) {
    const previous = serials[i - 1];
    const current = serials[i];
    if (previous === undefined || current === undefined || compareBytes(previous, current) >= 0) return false;
  }
  return true;
}

// libsodium's Ed25519 secret key is seed ‖ public key; the standard libsodium.js build lacks
// crypto_sign_ed25519_sk_to_pk, so the public half is read directly.
function publicHalf(secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== 64) throw new RangeError('Ed25519 secret key must be 64 bytes');
  return secretKey.slice(32);
}

/**
 * Encodes and signs a list with the issuer's 64-byte Ed25519 secret key; `issuer_key` is that
 * key's public half. Fails with `malformed` when the fields break §3.3 (serials must already be
 * strictly ascending: the caller decides the order, this function does not reorder).
 */
export function issueRevocationList(sodium: Sodium, issuerSecretKey: Uint8Array, fields: RevocationFields): Result<Uint8Array> {
  if (fields.issuerKind !== kIssuerRoot && fields.issuerKind !== kIssuerSigning) return fail('malformed', 'issuer kind');
  if (fields.issuedAt < 0n || fields.issuedAt >= 1n << 64n) return fail('malformed', 'issued_at range');
  if (fields.serials.length > kRevocationMaxSerials) return fail('malformed', 'too many serials');
  if (fields.serials.some((serial) => serial.length !== kSerialBytes)) return fail('malformed', 'serial length');
  if (!serialsAreStrictlyAscending(fields.serials)) return fail('malformed', 'serials not strictly ascending');
  const unsigned = concat(
    kMagic,
    u8(kVersion),
    u8(fields.issuerKind),
    u16(0),
    publicHalf(issuerSecretKey),
    u64(fields.issuedAt),
    u16(fields.serials.length),
    ...fields.serials,
  );
  const signature = sodium.crypto_sign_detached(concat(kLabelRevocations, unsigned), issuerSecretKey);
  return ok(concat(unsigned, signature));
}

function readRevocationList(reader: Reader): Result<RevocationList> {
  if (!equalBytes(reader.bytes(kMagic.length), kMagic)) return fail('malformed', 'revocation list magic');
  if (reader.u8() !== kVersion) return fail('unsupported_version', 'revocation list version');
  const issuerKind = reader.u8();
  if (issuerKind !== kIssuerRoot && issuerKind !== kIssuerSigning) return fail('malformed', 'issuer kind');
  if (reader.u16() !== 0) return fail('malformed', 'revocation list flags');
  const issuerKey = reader.bytes(kSignPublicKeyBytes);
  const issuedAt = reader.u64();
  const count = reader.u16();
  if (count > kRevocationMaxSerials) return fail('malformed', 'too many serials');
  const serials: Uint8Array[] = [];
  for (let i = 0; i < count; i++) serials.push(reader.bytes(kSerialBytes));
  if (!serialsAreStrictlyAscending(serials)) return fail('malformed', 'serials not strictly ascending');
  const signature = reader.bytes(kSignatureBytes);
  return ok({ issuerKind, issuerKey, issuedAt, serials, signature, bytes: new Uint8Array(0) });
}

/**
 * Parses one list. Fails with `unsupported_version` for another version and `malformed` for
 * anything else that breaks §3.3. The signature is not checked here.
 */
export function parseRevocationList(bytes: Uint8Array): Result<RevocationList> {
  const parsed = parseAll(bytes, readRevocationList);
  if (!parsed.ok) return parsed;
  return ok({ ...parsed.value, bytes: bytes.slice() });
}

/** True when the list's own `issuer_key` signed it. Whether that key is trusted is chain.ts's call. */
export function verifyRevocationListSignature(sodium: Sodium, list: RevocationList): boolean {
  const signed = list.bytes.subarray(0, list.bytes.length - kSignatureBytes);
  return sodium.crypto_sign_verify_detached(list.signature, concat(kLabelRevocations, signed), list.issuerKey);
}

/** True when `serial` is on `list` (serials are ascending, but lists are short: a scan will do). */
export function listsSerial(list: RevocationList, serial: Uint8Array): boolean {
  return list.serials.some((entry) => equalBytes(entry, serial));
}
