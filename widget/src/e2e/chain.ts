// Trust chain verification (protocol.md §3.4): pinned root → signing certificate S → counselor
// certificate C, with revocation lists. The steps run in the document's order and the first
// failure is the answer, so that this and the C++ implementation report the same code.

import {
  kRoleCounselor,
  kRoleSigning,
  parseCertificate,
  verifyCertificateSignature,
  type Certificate,
} from './certificate';
import { equalBytes } from './bytes';
import { fail, ok, type E2eError, type Result } from './errors';
import {
  kIssuerRoot,
  listsSerial,
  parseRevocationList,
  verifyRevocationListSignature,
  type RevocationList,
} from './revocation';
import type { Sodium } from './sodium';

export const kClockSkewSeconds = 600n;
export const kSigningMaxValiditySeconds = 366n * 86400n;
export const kCounselorMaxValiditySeconds = 30n * 86400n;

export interface ChainInput {
  /** The pinned Org Root public key (32 bytes). */
  readonly rootPublicKey: Uint8Array;
  readonly signingCertificate: Uint8Array;
  readonly counselorCertificate: Uint8Array;
  readonly revocationLists: readonly Uint8Array[];
  /** The verifier's clock, in seconds since the epoch. */
  readonly now: bigint;
}

/** A list that was ignored (§3.4 step 6): for the caller's log, never for the person. */
export interface IgnoredRevocationList {
  readonly index: number;
  readonly error: E2eError;
}

export interface VerifiedChain {
  readonly signing: Certificate;
  readonly counselor: Certificate;
  readonly ignoredRevocationLists: readonly IgnoredRevocationList[];
}

function validityFits(certificate: Certificate, maxSeconds: bigint): boolean {
  return certificate.notBefore < certificate.notAfter && certificate.notAfter - certificate.notBefore <= maxSeconds;
}

function timeCheck(certificate: Certificate, now: bigint): Result<true> {
  if (now + kClockSkewSeconds < certificate.notBefore) return fail('not_yet_valid', certificate.handle);
  if (now - kClockSkewSeconds > certificate.notAfter) return fail('expired', certificate.handle);
  return ok(true);
}

function trustedList(
  sodium: Sodium,
  bytes: Uint8Array,
  rootPublicKey: Uint8Array,
  signing: Certificate,
): Result<RevocationList> {
  const parsed = parseRevocationList(bytes);
  if (!parsed.ok) return fail('bad_revocation_list', parsed.error.code);
  const list = parsed.value;
  const expectedIssuer = list.issuerKind === kIssuerRoot ? rootPublicKey : signing.subjectKey;
  if (!equalBytes(list.issuerKey, expectedIssuer)) return fail('bad_revocation_list', 'untrusted issuer');
  if (!verifyRevocationListSignature(sodium, list)) return fail('bad_revocation_list', 'bad signature');
  return ok(list);
}

/**
 * Verifies S and C against the pinned root at `now` (§3.4). Returns the parsed certificates, or
 * the first failing step's code: malformed, unsupported_version, wrong_role, untrusted_root,
 * bad_certificate_signature, validity_too_long, not_yet_valid, expired or revoked. Lists that do
 * not parse or are not signed by a trusted key are ignored and returned for logging; they never
 * make a revoked certificate acceptable, since only a trusted list can revoke.
 */
export function verifyChain(sodium: Sodium, input: ChainInput): Result<VerifiedChain> {
  const signingParsed = parseCertificate(input.signingCertificate);
  if (!signingParsed.ok) return signingParsed;
  const counselorParsed = parseCertificate(input.counselorCertificate);
  if (!counselorParsed.ok) return counselorParsed;
  const signing = signingParsed.value;
  const counselor = counselorParsed.value;
  if (signing.role !== kRoleSigning) return fail('wrong_role', 'signing certificate');
  if (counselor.role !== kRoleCounselor) return fail('wrong_role', 'counselor certificate');

  if (!verifyCertificateSignature(sodium, signing, input.rootPublicKey)) return fail('untrusted_root');
  if (!verifyCertificateSignature(sodium, counselor, signing.subjectKey)) return fail('bad_certificate_signature');

  if (!validityFits(signing, kSigningMaxValiditySeconds)) return fail('validity_too_long', 'signing certificate');
  if (!validityFits(counselor, kCounselorMaxValiditySeconds)) return fail('validity_too_long', 'counselor certificate');
  if (counselor.notAfter > signing.notAfter) return fail('validity_too_long', 'counselor outlives its signing certificate');

  for (const certificate of [signing, counselor]) {
    const timely = timeCheck(certificate, input.now);
    if (!timely.ok) return timely;
  }

  const ignoredRevocationLists: IgnoredRevocationList[] = [];
  let revoked = false;
  input.revocationLists.forEach((bytes, index) => {
    const trusted = trustedList(sodium, bytes, input.rootPublicKey, signing);
    if (!trusted.ok) {
      ignoredRevocationLists.push({ index, error: trusted.error });
      return;
    }
    const list = trusted.value;
    if (listsSerial(list, counselor.serial)) revoked = true;
    if (list.issuerKind === kIssuerRoot && listsSerial(list, signing.serial)) revoked = true;
  });
  if (revoked) return fail('revoked');
  return ok({ signing, counselor, ignoredRevocationLists });
}
