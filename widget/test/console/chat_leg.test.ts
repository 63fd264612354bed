import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnvelope, type Envelope } from '../../src/e2e/envelope';
import type { CounselorIdentity, E2eErrorCode, HistoryEntry } from '../../src/e2e/index';
import { ChatLeg, type ChatLegListener } from '../../src/console/chat_leg';
import { kAckDelayMs } from '../../src/shared/delivery';
import { ChatSession, historyBatches, type ChatSessionListener } from '../../src/visitor/chat_session';
import { chatCast, chatId, identityOf as identityOfIn, kNow, loadSodium, type Counselor, type Org } from '../e2e/fixtures';
import { FakeClock } from '../shared/fakes';

const sodium = await loadSodium();
const { org, otherOrg, anna, boris, eve } = chatCast(sodium);
const identityOf = (counselor: Counselor, of: Org = org): CounselorIdentity => identityOfIn(of, counselor);

interface CounselorEvents {
  established: string[];
  texts: string[];
  sent: number[];
  visitorEnded: string[];
  problems: E2eErrorCode[];
  acked: number[];
  history: HistoryEntry[];
}

function counselorListener(): { events: CounselorEvents; listener: ChatLegListener } {
  const events: CounselorEvents = { established: [], texts: [], sent: [], visitorEnded: [], problems: [], acked: [], history: [] };
  return {
    events,
    listener: {
      onEstablished: (code) => events.established.push(code),
      onText: (text) => events.texts.push(text),
      onTextSent: (id) => events.sent.push(id),
      onVisitorEnded: (reason) => events.visitorEnded.push(reason),
      onHistory: (entries) => events.history.push(...entries),
      onProblem: (code) => events.problems.push(code),
      onAcknowledged: (seq) => events.acked.push(seq),
    },
  };
}

interface VisitorEvents {
  messages: string[];
  transfers: string[];
  ended: string[];
  failed: E2eErrorCode[];
  codes: string[];
}

/** A visitor's ChatSession and a counselor's ChatLeg joined by an in-memory relay. */
function pair(counselor: Counselor = anna, of: Org = org, index = 0, legNumber = 0) {
  const clock = new FakeClock(kNow * 1000);
  const id = chatId(sodium, index);
  const toCounselor: Uint8Array[] = [];
  const toVisitor: Uint8Array[] = [];
  const visitorEvents: VisitorEvents = { messages: [], transfers: [], ended: [], failed: [], codes: [] };
  const visitorListener: ChatSessionListener = {
    onCounselorVerified: (identity) => visitorEvents.codes.push(identity.code),
    onFirstFrameDecrypted: () => {},
    onMessage: (text) => visitorEvents.messages.push(text),
    onTextSent: () => {},
    onTransferAuthorised: (name) => visitorEvents.transfers.push(name),
    onCounselorEnded: (_leg, reason) => visitorEvents.ended.push(reason),
    onVerificationFailed: (code) => visitorEvents.failed.push(code),
  };
  const visitor = new ChatSession(sodium, id, { rootPublicKey: org.root.publicKey, revocationLists: [] }, (bytes) => (toCounselor.push(bytes), true), clock, visitorListener);
  const { events, listener } = counselorListener();
  const leg = new ChatLeg(sodium, identityOf(counselor, of), id, legNumber, (bytes) => (toVisitor.push(bytes), true), clock, listener);
  const deliver = (envelope: Uint8Array, to: 'visitor' | 'counselor') => {
    const parsed = parseEnvelope(envelope);
    assert.ok(parsed.ok);
    if (to === 'visitor') visitor.handleEnvelope(parsed.value);
    else leg.handleEnvelope(parsed.value);
  };
  /** Delivers everything queued both ways (acks come after their delay) until nothing moves. */
  const pump = (drop?: (envelope: Envelope, to: 'visitor' | 'counselor') => boolean) => {
    for (let round = 0; round < 50; round++) {
      if (toCounselor.length === 0 && toVisitor.length === 0) {
        clock.advance(kAckDelayMs + 1);
        if (toCounselor.length === 0 && toVisitor.length === 0) return;
      }
      for (const [queue, to] of [[toCounselor, 'counselor'], [toVisitor, 'visitor']] as const) {
        const batch = queue.splice(0);
        for (const bytes of batch) {
          const parsed = parseEnvelope(bytes);
          if (parsed.ok && drop?.(parsed.value, to)) continue;
          deliver(bytes, to);
        }
      }
    }
  };
  return { clock, id, visitor, leg, events, visitorEvents, pump, toCounselor, toVisitor };
}

