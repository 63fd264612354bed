import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CounselorHandshake, VisitorHandshake, type LegId } from '../../src/e2e/handshake';
import { issueRevocationList, kIssuerSigning } from '../../src/e2e/revocation';
import { kTagFinal } from '../../src/e2e/stream';
import { authoriseTransfer, type TransferContext } from '../../src/e2e/transfer';
import { chatId, codeOf, kNow, kNowBig, loadSodium, makeCounselor, makeOrg, unwrap, type Counselor } from './fixtures';

const sodium = await loadSodium();
const org = makeOrg(sodium);
const alice = makeCounselor(sodium, org, 10);
const bob = makeCounselor(sodium, org, 11, { name: 'Борислав' });
const mallory = makeCounselor(sodium, org, 12);
const chat = chatId(sodium, 7);
const trust = { rootPublicKey: org.root.publicKey, revocationLists: [] as Uint8Array[] };

function legWith(who: Counselor, leg: number, authorisedCertificate?: Uint8Array) {
  const legId: LegId = { chatId: chat, leg };
  const visitor = new VisitorHandshake(sodium, legId);
  const counselor = unwrap(
    CounselorHandshake.answer(
      sodium,
      visitor.offer,
      legId,
      { signingCertificate: org.signingCertificate, counselorCertificate: who.certificate, identitySecretKey: who.identity.privateKey },
      kNow,
    ),
  );
  const visitorTrust = authorisedCertificate === undefined ? trust : { ...trust, authorisedCertificate };
  return { visitor, counselor, result: visitor.receiveAccept(counselor.accept, visitorTrust, kNow) };
}

function context(overrides: Partial<TransferContext> = {}): TransferContext {
  return { currentLeg: 0, signingCertificate: org.signingCertificate, rootPublicKey: org.root.publicKey, revocationLists: [], nowSeconds: kNow, ...overrides };
}

test('a transfer inside the encrypted stream authorises exactly the next leg and certificate', () => {
  const first = legWith(alice, 0);
  const session0 = unwrap(first.result);
  const v2cReceiver0 = unwrap(first.counselor.receiveStreamStart(session0.streamStart));

  const transfer = unwrap(first.counselor.sender.send({ kind: 'transfer', sentAtMs: 1n, nextLeg: 1, certificate: bob.certificate }, kNow));
  const received = unwrap(session0.receiver.receive(transfer.seq, transfer.frame));
  const authorisation = unwrap(authoriseTransfer(sodium, received.message, context()));
  assert.equal(authorisation.leg, 1);
  assert.equal(authorisation.counselor.name, 'Борислав');

  const second = legWith(bob, 1, authorisation.certificate);
  const session1 = unwrap(second.result);
  assert.equal(session1.counselor.handle, 'c-11');

  // Counselor A ends its leg as transferred; the visitor ends its own v2c stream of leg 0.
  const endA = unwrap(first.counselor.sender.send({ kind: 'end', sentAtMs: 2n, reason: 'transferred' }, kNow));
  assert.equal(endA.tag, kTagFinal);
  assert.deepEqual(unwrap(session0.receiver.receive(endA.seq, endA.frame)).message, { kind: 'end', sentAtMs: 2n, reason: 'transferred' });
  const endV = unwrap(session0.sender.send({ kind: 'end', sentAtMs: 3n, reason: 'transferred' }, kNow));
  assert.equal(unwrap(v2cReceiver0.receive(endV.seq, endV.frame)).tag, kTagFinal);
  assert.equal(codeOf(session0.receiver.end()), 'ok');
  assert.equal(codeOf(v2cReceiver0.end()), 'ok');
});

test('the server cannot route the next leg to someone else', () => {
  const authorisation = unwrap(
    authoriseTransfer(sodium, { kind: 'transfer', sentAtMs: 0n, nextLeg: 1, certificate: bob.certificate }, context()),
  );
  assert.equal(codeOf(legWith(mallory, 1, authorisation.certificate).result), 'unauthorized_transfer');
  assert.equal(codeOf(legWith(alice, 1, authorisation.certificate).result), 'unauthorized_transfer');
  assert.equal(codeOf(legWith(bob, 1).result), 'unauthorized_transfer', 'no authorisation at all');
  assert.equal(codeOf(legWith(bob, 2, authorisation.certificate).result), 'ok', 'the caller looks up authorised[leg]');
});

test('a transfer must name the next leg and carry a certificate with a valid chain', () => {
  const message = { kind: 'transfer' as const, sentAtMs: 0n, nextLeg: 1, certificate: bob.certificate };
  assert.equal(codeOf(authoriseTransfer(sodium, { ...message, nextLeg: 2 }, context())), 'bad_message');
  assert.equal(codeOf(authoriseTransfer(sodium, { ...message, nextLeg: 0 }, context())), 'bad_message');
  assert.equal(codeOf(authoriseTransfer(sodium, { ...message, nextLeg: 4 }, context({ currentLeg: 3 }))), 'ok');
  assert.equal(codeOf(authoriseTransfer(sodium, { kind: 'text', sentAtMs: 0n, text: 'x' }, context())), 'bad_message');
  const foreign = makeOrg(sodium, 'foreign');
  assert.equal(codeOf(authoriseTransfer(sodium, { ...message, certificate: makeCounselor(sodium, foreign).certificate }, context())), 'bad_certificate_signature');
  assert.equal(codeOf(authoriseTransfer(sodium, { ...message, certificate: bob.certificate.subarray(1) }, context())), 'malformed');
  assert.equal(codeOf(authoriseTransfer(sodium, message, context({ nowSeconds: kNow + 100 * 86400 }))), 'expired');
  const revoked = unwrap(issueRevocationList(sodium, org.signing.privateKey, { issuerKind: kIssuerSigning, issuedAt: kNowBig, serials: [bob.serial] }));
  assert.equal(codeOf(authoriseTransfer(sodium, message, context({ revocationLists: [revoked] }))), 'revoked');
});
