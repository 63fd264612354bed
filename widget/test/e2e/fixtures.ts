// Shared test fixtures: a ready sodium instance and a deterministic organisation (root key,
// signing certificate, counselors) so that every test states only what it changes.

import sodiumWrappers from 'libsodium-wrappers';
import { concat, u32, utf8 } from '../../src/e2e/bytes';
import { issueCertificate, kRoleCounselor, kRoleSigning, type CertificateFields } from '../../src/e2e/certificate';
import type { Result } from '../../src/e2e/errors';
import type { CounselorIdentity } from '../../src/e2e/index';
import { hash, type Sodium } from '../../src/e2e/sodium';

export const kNow = 1_760_000_000;
export const kNowBig = BigInt(kNow);
export const kDay = 86400n;

let ready: Promise<Sodium> | null = null;

/** The standard libsodium.js build, as the widget uses it. */
export function loadSodium(): Promise<Sodium> {
  ready ??= sodiumWrappers.ready.then(() => sodiumWrappers);
  return ready;
}

/** A deterministic 32-byte value: H("seed" ‖ purpose ‖ u32(index)). */
export function testSeed(sodium: Sodium, purpose: string, index = 0): Uint8Array {
  return hash(sodium, utf8('seed'), utf8(purpose), u32(index));
}

export function signKeys(sodium: Sodium, purpose: string, index = 0): { publicKey: Uint8Array; privateKey: Uint8Array } {
  return sodium.crypto_sign_seed_keypair(testSeed(sodium, purpose, index));
}

/** The value of a Result that the test expects to be ok; throws with the code otherwise. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code} (${result.error.detail ?? ''})`);
  return result.value;
}

/** The code of a Result that the test expects to have failed. */
export function codeOf<T>(result: Result<T>): string {
  return result.ok ? 'ok' : result.error.code;
}

export interface Org {
  readonly root: { publicKey: Uint8Array; privateKey: Uint8Array };
  readonly signing: { publicKey: Uint8Array; privateKey: Uint8Array };
  readonly signingCertificate: Uint8Array;
}

export interface Counselor {
  readonly identity: { publicKey: Uint8Array; privateKey: Uint8Array };
  readonly certificate: Uint8Array;
  readonly serial: Uint8Array;
}

export function serial(sodium: Sodium, purpose: string, index = 0): Uint8Array {
  return testSeed(sodium, `serial ${purpose}`, index).slice(0, 16);
}

export function signingFields(sodium: Sodium, subjectKey: Uint8Array, overrides: Partial<CertificateFields> = {}): CertificateFields {
  return {
    role: kRoleSigning,
    subjectKey,
    serial: serial(sodium, 'signing'),
    notBefore: kNowBig - 10n * kDay,
    notAfter: kNowBig + 300n * kDay,
    handle: 'org-signing',
    name: 'Фондация Убежище',
    ...overrides,
  };
}

export function counselorFields(sodium: Sodium, subjectKey: Uint8Array, overrides: Partial<CertificateFields> = {}): CertificateFields {
  return {
    role: kRoleCounselor,
    subjectKey,
    serial: serial(sodium, 'counselor'),
    notBefore: kNowBig - 2n * kDay,
    notAfter: kNowBig + 20n * kDay,
    handle: 'c-7f3a',
    name: 'Мария',
    ...overrides,
  };
}

/** The org of `name` (different names give unrelated keys). */
export function makeOrg(sodium: Sodium, name = 'org', overrides: Partial<CertificateFields> = {}): Org {
  const root = signKeys(sodium, `${name} root`);
  const signing = signKeys(sodium, `${name} signing`);
  const signingCertificate = unwrap(issueCertificate(sodium, root.privateKey, signingFields(sodium, signing.publicKey, overrides)));
  return { root, signing, signingCertificate };
}

/** Counselor number `index` of `org`. */
export function makeCounselor(sodium: Sodium, org: Org, index = 0, overrides: Partial<CertificateFields> = {}): Counselor {
  const identity = signKeys(sodium, 'counselor', index);
  const counselorSerial = serial(sodium, 'counselor', index);
  const certificate = unwrap(
    issueCertificate(
      sodium,
      org.signing.privateKey,
      counselorFields(sodium, identity.publicKey, { serial: counselorSerial, handle: `c-${index}`, ...overrides }),
    ),
  );
  return { identity, certificate, serial: counselorSerial };
}

/** What a counselor's console holds to answer chats: its certificates and identity key. */
export function identityOf(org: Org, counselor: Counselor): CounselorIdentity {
  return { signingCertificate: org.signingCertificate, counselorCertificate: counselor.certificate, identitySecretKey: counselor.identity.privateKey };
}

/** The counselors of the chat tests: Anna and Boris of `org`, Eva of another organisation. */
export function chatCast(sodium: Sodium): { org: Org; otherOrg: Org; anna: Counselor; boris: Counselor; eve: Counselor } {
  const org = makeOrg(sodium);
  const otherOrg = makeOrg(sodium, 'other org');
  return {
    org,
    otherOrg,
    anna: makeCounselor(sodium, org, 0, { name: 'Анна' }),
    boris: makeCounselor(sodium, org, 1, { name: 'Борис' }),
    eve: makeCounselor(sodium, otherOrg, 2, { name: 'Ева' }),
  };
}

export function chatId(sodium: Sodium, index = 0): Uint8Array {
  return testSeed(sodium, 'chat', index).slice(0, 16);
}

/** A copy of `bytes` with bit `bit` flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] = (out[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return out;
}

export { concat };
