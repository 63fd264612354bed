import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issueCertificate, kRoleCounselor, kRoleSigning, type CertificateFields } from '../../src/e2e/certificate';
import { verifyChain, type ChainInput } from '../../src/e2e/chain';
import { issueRevocationList, kIssuerRoot, kIssuerSigning } from '../../src/e2e/revocation';
import {
  codeOf,
  counselorFields,
  flipBit,
  kDay,
  kNowBig,
  loadSodium,
  makeCounselor,
  makeOrg,
  serial,
  signingFields,
  signKeys,
  unwrap,
} from './fixtures';

const sodium = await loadSodium();
const org = makeOrg(sodium);
const counselor = makeCounselor(sodium, org);
const otherOrg = makeOrg(sodium, 'other org');

function input(overrides: Partial<ChainInput> = {}): ChainInput {
  return {
    rootPublicKey: org.root.publicKey,
    signingCertificate: org.signingCertificate,
    counselorCertificate: counselor.certificate,
    revocationLists: [],
    now: kNowBig,
    ...overrides,
  };
}

/** A signing certificate of `org` with some fields changed, signed by the root. */
function signingWith(overrides: Partial<CertificateFields>): Uint8Array {
  return unwrap(issueCertificate(sodium, org.root.privateKey, signingFields(sodium, org.signing.publicKey, overrides)));
}

/** A counselor certificate with some fields changed, signed by the org's signing key. */
function counselorWith(overrides: Partial<CertificateFields>): Uint8Array {
  return unwrap(issueCertificate(sodium, org.signing.privateKey, counselorFields(sodium, counselor.identity.publicKey, overrides)));
}

function list(issuer: Uint8Array, kind: 0 | 1, serials: Uint8Array[]): Uint8Array {
  const sorted = [...serials].sort((a, b) => Buffer.compare(a, b));
  return unwrap(issueRevocationList(sodium, issuer, { issuerKind: kind, issuedAt: kNowBig, serials: sorted }));
}

test('a good chain verifies and returns both certificates', () => {
  const verified = unwrap(verifyChain(sodium, input()));
  assert.equal(verified.signing.role, kRoleSigning);
  assert.equal(verified.counselor.role, kRoleCounselor);
  assert.equal(verified.counselor.name, 'Мария');
  assert.deepEqual(verified.ignoredRevocationLists, []);
});

test('step 1: unparseable certificates are malformed, wrong roles are wrong_role', () => {
  assert.equal(codeOf(verifyChain(sodium, input({ signingCertificate: new Uint8Array(10) }))), 'malformed');
  assert.equal(codeOf(verifyChain(sodium, input({ counselorCertificate: counselor.certificate.subarray(1) }))), 'malformed');
  const version2 = counselor.certificate.slice();
  version2[4] = 2;
  assert.equal(codeOf(verifyChain(sodium, input({ counselorCertificate: version2 }))), 'unsupported_version');
  assert.equal(codeOf(verifyChain(sodium, input({ signingCertificate: counselor.certificate }))), 'wrong_role');
  assert.equal(codeOf(verifyChain(sodium, input({ counselorCertificate: org.signingCertificate }))), 'wrong_role');
  const signingAsCounselor = signingWith({ role: kRoleCounselor });
  assert.equal(codeOf(verifyChain(sodium, input({ signingCertificate: signingAsCounselor }))), 'wrong_role');
  assert.equal(codeOf(verifyChain(sodium, input({ counselorCertificate: counselorWith({ role: kRoleSigning }) }))), 'wrong_role');
});

test('step 2: a signing certificate not signed by the pinned root is untrusted_root', () => {
  assert.equal(codeOf(verifyChain(sodium, input({ rootPublicKey: otherOrg.root.publicKey }))), 'untrusted_root');
  assert.equal(codeOf(verifyChain(sodium, input({ signingCertificate: otherOrg.signingCertificate }))), 'untrusted_root');
  const signature = org.signingCertificate.length * 8 - 1;
  assert.equal(codeOf(verifyChain(sodium, input({ signingCertificate: flipBit(org.signingCertificate, signature) }))), 'untrusted_root');
  assert.equal(codeOf(verifyChain(sodium, input({ rootPublicKey: new Uint8Array(31) }))), 'untrusted_root');
});

