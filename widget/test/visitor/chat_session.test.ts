import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeEnvelope, parseEnvelope, type Envelope } from '../../src/e2e/envelope';
import type { CounselorIdentity, E2eErrorCode } from '../../src/e2e/index';
import { ChatSession, type ChatSessionListener, type CounselorIdentityShown } from '../../src/visitor/chat_session';
import { kAckDelayMs } from '../../src/shared/delivery';
import { chatCast, chatId, identityOf as identityOfIn, kNow, loadSodium, makeCounselor, type Counselor, type Org } from '../e2e/fixtures';
import { CounselorLeg } from '../support/counselor_leg';
import { FakeClock } from '../shared/fakes';

const sodium = await loadSodium();
const { org, otherOrg, anna, boris, eve } = chatCast(sodium);
const identityOf = (counselor: Counselor, of: Org = org): CounselorIdentity => identityOfIn(of, counselor);

interface Events {
  verified: CounselorIdentityShown[];
  firstFrame: number[];
  messages: string[];
  sent: number[];
  transfers: string[];
  ended: string[];
  failed: E2eErrorCode[];
  delivered: number[];
  undelivered: number[];
}

/** A visitor ChatSession wired to a wire that the test reads and answers as the counselor. */
function setup() {
  const clock = new FakeClock(kNow * 1000);
  const wire: Envelope[] = [];
  const link = { open: true };
  const events: Events = { verified: [], firstFrame: [], messages: [], sent: [], transfers: [], ended: [], failed: [], delivered: [], undelivered: [] };
  const listener: ChatSessionListener = {
    onCounselorVerified: (identity) => events.verified.push(identity),
    onFirstFrameDecrypted: (leg) => events.firstFrame.push(leg),
    onMessage: (text) => events.messages.push(text),
    onTextSent: (id) => events.sent.push(id),
    onTextDelivered: (id) => events.delivered.push(id),
    onTextUndelivered: (ids) => events.undelivered.push(...ids),
    onTransferAuthorised: (name) => events.transfers.push(name),
    onCounselorEnded: (leg, reason) => events.ended.push(`${leg} ${reason}`),
    onVerificationFailed: (code) => events.failed.push(code),
  };
  const id = chatId(sodium, 0);
  const session = new ChatSession(
    sodium,
    id,
    { rootPublicKey: org.root.publicKey, revocationLists: [] },
    (bytes) => {
      if (!link.open) return false;
      const parsed = parseEnvelope(bytes);
      assert.ok(parsed.ok);
      wire.push(parsed.value);
      return true;
    },
    clock,
    listener,
  );
  /** Takes everything the visitor sent since the last call. */
  const drain = (): Envelope[] => wire.splice(0, wire.length);
  /** Feeds the visitor's data frames of `leg` to `counselor` and its replies back. */
  const exchange = (counselor: CounselorLeg): void => {
    for (const envelope of drain()) {
      if (envelope.leg !== counselor.leg) continue;
      if (envelope.type === 'data') {
        for (const reply of counselor.onData(envelope.seq, envelope.payload)) session.handleEnvelope(reply);
      } else if (envelope.type === 'ack') {
        counselor.acknowledged(envelope.seq);
      } else {
        for (const again of counselor.framesFrom(envelope.seq)) session.handleEnvelope(again);
      }
    }
  };
  const counselorFor = (who: Counselor, leg: number, of: Org = org) => new CounselorLeg(sodium, identityOf(who, of), id, leg, () => clock.nowMs() / 1000);
  return { clock, wire, link, events, session, drain, exchange, counselorFor, id };
}

test('a full leg: offer, verified accept, stream_start, texts both ways, acks', () => {
  const { clock, events, session, drain, exchange, counselorFor } = setup();
  session.startLeg(0, 'first');
  const counselor = counselorFor(anna, 0);
  assert.equal(session.sendText(1, 'Здравей, имам нужда от помощ.'), 'kept');
  exchange(counselor);
  assert.equal(events.verified.length, 1);
  assert.equal(events.verified[0]!.name, 'Анна');
  assert.equal(events.verified[0]!.organisation, 'Фондация Убежище');
  assert.equal(events.verified[0]!.code, counselor.verificationCode);
  assert.deepEqual(events.sent, [1], 'the text kept while waiting went out once the session existed');
  assert.ok(session.established);
  exchange(counselor);
  assert.ok(counselor.established);
  assert.deepEqual(counselor.received.map((m) => (m.kind === 'text' ? m.text : m.kind)), ['Здравей, имам нужда от помощ.']);

  assert.deepEqual(events.firstFrame, []);
  session.handleEnvelope(counselor.text('Тук съм. Разкажи ми.'));
  assert.deepEqual(events.firstFrame, [0], 'verified badge only after the first encrypted frame decrypted');
  assert.deepEqual(events.messages, ['Тук съм. Разкажи ми.']);
  assert.equal(session.sendText(2, 'Благодаря.'), 'sent');
  clock.advance(kAckDelayMs);
  const out = drain();
  assert.deepEqual(out.map((e) => `${e.type} ${e.seq}`), ['data 4', 'ack 2']);
});

