import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concat, label, toHex } from '../../src/e2e/bytes';
import { fingerprint, fingerprintMatches, formatFingerprint } from '../../src/e2e/fingerprint';
import { loadSodium, makeOrg } from './fixtures';

const sodium = await loadSodium();
const org = makeOrg(sodium);

test('the fingerprint is the first 16 bytes of the labelled hash, in lowercase hex', () => {
  const expected = toHex(
    sodium.crypto_generichash(32, concat(label('Haven-E2E v1 fingerprint'), org.root.publicKey), null).subarray(0, 16),
  );
  assert.equal(fingerprint(sodium, org.root.publicKey), expected);
  assert.match(expected, /^[0-9a-f]{32}$/);
  assert.notEqual(fingerprint(sodium, org.signing.publicKey), expected);
});

test('people see eight groups of four', () => {
  const digits = fingerprint(sodium, org.root.publicKey);
  const shown = formatFingerprint(digits);
  assert.equal(shown.split(' ').length, 8);
  assert.equal(shown.replaceAll(' ', ''), digits);
});

test('only the exact 32 lowercase digits match', () => {
  const digits = fingerprint(sodium, org.root.publicKey);
  assert.ok(fingerprintMatches(sodium, org.root.publicKey, digits));
  assert.ok(!fingerprintMatches(sodium, org.root.publicKey, digits.toUpperCase()));
  assert.ok(!fingerprintMatches(sodium, org.root.publicKey, formatFingerprint(digits)));
  assert.ok(!fingerprintMatches(sodium, org.root.publicKey, digits.slice(0, 31)));
  assert.ok(!fingerprintMatches(sodium, org.root.publicKey, ''));
  assert.ok(!fingerprintMatches(sodium, org.signing.publicKey, digits));
});