test('the counselor answers the offer, the visitor verifies, texts go both ways, and both see the same code', () => {
  const { visitor, leg, events, visitorEvents, pump } = pair();
  visitor.startLeg(0, 'first');
  assert.equal(leg.sendText(1, 'Здравей, тук съм.'), 'kept', 'before the stream starts the text waits in memory');
  pump();
  assert.equal(leg.established, true);
  assert.equal(events.established.length, 1);
  assert.deepEqual(events.sent, [1]);
  assert.deepEqual(visitorEvents.messages, ['Здравей, тук съм.']);
  assert.deepEqual(visitorEvents.codes, [leg.code]);
  visitor.sendText(7, 'Страх ме е.');
  assert.equal(leg.sendText(2, 'Разбирам.'), 'sent');
  pump();
  assert.deepEqual(events.texts, ['Страх ме е.']);
  assert.deepEqual(visitorEvents.messages, ['Здравей, тук съм.', 'Разбирам.']);
  assert.ok(leg.acknowledgedSeq >= 3, 'the visitor acknowledged the counselor’s frames');
});

test('a frame lost on the way is asked for again and delivered once, in order', () => {
  const { visitor, leg, events, pump } = pair();
  visitor.startLeg(0, 'first');
  pump();
  visitor.sendText(1, 'едно');
  visitor.sendText(2, 'две');
  visitor.sendText(3, 'три');
  let dropped = false;
  pump((envelope, to) => {
    if (to === 'counselor' && envelope.type === 'data' && envelope.seq === 4 && !dropped) {
      dropped = true;
      return true;
    }
    return false;
  });
  assert.ok(dropped);
  // "три" arrived after a gap: the counselor asked for a resend from "две", and got both.
  assert.deepEqual(events.texts, ['едно', 'две', 'три']);
  assert.equal(leg.established, true);
});

test('a resent offer is acknowledged again without a second handshake', () => {
  const { visitor, leg, events, pump, toCounselor } = pair();
  visitor.startLeg(0, 'first');
  const offer = toCounselor[0]!.slice();
  pump();
  const code = leg.code;
  const parsed = parseEnvelope(offer);
  assert.ok(parsed.ok);
  leg.handleEnvelope(parsed.value);
  pump();
  assert.equal(leg.code, code);
  assert.equal(events.established.length, 1);
  assert.deepEqual(events.problems, []);
});

test('the transfer authorisation travels in the stream and names the next leg’s certificate', () => {
  const { visitor, leg, visitorEvents, pump } = pair();
  visitor.startLeg(0, 'first');
  pump();
  const seq = leg.authoriseTransfer(boris.certificate);
  assert.equal(typeof seq, 'number');
  pump();
  assert.deepEqual(visitorEvents.transfers, ['Борис']);
  assert.ok(leg.acknowledgedSeq >= (seq ?? Infinity), 'the visitor acknowledged the authorisation');
  leg.end('transferred');
  pump();
  assert.deepEqual(visitorEvents.ended, ['transferred']);
  assert.equal(leg.sendText(9, 'още'), 'refused', 'nothing after end');
});

test('before the stream exists no transfer can be authorised', () => {
  const { leg } = pair();
  assert.equal(leg.authoriseTransfer(boris.certificate), null);
});

