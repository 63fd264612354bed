import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concat, u16, utf8 } from '../../src/e2e/bytes';
import { CounselorHandshake, VisitorHandshake, type CounselorIdentity, type LegId } from '../../src/e2e/handshake';
import { encodeAccept, encodeOffer, encodeStreamStart, parseAccept, parseOffer } from '../../src/e2e/handshake_wire';
import { formatVerificationCode } from '../../src/e2e/session_keys';
import { kTagMessage } from '../../src/e2e/stream';
import { chatId, codeOf, flipBit, kNow, loadSodium, makeCounselor, makeOrg, unwrap, type Counselor } from './fixtures';

const sodium = await loadSodium();
const org = makeOrg(sodium);
const counselor = makeCounselor(sodium, org, 0);
const leg0: LegId = { chatId: chatId(sodium, 0), leg: 0 };
const trust = { rootPublicKey: org.root.publicKey, revocationLists: [] };

function identity(who: Counselor = counselor): CounselorIdentity {
  return { signingCertificate: org.signingCertificate, counselorCertificate: who.certificate, identitySecretKey: who.identity.privateKey };
}

function handshake(legId: LegId = leg0, who: Counselor = counselor) {
  const visitor = new VisitorHandshake(sodium, legId);
  const answer = unwrap(CounselorHandshake.answer(sodium, visitor.offer, legId, identity(who), kNow));
  return { visitor, answer };
}

test('offer and stream_start have the sizes of §5', () => {
  const { visitor, answer } = handshake();
  assert.equal(visitor.offer.length, 87);
  assert.equal(answer.accept.length, 4 + 1 + 16 + 2 + 32 + 2 + org.signingCertificate.length + 2 + counselor.certificate.length + 64 + 24);
  const session = unwrap(visitor.receiveAccept(answer.accept, trust, kNow));
  assert.equal(session.streamStart.length, 47);
});

test('a full handshake gives both sides the same transcript, code and working streams both ways', () => {
  const { visitor, answer } = handshake();
  const session = unwrap(visitor.receiveAccept(answer.accept, trust, kNow));
  assert.deepEqual(session.transcriptHash, answer.transcriptHash);
  assert.equal(session.code, answer.code);
  assert.match(session.code, /^\d{6}$/);
  assert.match(formatVerificationCode(session.code), /^\d{3} \d{3}$/);
  assert.equal(session.counselor.name, 'Мария');
  const v2cReceiver = unwrap(answer.receiveStreamStart(session.streamStart));

  const toCounselor = unwrap(session.sender.send({ kind: 'text', sentAtMs: 1n, text: 'Здравейте' }, kNow));
  assert.equal(toCounselor.seq, 3);
  assert.deepEqual(unwrap(v2cReceiver.receive(3, toCounselor.frame)).message, { kind: 'text', sentAtMs: 1n, text: 'Здравейте' });
  const toVisitor = unwrap(answer.sender.send({ kind: 'text', sentAtMs: 2n, text: 'Тук съм.' }, kNow));
  assert.equal(toVisitor.seq, 2);
  assert.equal(unwrap(session.receiver.receive(2, toVisitor.frame)).tag, kTagMessage);
});

test('two handshakes of the same leg share nothing', () => {
  const first = handshake();
  const second = handshake();
  assert.notDeepEqual(first.visitor.offer, second.visitor.offer);
  const one = unwrap(first.visitor.receiveAccept(first.answer.accept, trust, kNow));
  const two = unwrap(second.visitor.receiveAccept(second.answer.accept, trust, kNow));
  assert.notDeepEqual(one.transcriptHash, two.transcriptHash);
  const frame = unwrap(first.answer.sender.send({ kind: 'text', sentAtMs: 0n, text: 'x' }, kNow));
  assert.equal(codeOf(two.receiver.receive(2, frame.frame)), 'decrypt_failed');
});

