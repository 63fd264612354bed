// An organisation made up for the browser tests: root key, signing certificate and counselor
// identities, valid around the real current time (the browser checks them with its own clock).

import sodiumWrappers from 'libsodium-wrappers';
import { issueCertificate, kRoleCounselor, kRoleSigning } from '../../src/e2e/certificate';
import { fingerprint } from '../../src/e2e/fingerprint';
import type { CounselorIdentity, Sodium } from '../../src/e2e/index';

export interface TestOrg {
  readonly name: string;
  readonly rootPublicKey: Uint8Array;
  readonly fingerprint: string;
  readonly signingCertificate: Uint8Array;
  readonly signingSecretKey: Uint8Array;
}

let ready: Promise<Sodium> | null = null;

export function nodeSodium(): Promise<Sodium> {
  ready ??= sodiumWrappers.ready.then(() => sodiumWrappers);
  return ready;
}

const kDay = 86400n;

function nowSeconds(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: { code: string } }): T {
  if (!result.ok) throw new Error(result.error.code);
  return result.value;
}

export function makeTestOrg(sodium: Sodium, name: string): TestOrg {
  const root = sodium.crypto_sign_keypair();
  const signing = sodium.crypto_sign_keypair();
  const now = nowSeconds();
  const signingCertificate = unwrap(
    issueCertificate(sodium, root.privateKey, {
      role: kRoleSigning,
      subjectKey: signing.publicKey,
      serial: sodium.randombytes_buf(16),
      notBefore: now - kDay,
      notAfter: now + 300n * kDay,
      handle: 'org-signing',
      name,
    }),
  );
  return { name, rootPublicKey: root.publicKey, fingerprint: fingerprint(sodium, root.publicKey), signingCertificate, signingSecretKey: signing.privateKey };
}

export interface TestCounselor {
  readonly handle: string;
  readonly name: string;
  readonly identity: CounselorIdentity;
}

export function makeTestCounselor(sodium: Sodium, org: TestOrg, handle: string, name: string): TestCounselor {
  const keys = sodium.crypto_sign_keypair();
  const now = nowSeconds();
  const certificate = unwrap(
    issueCertificate(sodium, org.signingSecretKey, {
      role: kRoleCounselor,
      subjectKey: keys.publicKey,
      serial: sodium.randombytes_buf(16),
      notBefore: now - kDay,
      notAfter: now + 20n * kDay,
      handle,
      name,
    }),
  );
  return {
    handle,
    name,
    identity: { signingCertificate: org.signingCertificate, counselorCertificate: certificate, identitySecretKey: keys.privateKey },
  };
}