test('frames are retransmitted unchanged after a reconnect, and a text is delivered once acknowledged', () => {
  const { events, link, session, drain, exchange, counselorFor } = setup();
  session.startLeg(0, 'first');
  const counselor = counselorFor(anna, 0);
  exchange(counselor);
  exchange(counselor);
  link.open = false;
  session.sendText(1, 'едно');
  session.sendText(2, 'две');
  assert.equal(drain().length, 0);
  link.open = true;
  session.resendUnacknowledged();
  const resent = drain();
  assert.deepEqual(resent.filter((e) => e.type === 'data').map((e) => e.seq), [3, 4]);
  for (const envelope of resent) if (envelope.type === 'data') counselor.onData(envelope.seq, envelope.payload);
  assert.deepEqual(counselor.received.map((m) => (m.kind === 'text' ? m.text : '')), ['едно', 'две']);
  assert.deepEqual(events.delivered, [], 'sent is not delivered: nothing is acknowledged yet');
  session.handleEnvelope({ type: 'ack', chatId: counselor.chatId, leg: 0, seq: 3 });
  assert.deepEqual(events.delivered, [1]);
  session.handleEnvelope({ type: 'ack', chatId: counselor.chatId, leg: 0, seq: 4 });
  assert.deepEqual(events.delivered, [1, 2], 'each text delivered once its frame is acknowledged');
  session.resendUnacknowledged();
  assert.equal(drain().filter((e) => e.type === 'data').length, 0);
});

test('texts a lost counselor never acknowledged are reported undelivered when she is lost, once', () => {
  const { events, session, exchange, counselorFor } = setup();
  session.startLeg(0, 'first');
  const anna0 = counselorFor(anna, 0);
  exchange(anna0);
  exchange(anna0);
  session.sendText(1, 'стигна');
  session.sendText(2, 'не стигна');
  session.handleEnvelope({ type: 'ack', chatId: anna0.chatId, leg: 0, seq: 3 });
  session.counselorLost();
  assert.deepEqual(events.delivered, [1]);
  assert.deepEqual(events.undelivered, [2], 'told at the requeue, not when the next counselor comes');
  session.startLeg(1, 'requeue');
  assert.deepEqual(events.undelivered, [2], 'once');
});

test('a gap in the counselor frames asks for a resend, and the resent frames are delivered in order', () => {
  const { clock, session, drain, exchange, counselorFor } = setup();
  session.startLeg(0, 'first');
  const counselor = counselorFor(anna, 0);
  exchange(counselor);
  exchange(counselor);
  const first = counselor.text('първо');
  const second = counselor.text('второ');
  session.handleEnvelope(second);
  assert.deepEqual(drain().map((e) => `${e.type} ${e.seq}`), ['resend 2']);
  session.handleEnvelope(first);
  session.handleEnvelope(second);
  session.handleEnvelope(second);
  clock.advance(kAckDelayMs);
  const { events } = { events: drain() };
  assert.deepEqual(events.map((e) => `${e.type} ${e.seq}`), ['ack 3']);
});

test('a certificate from another organisation fails closed: no stream_start, nothing encrypted, keys wiped', () => {
  const { events, session, drain, counselorFor } = setup();
  session.startLeg(0, 'first');
  session.sendText(1, 'тайна');
  const intruder = counselorFor(eve, 0, otherOrg);
  const offer = drain();
  for (const envelope of offer) {
    if (envelope.type === 'data') for (const reply of intruder.onData(envelope.seq, envelope.payload)) session.handleEnvelope(reply);
  }
  assert.deepEqual(events.failed, ['untrusted_root']);
  assert.deepEqual(events.verified, []);
  assert.deepEqual(drain(), [], 'nothing at all is sent after a failed verification');
  assert.equal(session.sendText(2, 'още'), 'refused');
});

