// Known answers from C libsodium 1.0.18 (a throwaway C program written from protocol.md §5 alone):
// they pin the labels, the field order and which kx output feeds which direction, none of which
// a TypeScript-only round trip could notice if both ends made the same mistake.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex } from '../../src/e2e/bytes';
import { encodeOffer } from '../../src/e2e/handshake_wire';
import { deriveStreamKeys, signTranscript, transcriptHash, verificationCode, verifyTranscriptSignature } from '../../src/e2e/session_keys';
import { codeOf, loadSodium, unwrap } from './fixtures';

const sodium = await loadSodium();
const fill = (byte: number, length: number) => new Uint8Array(length).fill(byte);

const chatId = Uint8Array.from({ length: 16 }, (_, i) => i);
const leg = 7;
const visitorNonce = fill(0x11, 32);
const visitorKx = sodium.crypto_kx_seed_keypair(fill(0x22, 32));
const counselorKx = sodium.crypto_kx_seed_keypair(fill(0x33, 32));
const identity = sodium.crypto_sign_seed_keypair(fill(0x44, 32));
const input = {
  chatId,
  leg,
  visitorNonce,
  visitorKxPublicKey: visitorKx.publicKey,
  counselorKxPublicKey: counselorKx.publicKey,
  signingCertificate: fill(0x53, 5),
  counselorCertificate: fill(0x43, 7),
};

const kOffer =
  '48564f3101000102030405060708090a0b0c0d0e0f0007' +
  '1111111111111111111111111111111111111111111111111111111111111111' +
  '89e2e17b0a384fecb8057084b5b1ba5b5c3c0eca440388432103a9c6e152d81f';
const kTranscript = 'db12077537edf65e4f5ecaa08cb0a59fd5e70b4396ba11b50c9ae601863b8d3f';
const kSignature =
  '73186e1d216c20db9e13875f57a353ac5db49713460d37e694703f3040fb2ae3' +
  'aeee8e7d609b2626246a1ff2ef7f332c6d7e513a813826607f5b3d77df880d05';
const kKeyV2c = '4c8b7986299564fcc7b23874bdfd088b25f1fe71988a271050a54e7c1af20d7b';
const kKeyC2v = '4e163ae4e19d710010bbf355a6f48f1b73719d1b4854cf71bced84d0688205d0';

test('offer, transcript hash, signature and code match C', () => {
  assert.equal(toHex(encodeOffer({ chatId, leg, visitorNonce, visitorKxPublicKey: visitorKx.publicKey })), kOffer);
  const transcript = transcriptHash(sodium, input);
  assert.equal(toHex(transcript), kTranscript);
  const signature = signTranscript(sodium, identity.privateKey, transcript);
  assert.equal(toHex(signature), kSignature);
  assert.ok(verifyTranscriptSignature(sodium, identity.publicKey, transcript, signature));
  assert.ok(!verifyTranscriptSignature(sodium, visitorKx.publicKey, transcript, signature));
  assert.equal(verificationCode(sodium, transcript), '414582');
});

test('both roles derive the C stream keys: visitor is the kx client, counselor the server', () => {
  const transcript = transcriptHash(sodium, input);
  const visitor = unwrap(deriveStreamKeys(sodium, 'visitor', visitorKx.publicKey, visitorKx.privateKey, counselorKx.publicKey, transcript));
  const counselor = unwrap(
    deriveStreamKeys(sodium, 'counselor', counselorKx.publicKey, counselorKx.privateKey, visitorKx.publicKey, transcript),
  );
  assert.equal(toHex(visitor.keyV2c), kKeyV2c);
  assert.equal(toHex(visitor.keyC2v), kKeyC2v);
  assert.equal(toHex(counselor.keyV2c), kKeyV2c);
  assert.equal(toHex(counselor.keyC2v), kKeyC2v);
});

test('the keys are bound to the transcript', () => {
  const other = transcriptHash(sodium, { ...input, leg: 8 });
  const keys = unwrap(deriveStreamKeys(sodium, 'visitor', visitorKx.publicKey, visitorKx.privateKey, counselorKx.publicKey, other));
  assert.notEqual(toHex(keys.keyV2c), kKeyV2c);
  assert.notEqual(toHex(keys.keyC2v), kKeyC2v);
});

test('a low-order peer key is refused', () => {
  const zero = new Uint8Array(32);
  assert.equal(codeOf(deriveStreamKeys(sodium, 'visitor', visitorKx.publicKey, visitorKx.privateKey, zero, zero)), 'malformed');
});
