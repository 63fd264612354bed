import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHandover, sealHandover, kHandoverTextMaxBytes } from '../../src/e2e/handover';
import { chatCast, chatId, codeOf, loadSodium, unwrap } from './fixtures';

const sodium = await loadSodium();
const { anna, boris, eve } = chatCast(sodium);
const binding = { chatId: chatId(sodium), nextLeg: 1, recipientKey: boris.identity.publicKey };
const fromAnna = { certificate: anna.certificate, identitySecretKey: anna.identity.privateKey };

test('a handover note opens for its recipient, with the writer certificate', () => {
  const note = unwrap(sealHandover(sodium, binding, fromAnna, 'Тя е на 15. Баща ѝ е у дома до 18 ч.'));
  assert.ok(note.length <= 48 + 2 + 298 + 64 + kHandoverTextMaxBytes);
  const opened = unwrap(openHandover(sodium, binding, boris.identity.privateKey, note));
  assert.equal(opened.text, 'Тя е на 15. Баща ѝ е у дома до 18 ч.');
  assert.deepEqual(opened.senderCertificate, anna.certificate);
});

test('a note for someone else, another chat or another leg does not open', () => {
  const note = unwrap(sealHandover(sodium, binding, fromAnna, 'note'));
  assert.equal(codeOf(openHandover(sodium, { ...binding, recipientKey: eve.identity.publicKey }, eve.identity.privateKey, note)), 'decrypt_failed');
  assert.equal(codeOf(openHandover(sodium, { ...binding, nextLeg: 2 }, boris.identity.privateKey, note)), 'bad_handshake_signature');
  assert.equal(codeOf(openHandover(sodium, { ...binding, chatId: chatId(sodium, 1) }, boris.identity.privateKey, note)), 'bad_handshake_signature');
  const damaged = note.slice();
  damaged[damaged.length - 1] = (damaged[damaged.length - 1] ?? 0) ^ 1;
  assert.equal(codeOf(openHandover(sodium, binding, boris.identity.privateKey, damaged)), 'decrypt_failed');
});

test('a note sealed to Boris but signed for Eve is refused (no forwarding)', () => {
  // Boris cannot pass Anna's note to Eve as if Anna had written it for Eve: the signature names him.
  const forBoris = unwrap(sealHandover(sodium, binding, fromAnna, 'note'));
  const inner = unwrap(openHandover(sodium, binding, boris.identity.privateKey, forBoris));
  assert.equal(inner.text, 'note');
  const resealed = sodium.crypto_box_seal(
    sodium.crypto_box_seal_open(forBoris, sodium.crypto_sign_ed25519_pk_to_curve25519(boris.identity.publicKey), sodium.crypto_sign_ed25519_sk_to_curve25519(boris.identity.privateKey)),
    sodium.crypto_sign_ed25519_pk_to_curve25519(eve.identity.publicKey),
  );
  assert.equal(codeOf(openHandover(sodium, { ...binding, recipientKey: eve.identity.publicKey }, eve.identity.privateKey, resealed)), 'bad_handshake_signature');
});

test('the note text is 1 to 1000 bytes', () => {
  assert.ok(sealHandover(sodium, binding, fromAnna, 'я'.repeat(500)).ok);
  assert.equal(codeOf(sealHandover(sodium, binding, fromAnna, 'я'.repeat(501))), 'message_too_long');
  assert.equal(codeOf(sealHandover(sodium, binding, fromAnna, '')), 'malformed');
  assert.equal(codeOf(openHandover(sodium, binding, boris.identity.privateKey, new Uint8Array(48))), 'malformed');
});
