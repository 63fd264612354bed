// Certificates of the trust chain (protocol.md §3.1): encoding with the issuer's signature, and
// a strict parser. Checking a chain of them is chain.ts's job.
//
//   certificate = "HVC1" version:u8(1) role:u8 flags:u16(0) subject_key[32] serial[16]
//                 not_before:u64 not_after:u64 handle_len:u8 handle name_len:u8 name signature[64]
//   role        = 1 org signing key / 2 counselor identity key
//   handle      = 1..32 bytes of [a-z0-9-]
//   name        = 0..128 bytes of UTF-8 without U+0000..U+001F and U+007F
//   signature   = Sign(issuer_sk, "Haven-E2E v1 certificate\0" ‖ all bytes before signature)
//
// The parser does not compare not_before with not_after: §3.4 step 4 reports that order as
// `validity_too_long`, and a parser-level rejection would turn it into `malformed` instead.

import { concat, equalBytes, parseAll, u16, u64, u8, utf8, type Reader } from './bytes';
import { fail, ok, type Result } from './errors';
import { kLabelCertificate } from './labels';
import { kSignatureBytes, kSignPublicKeyBytes, type Sodium } from './sodium';

export const kRoleSigning = 1;
export const kRoleCounselor = 2;
export type CertificateRole = typeof kRoleSigning | typeof kRoleCounselor;

export const kSerialBytes = 16;
export const kHandleMaxBytes = 32;
export const kNameMaxBytes = 128;
export const kCertificateMinBytes = 138 + 1;
export const kCertificateMaxBytes = 138 + kHandleMaxBytes + kNameMaxBytes;

const kMagic = utf8('HVC1');
const kVersion = 1;
const kStrictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** What an issuer states about a subject key. */
export interface CertificateFields {
  readonly role: CertificateRole;
  readonly subjectKey: Uint8Array;
  readonly serial: Uint8Array;
  readonly notBefore: bigint;
  readonly notAfter: bigint;
  readonly handle: string;
  readonly name: string;
}

/** A parsed certificate; `bytes` is its exact encoding, kept for transcripts and comparisons. */
export interface Certificate extends CertificateFields {
  readonly signature: Uint8Array;
  readonly bytes: Uint8Array;
}

/** True for a handle of 1..32 characters from [a-z0-9-]. */
export function isValidHandle(handle: string): boolean {
  return /^[a-z0-9-]{1,32}$/.test(handle);
}

/** True for a name without C0 control characters or DEL (the UTF-8 length is checked apart). */
export function hasNoControlCharacters(text: string): boolean {
  for (const char of text) {
    const point = char.codePointAt(0) ?? 0;
    if (point <= 0x1f || point === 0x7f) return false;
  }
  return true;
}

/**
 * False when `text` has a lone surrogate, which TextEncoder would silently replace with U+FFFD:
 * the bytes signed would then name someone other than the caller asked for.
 */
export function isWellFormedText(text: string): boolean {
  for (const char of text) {
    const point = char.codePointAt(0) ?? 0;
    if (point >= 0xd800 && point <= 0xdfff) return false;
  }
  return true;
}

function isUnsignedU64(value: bigint): boolean {
  return value >= 0n && value < 1n << 64n;
}

function encodeUnsigned(fields: CertificateFields): Result<Uint8Array> {
  const nameBytes = utf8(fields.name);
  if (fields.role !== kRoleSigning && fields.role !== kRoleCounselor) return fail('malformed', 'role');
  if (fields.subjectKey.length !== kSignPublicKeyBytes) return fail('malformed', 'subject key length');
  if (fields.serial.length !== kSerialBytes) return fail('malformed', 'serial length');
  if (!isUnsignedU64(fields.notBefore) || !isUnsignedU64(fields.notAfter)) return fail('malformed', 'time range');
  if (!isValidHandle(fields.handle)) return fail('malformed', 'handle');
  if (nameBytes.length > kNameMaxBytes) return fail('malformed', 'name longer than 128 bytes');
  if (!hasNoControlCharacters(fields.name) || !isWellFormedText(fields.name)) return fail('malformed', 'name characters');
  return ok(
    concat(
      kMagic,
      u8(kVersion),
      u8(fields.role),
      u16(0),
      fields.subjectKey,
      fields.serial,
      u64(fields.notBefore),
      u64(fields.notAfter),
      u8(fields.handle.length),
      utf8(fields.handle),
      u8(nameBytes.length),
      nameBytes,
    ),
  );
}

/**
 * Encodes `fields` and signs them with the issuer's 64-byte Ed25519 secret key. Fails with
 * `malformed` when a field cannot be encoded (§3.1); validity limits are the verifier's concern.
 */
export function issueCertificate(sodium: Sodium, issuerSecretKey: Uint8Array, fields: CertificateFields): Result<Uint8Array> {
  const unsigned = encodeUnsigned(fields);
  if (!unsigned.ok) return unsigned;
  const signature = sodium.crypto_sign_detached(concat(kLabelCertificate, unsigned.value), issuerSecretKey);
  return ok(concat(unsigned.value, signature));
}

function readCertificate(reader: Reader): Result<Certificate> {
  if (!equalBytes(reader.bytes(kMagic.length), kMagic)) return fail('malformed', 'certificate magic');
  if (reader.u8() !== kVersion) return fail('unsupported_version', 'certificate version');
  const role = reader.u8();
  if (role !== kRoleSigning && role !== kRoleCounselor) return fail('malformed', 'certificate role');
  if (reader.u16() !== 0) return fail('malformed', 'certificate flags');
  const subjectKey = reader.bytes(kSignPublicKeyBytes);
  const serial = reader.bytes(kSerialBytes);
  const notBefore = reader.u64();
  const notAfter = reader.u64();
  const handleLength = reader.u8();
  if (handleLength < 1 || handleLength > kHandleMaxBytes) return fail('malformed', 'handle length');
  const handleBytes = reader.bytes(handleLength);
  const handle = String.fromCharCode(...handleBytes);
  if (!isValidHandle(handle)) return fail('malformed', 'handle characters');
  const nameLength = reader.u8();
  if (nameLength > kNameMaxBytes) return fail('malformed', 'name length');
  let name: string;
  try {
    name = kStrictUtf8.decode(reader.bytes(nameLength));
  } catch {
    return fail('malformed', 'name is not UTF-8');
  }
  if (!hasNoControlCharacters(name)) return fail('malformed', 'name has control characters');
  const signature = reader.bytes(kSignatureBytes);
  return ok({ role, subjectKey, serial, notBefore, notAfter, handle, name, signature, bytes: new Uint8Array(0) });
}

/**
 * Parses one certificate. Fails with `unsupported_version` for another version and `malformed`
 * for anything else that breaks §3.1, including trailing bytes. The signature is not checked.
 */
export function parseCertificate(bytes: Uint8Array): Result<Certificate> {
  const parsed = parseAll(bytes, readCertificate);
  if (!parsed.ok) return parsed;
  return ok({ ...parsed.value, bytes: bytes.slice() });
}

/** True when `issuerPublicKey` signed `certificate` as a certificate (§3.1). */
export function verifyCertificateSignature(sodium: Sodium, certificate: Certificate, issuerPublicKey: Uint8Array): boolean {
  if (issuerPublicKey.length !== kSignPublicKeyBytes) return false;
  const signed = certificate.bytes.subarray(0, certificate.bytes.length - kSignatureBytes);
  return sodium.crypto_sign_verify_detached(certificate.signature, concat(kLabelCertificate, signed), issuerPublicKey);
}