test('an accept replayed from another chat or leg is wrong_chat', () => {
  const otherChat = handshake({ chatId: chatId(sodium, 1), leg: 0 });
  const visitor = new VisitorHandshake(sodium, leg0);
  assert.equal(codeOf(visitor.receiveAccept(otherChat.answer.accept, trust, kNow)), 'wrong_chat');

  const otherLeg = handshake({ chatId: leg0.chatId, leg: 1 });
  assert.equal(codeOf(new VisitorHandshake(sodium, leg0).receiveAccept(otherLeg.answer.accept, trust, kNow)), 'wrong_chat');
});

test('the counselor refuses an offer or stream_start for another chat or leg', () => {
  const visitor = new VisitorHandshake(sodium, leg0);
  assert.equal(codeOf(CounselorHandshake.answer(sodium, visitor.offer, { ...leg0, chatId: chatId(sodium, 2) }, identity(), kNow)), 'wrong_chat');
  assert.equal(codeOf(CounselorHandshake.answer(sodium, visitor.offer, { ...leg0, leg: 1 }, identity(), kNow)), 'wrong_chat');
  const { visitor: v, answer } = handshake();
  const session = unwrap(v.receiveAccept(answer.accept, trust, kNow));
  const header = session.streamStart.subarray(23);
  const elsewhere = encodeStreamStart({ chatId: chatId(sodium, 3), leg: 0, v2cHeader: header });
  assert.equal(codeOf(answer.receiveStreamStart(elsewhere)), 'wrong_chat');
  assert.equal(codeOf(answer.receiveStreamStart(session.streamStart)), 'duplicate_frame', 'the leg is over after a failure');
});

test('a swapped ephemeral key, nonce or signature is bad_handshake_signature', () => {
  const { visitor, answer } = handshake();
  const accept = unwrap(parseAccept(answer.accept));
  const attacker = sodium.crypto_kx_keypair();
  const swapped = encodeAccept({ ...accept, counselorKxPublicKey: attacker.publicKey });
  assert.equal(codeOf(visitor.receiveAccept(swapped, trust, kNow)), 'bad_handshake_signature');

  const second = handshake();
  const badSignature = encodeAccept({ ...unwrap(parseAccept(second.answer.accept)), signature: flipBit(accept.signature, 5) });
  assert.equal(codeOf(second.visitor.receiveAccept(badSignature, trust, kNow)), 'bad_handshake_signature');

  // The server swaps the visitor's key in the offer: the counselor signs a transcript the visitor never saw.
  const visitor3 = new VisitorHandshake(sodium, leg0);
  const offer = unwrap(parseOffer(visitor3.offer));
  const forged = encodeOffer({ ...offer, visitorKxPublicKey: sodium.crypto_kx_keypair().publicKey });
  const answered = unwrap(CounselorHandshake.answer(sodium, forged, leg0, identity(), kNow));
  assert.equal(codeOf(visitor3.receiveAccept(answered.accept, trust, kNow)), 'bad_handshake_signature');

  const visitor4 = new VisitorHandshake(sodium, leg0);
  const changedNonce = encodeOffer({ ...unwrap(parseOffer(visitor4.offer)), visitorNonce: new Uint8Array(32) });
  const answered4 = unwrap(CounselorHandshake.answer(sodium, changedNonce, leg0, identity(), kNow));
  assert.equal(codeOf(visitor4.receiveAccept(answered4.accept, trust, kNow)), 'bad_handshake_signature');
});

test('a transcript signed by another valid counselor than the certificate shown is bad_handshake_signature', () => {
  const other = makeCounselor(sodium, org, 5);
  const visitor = new VisitorHandshake(sodium, leg0);
  const impostor: CounselorIdentity = { ...identity(counselor), identitySecretKey: other.identity.privateKey };
  const answer = unwrap(CounselorHandshake.answer(sodium, visitor.offer, leg0, impostor, kNow));
  assert.equal(codeOf(visitor.receiveAccept(answer.accept, trust, kNow)), 'bad_handshake_signature');
});

