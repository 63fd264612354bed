// What the console trusts (protocol.md §3, §8, §11.1): the organisation's root key and signing
// certificates from `ready`, checked the same way the visitor will check them.
//
// Two uses: finding the signing certificate S that goes into our accepts (the one that verifies
// our own counselor certificate), and checking a colleague's certificate before authorising a
// transfer to it. The server hands out the colleague list; the console verifies the chain and
// that the certificate names the colleague chosen, so the server cannot slip another counselor
// into the authorisation that the visitor will enforce.

import { fromHex } from '../e2e/bytes';
import { fingerprintMatches, verifyChain, type Certificate, type E2eErrorCode, type Result, type Sodium } from '../e2e/index';
import type { OrgInfo } from './control';

export interface OrgTrust {
  readonly name: string;
  readonly rootPublicKey: Uint8Array;
  readonly fingerprint: string;
  readonly signingCertificates: readonly Uint8Array[];
  readonly revocationLists: readonly Uint8Array[];
}

/** The org of `ready`, or null if its fingerprint is not its root key's or a value is not hex. */
export function readTrust(sodium: Sodium, org: OrgInfo): OrgTrust | null {
  const root = fromHex(org.rootKey);
  if (root === null || root.length !== 32 || !fingerprintMatches(sodium, root, org.fingerprint)) return null;
  const signing = org.signingCertificates.map(fromHex);
  const lists = org.revocationLists.map(fromHex);
  if (signing.some((item) => item === null) || lists.some((item) => item === null)) return null;
  return {
    name: org.name,
    rootPublicKey: root,
    fingerprint: org.fingerprint,
    signingCertificates: signing as Uint8Array[],
    revocationLists: lists as Uint8Array[],
  };
}

function chainWithAnySigner(sodium: Sodium, trust: OrgTrust, counselor: Uint8Array, nowSeconds: number): Result<{ signing: Uint8Array; counselor: Certificate }> {
  let firstError: Result<never> | null = null;
  for (const signing of trust.signingCertificates) {
    const chain = verifyChain(sodium, {
      rootPublicKey: trust.rootPublicKey,
      signingCertificate: signing,
      counselorCertificate: counselor,
      revocationLists: trust.revocationLists,
      now: BigInt(Math.floor(nowSeconds)),
    });
    if (chain.ok) return { ok: true, value: { signing, counselor: chain.value.counselor } };
    // A signer that did not issue this certificate fails at its signature; report a more telling
    // error (expired, revoked) from a signer that did, if there is one.
    if (firstError === null || chain.error.code !== 'bad_certificate_signature') firstError = chain;
  }
  return firstError ?? { ok: false, error: { code: 'untrusted_root', sentence: 'no signing certificate' } };
}

/**
 * The signing certificate that vouches for our own counselor certificate, as the visitor will
 * check it: the chain error otherwise (expired certificate, revoked, another organisation…).
 */
export function ownSigningCertificate(sodium: Sodium, trust: OrgTrust, ownCertificate: Uint8Array, nowSeconds: number): Result<Uint8Array> {
  const chain = chainWithAnySigner(sodium, trust, ownCertificate, nowSeconds);
  return chain.ok ? { ok: true, value: chain.value.signing } : chain;
}

export interface VerifiedColleague {
  readonly handle: string;
  /** The pseudonym from the certificate (what the visitor will be shown), not the server's list. */
  readonly name: string;
  readonly certificate: Uint8Array;
}

export type ColleagueProblem = E2eErrorCode | 'wrong_handle';

/** Checks a colleague's certificate before it is authorised for the next leg (§8 step 1). */
export function verifyColleague(
  sodium: Sodium,
  trust: OrgTrust,
  colleague: { readonly handle: string; readonly certificate: string },
  nowSeconds: number,
): { ok: true; value: VerifiedColleague } | { ok: false; problem: ColleagueProblem } {
  const bytes = fromHex(colleague.certificate);
  if (bytes === null) return { ok: false, problem: 'malformed' };
  const chain = chainWithAnySigner(sodium, trust, bytes, nowSeconds);
  if (!chain.ok) return { ok: false, problem: chain.error.code };
  if (chain.value.counselor.handle !== colleague.handle) return { ok: false, problem: 'wrong_handle' };
  return {
    ok: true,
    value: { handle: colleague.handle, name: chain.value.counselor.name || colleague.handle, certificate: bytes },
  };
}