test('a transfer: the authorised counselor is accepted on the next leg, the old leg is ended', () => {
  const { events, session, drain, exchange, counselorFor, id } = setup();
  session.startLeg(0, 'first');
  const a = counselorFor(anna, 0);
  exchange(a);
  exchange(a);
  session.handleEnvelope(a.text('Ще те свържа с колега.'));
  session.handleEnvelope(a.send({ kind: 'transfer', sentAtMs: 0n, nextLeg: 1, certificate: boris.certificate }));
  assert.deepEqual(events.transfers, ['Борис']);
  session.startLeg(1, 'transfer');
  assert.equal(session.leg, 1);
  const leg0 = drain();
  const ends = leg0.filter((e) => e.leg === 0 && e.type === 'data');
  for (const envelope of ends) a.onData(envelope.seq, (envelope as { payload: Uint8Array }).payload);
  assert.deepEqual(a.received.at(-1), { kind: 'end', sentAtMs: a.received.at(-1)!.sentAtMs, reason: 'transferred' });
  // A's own end on leg 0 still reaches the visitor after leg 1 started.
  session.handleEnvelope(a.send({ kind: 'end', sentAtMs: 0n, reason: 'transferred' }));
  assert.deepEqual(events.ended, ['0 transferred']);

  const b = counselorFor(boris, 1);
  for (const envelope of leg0) {
    if (envelope.leg === 1 && envelope.type === 'data') for (const reply of b.onData(envelope.seq, envelope.payload)) session.handleEnvelope(reply);
  }
  assert.deepEqual(events.failed, []);
  assert.equal(events.verified.at(-1)?.name, 'Борис');
  assert.equal(events.verified.at(-1)?.leg, 1);
  exchange(b);
  session.handleEnvelope(b.text('Здравей, аз съм Борис.'));
  assert.deepEqual(events.firstFrame, [0, 1]);
  assert.equal(events.messages.at(-1), 'Здравей, аз съм Борис.');
  void id;
});

test('after a transfer authorising Boris, an accept from anyone else is unauthorized_transfer', () => {
  const { events, session, drain, exchange, counselorFor } = setup();
  session.startLeg(0, 'first');
  const a = counselorFor(anna, 0);
  exchange(a);
  exchange(a);
  session.handleEnvelope(a.send({ kind: 'transfer', sentAtMs: 0n, nextLeg: 1, certificate: boris.certificate }));
  session.startLeg(1, 'transfer');
  const mallory = counselorFor(makeCounselor(sodium, org, 5, { name: 'Друг' }), 1);
  for (const envelope of drain()) {
    if (envelope.leg === 1 && envelope.type === 'data') for (const reply of mallory.onData(envelope.seq, envelope.payload)) session.handleEnvelope(reply);
  }
  assert.deepEqual(events.failed, ['unauthorized_transfer']);
});

test('a transfer leg without any authorisation fails closed; a requeued leg accepts any valid certificate', () => {
  {
    const { events, session, drain, counselorFor } = setup();
    session.startLeg(0, 'first');
    session.startLeg(1, 'transfer');
    const b = counselorFor(boris, 1);
    for (const envelope of drain()) {
      if (envelope.leg === 1 && envelope.type === 'data') for (const reply of b.onData(envelope.seq, envelope.payload)) session.handleEnvelope(reply);
    }
    assert.deepEqual(events.failed, ['unauthorized_transfer']);
  }
  {
    const { events, session, drain, counselorFor } = setup();
    session.startLeg(0, 'first');
    session.startLeg(1, 'requeue');
    const b = counselorFor(boris, 1);
    for (const envelope of drain()) {
      if (envelope.leg === 1 && envelope.type === 'data') for (const reply of b.onData(envelope.seq, envelope.payload)) session.handleEnvelope(reply);
    }
    assert.deepEqual(events.failed, []);
    assert.equal(events.verified.at(-1)?.name, 'Борис');
  }
  {
    const { events, session, drain, counselorFor } = setup();
    session.startLeg(0, 'first');
    session.startLeg(1, 'requeue');
    const e = counselorFor(eve, 1, otherOrg);
    for (const envelope of drain()) {
      if (envelope.leg === 1 && envelope.type === 'data') for (const reply of e.onData(envelope.seq, envelope.payload)) session.handleEnvelope(reply);
    }
    assert.deepEqual(events.failed, ['untrusted_root'], 'a requeue still needs the organisation chain');
  }
});

test('the visitor ends with FINAL; a counselor end makes endedProperly() true, its absence is truncation', () => {
  const { session, drain, exchange, counselorFor } = setup();
  session.startLeg(0, 'first');
  const a = counselorFor(anna, 0);
  exchange(a);
  exchange(a);
  assert.equal(session.endedProperly(), false);
  session.handleEnvelope(a.send({ kind: 'end', sentAtMs: 0n, reason: 'ended' }));
  assert.equal(session.endedProperly(), true);
  session.endByVisitor();
  for (const envelope of drain()) if (envelope.type === 'data') a.onData(envelope.seq, envelope.payload);
  assert.equal(a.received.at(-1)?.kind, 'end');
});

test('frames for another chat or an unknown leg are ignored; dispose() stops everything', () => {
  const { events, session, drain, exchange, counselorFor } = setup();
  session.startLeg(0, 'first');
  const a = counselorFor(anna, 0);
  exchange(a);
  exchange(a);
  const text = a.text('x') as Envelope & { type: 'data' };
  session.handleEnvelope({ ...text, chatId: chatId(sodium, 9) });
  session.handleEnvelope({ ...text, leg: 4 });
  assert.deepEqual(events.messages, []);
  session.dispose();
  session.handleEnvelope(text);
  assert.deepEqual(events.messages, []);
  assert.equal(session.sendText(1, 'x'), 'refused');
  drain();
  void encodeEnvelope;
});
