import assert from 'node:assert/strict';
import { test } from 'node:test';
import sumo from 'libsodium-wrappers-sumo';
import { fromHex, toHex } from '../../src/e2e/bytes';
import { deriveCredentialKeys, unwrapIdentitySeed, wrapIdentitySeed } from '../../src/e2e/credentials';
import type { Sodium } from '../../src/e2e/sodium';
import { codeOf, flipBit, loadSodium, unwrap } from './fixtures';

await sumo.ready;
const sodium: Sodium = sumo;
const salt = Uint8Array.from({ length: 16 }, (_, i) => i);

// Printed by a C program against libsodium 1.0.18 (Debian 12) for this passphrase and salt, seed
// 0x42 × 32, nonce 0x24 × 24 and handle "c-7f3a": the console must match the C side exactly.
const kLoginKey = '07588665401af0ba28185b61055687e6d0e68b5c6ca7dbde98ba2133c94f45b2';
const kWrapKey = '8e02b151859a16d28df038037f2fc3f53346a41f2fee4df7abc56fde0a78c45d';
const kWrapped =
  '242424242424242424242424242424242424242424242424' +
  '7a849445d3f80f117147fbe46aeb4432e19d1d88dbd9e322012e3abb083bee84109feb7dd23c9fe6e0e6666056ff771e';

const keys = deriveCredentialKeys(sodium, 'correct horse battery staple', salt);

test('login and wrap keys match C libsodium', () => {
  assert.equal(toHex(keys.loginKey), kLoginKey);
  assert.equal(toHex(keys.wrapKey), kWrapKey);
});

test('the passphrase as bytes gives the same keys and is wiped', () => {
  const bytes = new TextEncoder().encode('correct horse battery staple');
  assert.equal(toHex(deriveCredentialKeys(sodium, bytes, salt).loginKey), kLoginKey);
  assert.ok(bytes.every((byte) => byte === 0));
});

test('the wrapped identity matches C and opens only with the right key and handle', () => {
  const seed = new Uint8Array(32).fill(0x42);
  const wrapped = wrapIdentitySeed(sodium, keys.wrapKey, 'c-7f3a', seed, new Uint8Array(24).fill(0x24));
  assert.equal(toHex(wrapped), kWrapped);
  assert.deepEqual(unwrap(unwrapIdentitySeed(sodium, keys.wrapKey, 'c-7f3a', fromHex(kWrapped)!)), seed);

  const random = wrapIdentitySeed(sodium, keys.wrapKey, 'c-7f3a', seed);
  assert.notDeepEqual(random.subarray(0, 24), wrapped.subarray(0, 24));
  assert.deepEqual(unwrap(unwrapIdentitySeed(sodium, keys.wrapKey, 'c-7f3a', random)), seed);

  assert.equal(codeOf(unwrapIdentitySeed(sodium, keys.loginKey, 'c-7f3a', wrapped)), 'wrong_passphrase');
  assert.equal(codeOf(unwrapIdentitySeed(sodium, keys.wrapKey, 'c-7f3b', wrapped)), 'wrong_passphrase');
  for (const bit of [0, 8 * 24, wrapped.length * 8 - 1]) {
    assert.equal(codeOf(unwrapIdentitySeed(sodium, keys.wrapKey, 'c-7f3a', flipBit(wrapped, bit))), 'wrong_passphrase');
  }
  assert.equal(codeOf(unwrapIdentitySeed(sodium, keys.wrapKey, 'c-7f3a', wrapped.subarray(1))), 'malformed');
  assert.equal(codeOf(unwrapIdentitySeed(sodium, keys.wrapKey, 'Bad Handle', wrapped)), 'malformed');
});

test('a different passphrase or salt gives different keys', () => {
  const other = deriveCredentialKeys(sodium, 'correct horse battery stapLe', salt);
  assert.notEqual(toHex(other.wrapKey), kWrapKey);
  assert.equal(codeOf(unwrapIdentitySeed(sodium, other.wrapKey, 'c-7f3a', fromHex(kWrapped)!)), 'wrong_passphrase');
});

test('the standard build is refused: it has no crypto_pwhash', async () => {
  const standard = await loadSodium();
  assert.throws(() => deriveCredentialKeys(standard, 'x', salt), /sumo/);
  assert.throws(() => deriveCredentialKeys(sodium, 'x', new Uint8Array(15)), RangeError);
});