test('the chain is checked before the signature', () => {
  const foreign = makeOrg(sodium, 'foreign');
  const foreignCounselor = makeCounselor(sodium, foreign);
  const visitor = new VisitorHandshake(sodium, leg0);
  const answer = unwrap(
    CounselorHandshake.answer(sodium, visitor.offer, leg0, {
      signingCertificate: foreign.signingCertificate,
      counselorCertificate: foreignCounselor.certificate,
      identitySecretKey: foreignCounselor.identity.privateKey,
    }, kNow),
  );
  assert.equal(codeOf(visitor.receiveAccept(answer.accept, trust, kNow)), 'untrusted_root');
  const expired = handshake();
  assert.equal(codeOf(expired.visitor.receiveAccept(expired.answer.accept, trust, kNow + 400 * 86400)), 'expired');
});

test('on leg > 0 only the authorised certificate is accepted', () => {
  const leg1: LegId = { chatId: leg0.chatId, leg: 1 };
  const authorised = makeCounselor(sodium, org, 1);
  const other = makeCounselor(sodium, org, 2);

  const good = handshake(leg1, authorised);
  const session = unwrap(good.visitor.receiveAccept(good.answer.accept, { ...trust, authorisedCertificate: authorised.certificate }, kNow));
  assert.equal(session.counselor.handle, 'c-1');

  const wrong = handshake(leg1, other);
  assert.equal(
    codeOf(wrong.visitor.receiveAccept(wrong.answer.accept, { ...trust, authorisedCertificate: authorised.certificate }, kNow)),
    'unauthorized_transfer',
  );
  const none = handshake(leg1, authorised);
  assert.equal(codeOf(none.visitor.receiveAccept(none.answer.accept, trust, kNow)), 'unauthorized_transfer');
});

test('an accept is handled once: the ephemeral secret is gone afterwards', () => {
  const { visitor, answer } = handshake();
  assert.equal(codeOf(visitor.receiveAccept(flipBit(answer.accept, 0), trust, kNow)), 'malformed');
  assert.equal(codeOf(visitor.receiveAccept(answer.accept, trust, kNow)), 'duplicate_frame');
});

test('malformed handshake frames', () => {
  const { visitor, answer } = handshake();
  const accept = answer.accept;
  const cases: Array<[string, Uint8Array, string]> = [
    ['empty', new Uint8Array(0), 'malformed'],
    ['offer magic', concat(utf8('HVO1'), accept.subarray(4)), 'malformed'],
    ['version 2', concat(accept.subarray(0, 4), Uint8Array.of(2), accept.subarray(5)), 'unsupported_version'],
    ['truncated', accept.subarray(0, accept.length - 1), 'malformed'],
    ['trailing byte', concat(accept, Uint8Array.of(0)), 'malformed'],
    ['S longer than 298 bytes', concat(accept.subarray(0, 55), u16(299), new Uint8Array(accept.length)), 'malformed'],
  ];
  for (const [what, bytes, code] of cases) {
    assert.equal(codeOf(new VisitorHandshake(sodium, leg0).receiveAccept(bytes, trust, kNow)), code, what);
  }
  for (let length = 0; length < visitor.offer.length; length++) {
    assert.equal(codeOf(CounselorHandshake.answer(sodium, visitor.offer.subarray(0, length), leg0, identity(), kNow)), 'malformed');
  }
  const v2 = visitor.offer.slice();
  v2[4] = 2;
  assert.equal(codeOf(CounselorHandshake.answer(sodium, v2, leg0, identity(), kNow)), 'unsupported_version');
  const lowOrder = encodeOffer({ ...unwrap(parseOffer(visitor.offer)), visitorKxPublicKey: new Uint8Array(32) });
  assert.equal(codeOf(CounselorHandshake.answer(sodium, lowOrder, leg0, identity(), kNow)), 'malformed');
});

test('an altered c2v header passes the handshake but no c2v frame decrypts', () => {
  const { visitor, answer } = handshake();
  const altered = flipBit(answer.accept, (answer.accept.length - 1) * 8);
  const session = unwrap(visitor.receiveAccept(altered, trust, kNow));
  const frame = unwrap(answer.sender.send({ kind: 'text', sentAtMs: 0n, text: 'x' }, kNow));
  assert.equal(codeOf(session.receiver.receive(2, frame.frame)), 'decrypt_failed');
});