test('step 3: a counselor certificate not signed by the signing key is bad_certificate_signature', () => {
  const byRoot = unwrap(issueCertificate(sodium, org.root.privateKey, counselorFields(sodium, counselor.identity.publicKey)));
  assert.equal(codeOf(verifyChain(sodium, input({ counselorCertificate: byRoot }))), 'bad_certificate_signature');
  const byOtherOrg = makeCounselor(sodium, otherOrg).certificate;
  assert.equal(codeOf(verifyChain(sodium, input({ counselorCertificate: byOtherOrg }))), 'bad_certificate_signature');
  // Flip a bit of the name: still parses, no longer matches the signature.
  const renamed = flipBit(counselor.certificate, (counselor.certificate.length - 65) * 8);
  assert.equal(codeOf(verifyChain(sodium, input({ counselorCertificate: renamed }))), 'bad_certificate_signature');
});

test('step 4: validity periods over the limits, empty or reversed are validity_too_long', () => {
  const nb = kNowBig - kDay;
  const ok366 = signingWith({ notBefore: nb, notAfter: nb + 366n * kDay });
  const ok30 = counselorWith({ notBefore: nb, notAfter: nb + 30n * kDay });
  assert.equal(codeOf(verifyChain(sodium, input({ signingCertificate: ok366, counselorCertificate: ok30 }))), 'ok');
  const cases: Array<[string, Partial<ChainInput>]> = [
    ['signing 366 days + 1 s', { signingCertificate: signingWith({ notBefore: nb, notAfter: nb + 366n * kDay + 1n }) }],
    ['counselor 30 days + 1 s', { counselorCertificate: counselorWith({ notBefore: nb, notAfter: nb + 30n * kDay + 1n }) }],
    ['signing not_before = not_after', { signingCertificate: signingWith({ notBefore: nb, notAfter: nb }) }],
    ['counselor not_before = not_after', { counselorCertificate: counselorWith({ notBefore: kNowBig, notAfter: kNowBig }) }],
    ['counselor reversed', { counselorCertificate: counselorWith({ notBefore: kNowBig + 1n, notAfter: kNowBig }) }],
    ['counselor outlives signing', { counselorCertificate: counselorWith({ notAfter: kNowBig + 300n * kDay + 1n, notBefore: kNowBig + 280n * kDay }) }],
  ];
  for (const [what, overrides] of cases) assert.equal(codeOf(verifyChain(sodium, input(overrides))), 'validity_too_long', what);
  const sameEnd = counselorWith({ notBefore: kNowBig + 290n * kDay, notAfter: kNowBig + 300n * kDay });
  assert.equal(codeOf(verifyChain(sodium, input({ counselorCertificate: sameEnd, now: kNowBig + 295n * kDay }))), 'ok');
});

test('step 5: validity with 600 s of skew, to the second, for both certificates', () => {
  const nb = kNowBig + 1000n;
  const na = nb + 10n * kDay;
  const c = counselorWith({ notBefore: nb, notAfter: na });
  const at = (now: bigint) => codeOf(verifyChain(sodium, input({ counselorCertificate: c, now })));
  assert.equal(at(nb - 601n), 'not_yet_valid');
  assert.equal(at(nb - 600n), 'ok');
  assert.equal(at(na + 600n), 'ok');
  assert.equal(at(na + 601n), 'expired');

  const s = signingWith({ notBefore: nb, notAfter: nb + 300n * kDay });
  const c2 = counselorWith({ notBefore: nb - kDay, notAfter: nb + kDay });
  const atS = (now: bigint) => codeOf(verifyChain(sodium, input({ signingCertificate: s, counselorCertificate: c2, now })));
  assert.equal(atS(nb - 601n), 'not_yet_valid');
  assert.equal(atS(nb - 600n), 'ok');
  const expiring = signingWith({ notBefore: kNowBig - 100n * kDay, notAfter: kNowBig });
  const inside = counselorWith({ notBefore: kNowBig - kDay, notAfter: kNowBig });
  const atE = (now: bigint) => codeOf(verifyChain(sodium, input({ signingCertificate: expiring, counselorCertificate: inside, now })));
  assert.equal(atE(kNowBig + 600n), 'ok');
  assert.equal(atE(kNowBig + 601n), 'expired');
  assert.equal(codeOf(verifyChain(sodium, input({ now: 0n }))), 'not_yet_valid');
});