test('a counselor of another organisation is refused by the visitor, fail closed', () => {
  const { visitor, leg, visitorEvents, events, pump } = pair(eve, otherOrg);
  visitor.startLeg(0, 'first');
  leg.sendText(1, 'не трябва да стигне');
  pump();
  assert.deepEqual(visitorEvents.failed, ['untrusted_root']);
  assert.deepEqual(visitorEvents.messages, []);
  assert.equal(events.established.length, 0, 'no stream_start came back');
});

test('an offer for another chat is a problem, not an answer', () => {
  const clock = new FakeClock(kNow * 1000);
  const { events, listener } = counselorListener();
  const sent: Uint8Array[] = [];
  const leg = new ChatLeg(sodium, identityOf(anna), chatId(sodium, 1), 0, (bytes) => (sent.push(bytes), true), clock, listener);
  const other = pair(anna, org, 2);
  other.visitor.startLeg(0, 'first');
  const offer = parseEnvelope(other.toCounselor[0]!);
  assert.ok(offer.ok);
  leg.handleEnvelope({ ...offer.value, chatId: chatId(sodium, 1) });
  assert.deepEqual(events.problems, ['wrong_chat']);
  assert.equal(sent.filter((bytes) => bytes[0] === 0x01).length, 0, 'no accept was sent');
});

test('the visitor’s end arrives as FINAL; dispose wipes the leg', () => {
  const { visitor, leg, events, pump } = pair();
  visitor.startLeg(0, 'first');
  pump();
  visitor.endByVisitor();
  pump();
  assert.deepEqual(events.visitorEnded, ['ended']);
  leg.dispose();
  assert.equal(leg.sendText(1, 'x'), 'refused');
});

test('texts the grammar cannot carry are refused and nothing is kept', () => {
  const { leg } = pair();
  assert.equal(leg.sendText(1, ''), 'refused');
  assert.equal(leg.sendText(2, 'я'.repeat(2001)), 'refused', '4002 bytes of UTF-8');
  assert.equal(leg.pendingCount, 0);
});

test('quick exit ends the visitor’s stream with its own reason, so the counselor can tell it from an end', () => {
  const { visitor, events, pump } = pair();
  visitor.startLeg(0, 'first');
  pump();
  visitor.endByVisitor('quick_exit');
  pump();
  assert.deepEqual(events.visitorEnded, ['quick_exit']);
});

test('after a requeue the visitor may share the earlier conversation; it arrives in order, packed', () => {
  const { visitor, events, pump } = pair(anna, org, 0, 1);
  const earlier = [
    { from: 'visitor' as const, sentAtMs: 1000n, text: 'Баща ми пак крещи.' },
    { from: 'counselor' as const, sentAtMs: 2000n, text: 'В безопасност ли си сега?' },
    ...Array.from({ length: 3 }, (_, i) => ({ from: 'visitor' as const, sentAtMs: BigInt(3000 + i), text: 'ж'.repeat(1500) })),
  ];
  assert.equal(visitor.shareHistory(earlier), false, 'nothing before the leg exists');
  visitor.startLeg(1, 'requeue');
  pump();
  assert.equal(visitor.shareHistory(earlier), true);
  pump();
  assert.deepEqual(events.history, earlier);
  assert.equal(events.problems.length, 0);
});

test('history batches stay under the message limit and keep the order', () => {
  const entries = Array.from({ length: 12 }, (_, i) => ({ from: 'visitor' as const, sentAtMs: BigInt(i), text: 'я'.repeat(700 + i) }));
  const batches = historyBatches(entries);
  assert.deepEqual(batches.flat(), entries);
  for (const batch of batches) {
    const bytes = 9 + batch.reduce((sum, entry) => sum + 11 + new TextEncoder().encode(entry.text).length, 0);
    assert.ok(bytes <= 4095, `${bytes} bytes`);
  }
  assert.ok(batches.length >= 5 && batches.length <= 6, `${batches.length} batches`);
});
