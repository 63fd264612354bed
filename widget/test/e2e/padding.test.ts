import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex } from '../../src/e2e/bytes';
import { pad, unpad } from '../../src/e2e/padding';
import { codeOf, loadSodium, unwrap } from './fixtures';

function message(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + 1) & 0xff;
  return bytes;
}

// BLAKE2b-256 over the concatenated sodium_pad(message(len), 256) outputs for len = 0..1100, as
// printed by a C program against libsodium 1.0.18 (Debian 12). It pins this implementation to
// C's byte for byte; the grammar test below says the same thing without C.
const kCSodiumPadDigest = '8b000be91403e2680e7b53c846edcfb86ecf4bfd5b6473f8055863af28f57141';

test('padding follows the §7.3 grammar for every length 0..1100', () => {
  for (let length = 0; length <= 1100; length++) {
    const input = message(length);
    const padded = pad(input);
    assert.equal(padded.length, (Math.floor(length / 256) + 1) * 256, `length ${length}`);
    assert.deepEqual(padded.subarray(0, length), input);
    assert.equal(padded[length], 0x80);
    assert.ok(padded.subarray(length + 1).every((byte) => byte === 0));
    assert.deepEqual(unwrap(unpad(padded)), input);
  }
});

test('padding equals C sodium_pad for every length 0..1100', async () => {
  const sodium = await loadSodium();
  const state = sodium.crypto_generichash_init(null, 32);
  for (let length = 0; length <= 1100; length++) sodium.crypto_generichash_update(state, pad(message(length)));
  assert.equal(toHex(sodium.crypto_generichash_final(state, 32)), kCSodiumPadDigest);
});

test('padding equals libsodium.js sodium_pad where the build has it', async () => {
  const sodium = await loadSodium();
  if (typeof sodium.pad !== 'function') return;
  for (let length = 0; length <= 1100; length += 13) {
    assert.deepEqual(pad(message(length)), sodium.pad(message(length), 256));
  }
});

test('the largest message pads to 4096 bytes', () => {
  assert.equal(pad(new Uint8Array(4009)).length, 4096);
  assert.equal(pad(new Uint8Array(4095)).length, 4096);
  assert.equal(pad(new Uint8Array(4096)).length, 4352);
});

test('unpad rejects every invalid padding with bad_padding', () => {
  const zeros = (length: number) => new Uint8Array(length);
  const withByte = (length: number, index: number, value: number) => {
    const bytes = zeros(length);
    bytes[index] = value;
    return bytes;
  };
  const cases: Array<[string, Uint8Array]> = [
    ['empty', zeros(0)],
    ['not a multiple of 256', withByte(255, 0, 0x80)],
    ['257 bytes', withByte(257, 256, 0x80)],
    ['all zero', zeros(256)],
    ['last non-zero byte is not 0x80', withByte(256, 10, 0x81)],
    ['0x01 at the end', withByte(256, 255, 0x01)],
    ['0x80 before the last block', withByte(512, 255, 0x80)],
    ['0x80 at the very start of two blocks', withByte(512, 0, 0x80)],
  ];
  for (const [what, bytes] of cases) assert.equal(codeOf(unpad(bytes)), 'bad_padding', what);
});

test('unpad takes the last 0x80: earlier 0x80 bytes are message', () => {
  const bytes = new Uint8Array(512);
  bytes[256] = 0x80;
  bytes[300] = 0x80;
  assert.equal(unwrap(unpad(bytes)).length, 300);
  const first = new Uint8Array(512);
  first[256] = 0x80;
  assert.equal(unwrap(unpad(first)).length, 256);
  const last = new Uint8Array(256);
  last[255] = 0x80;
  assert.equal(unwrap(unpad(last)).length, 255);
});