test('steps run in order: the first failing step decides the code', () => {
  const expiredAndForeign = input({ rootPublicKey: otherOrg.root.publicKey, now: kNowBig + 1000n * kDay });
  assert.equal(codeOf(verifyChain(sodium, expiredAndForeign)), 'untrusted_root');
  const tooLongAndExpired = input({
    counselorCertificate: counselorWith({ notBefore: kNowBig - 100n * kDay, notAfter: kNowBig - 50n * kDay }),
  });
  assert.equal(codeOf(verifyChain(sodium, tooLongAndExpired)), 'validity_too_long');
  const revokedAndExpired = input({ now: kNowBig + 1000n * kDay, revocationLists: [list(org.root.privateKey, 0, [counselor.serial])] });
  assert.equal(codeOf(verifyChain(sodium, revokedAndExpired)), 'expired');
});

test('step 6: trusted lists revoke, by root or by the signing key', () => {
  const revokedBy = (...lists: Uint8Array[]) => codeOf(verifyChain(sodium, input({ revocationLists: lists })));
  const signingSerial = serial(sodium, 'signing');
  assert.equal(revokedBy(list(org.signing.privateKey, kIssuerSigning, [counselor.serial])), 'revoked');
  assert.equal(revokedBy(list(org.root.privateKey, kIssuerRoot, [counselor.serial])), 'revoked');
  assert.equal(revokedBy(list(org.root.privateKey, kIssuerRoot, [signingSerial])), 'revoked');
  assert.equal(
    revokedBy(list(org.signing.privateKey, kIssuerSigning, [serial(sodium, 'someone else'), counselor.serial])),
    'revoked',
  );
  // A signing key cannot revoke its own certificate.
  assert.equal(revokedBy(list(org.signing.privateKey, kIssuerSigning, [signingSerial])), 'ok');
  assert.equal(revokedBy(list(org.root.privateKey, kIssuerRoot, [serial(sodium, 'someone else')])), 'ok');
  assert.equal(revokedBy(list(org.root.privateKey, kIssuerRoot, [])), 'ok');
});

test('step 6: untrusted or broken lists are ignored and reported, never accepted as revocations', () => {
  const stranger = signKeys(sodium, 'stranger');
  const lists = [
    list(stranger.privateKey, kIssuerRoot, [counselor.serial]),
    list(stranger.privateKey, kIssuerSigning, [counselor.serial]),
    list(org.signing.privateKey, kIssuerRoot, [counselor.serial]),
    list(org.root.privateKey, kIssuerSigning, [counselor.serial]),
    list(otherOrg.signing.privateKey, kIssuerSigning, [counselor.serial]),
    flipBit(list(org.root.privateKey, kIssuerRoot, [counselor.serial]), 8 * 60),
    new Uint8Array(0),
    list(org.root.privateKey, kIssuerRoot, [counselor.serial]).subarray(1),
  ];
  const verified = unwrap(verifyChain(sodium, input({ revocationLists: lists })));
  assert.deepEqual(
    verified.ignoredRevocationLists.map((ignored) => [ignored.index, ignored.error.code]),
    lists.map((_, index) => [index, 'bad_revocation_list']),
  );
  // A bad list beside a good one does not hide the good one's revocation.
  const withGood = [...lists, list(org.signing.privateKey, kIssuerSigning, [counselor.serial])];
  assert.equal(codeOf(verifyChain(sodium, input({ revocationLists: withGood }))), 'revoked');
});
