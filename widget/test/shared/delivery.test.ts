import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnvelope, type Envelope } from '../../src/e2e/envelope';
import { kAckDelayMs, kResendBatch, kResendIntervalMs, kResendPaceMs, LegDelivery } from '../../src/shared/delivery';
import { FakeClock } from './fakes';

const kChat = new Uint8Array(16).fill(7);

function setup(open = true) {
  const clock = new FakeClock();
  const wire: Envelope[] = [];
  const state = { open };
  const delivery = new LegDelivery(kChat, 3, (bytes) => {
    if (!state.open) return false;
    const parsed = parseEnvelope(bytes);
    assert.ok(parsed.ok);
    wire.push(parsed.value);
    return true;
  }, clock);
  return { clock, wire, state, delivery };
}

const frame = (n: number) => new Uint8Array([n, n, n]);
const summary = (wire: Envelope[]) => wire.map((e) => `${e.type} ${e.leg}:${e.seq}`);

test('frames go out in order with the chat id and leg, and must be pushed in seq order', () => {
  const { wire, delivery } = setup();
  delivery.push(1, frame(1));
  delivery.push(2, frame(2));
  assert.deepEqual(summary(wire), ['data 3:1', 'data 3:2']);
  assert.deepEqual(wire[0]!.chatId, kChat);
  assert.throws(() => delivery.push(4, frame(4)), RangeError);
  assert.equal(delivery.nextSeq, 3);
});

test('frames are kept until a cumulative ack covers them, and resent byte for byte', () => {
  const { wire, delivery } = setup();
  for (let seq = 1; seq <= 4; seq++) delivery.push(seq, frame(seq));
  delivery.acknowledged(2);
  assert.equal(delivery.unacknowledged, 2);
  wire.length = 0;
  delivery.resendAll();
  assert.deepEqual(summary(wire), ['data 3:3', 'data 3:4']);
  assert.deepEqual((wire[0] as { payload: Uint8Array }).payload, frame(3));
  wire.length = 0;
  delivery.resendFrom(4);
  assert.deepEqual(summary(wire), ['data 3:4']);
  delivery.acknowledged(9);
  assert.equal(delivery.unacknowledged, 0);
});

test('frames pushed while the socket is down are kept and go out on resend', () => {
  const { wire, state, delivery } = setup(false);
  delivery.push(1, frame(1));
  delivery.push(2, frame(2));
  assert.equal(wire.length, 0);
  state.open = true;
  delivery.resendAll();
  assert.deepEqual(summary(wire), ['data 3:1', 'data 3:2']);
});

test('acks are coalesced and sent within 200 ms of the first frame', () => {
  const { clock, wire, delivery } = setup();
  delivery.received(1);
  clock.advance(50);
  delivery.received(2);
  delivery.received(3);
  assert.equal(wire.length, 0);
  clock.advance(kAckDelayMs - 50);
  assert.ok(kAckDelayMs <= 200);
  assert.deepEqual(summary(wire), ['ack 3:3']);
  clock.advance(1000);
  assert.equal(wire.length, 1, 'no second ack for the same seq');
});

test('a duplicate is acknowledged again', () => {
  const { clock, wire, delivery } = setup();
  delivery.received(2);
  clock.advance(kAckDelayMs);
  delivery.received(2, true);
  clock.advance(kAckDelayMs);
  assert.deepEqual(summary(wire), ['ack 3:2', 'ack 3:2']);
});

test('gaps ask for a resend from the expected seq, at most once a second for the same seq', () => {
  const { clock, wire, delivery } = setup();
  delivery.gap(4);
  delivery.gap(4);
  delivery.gap(5);
  clock.advance(kResendIntervalMs);
  delivery.gap(5);
  assert.deepEqual(summary(wire), ['resend 3:4', 'resend 3:5', 'resend 3:5']);
});

test('reacknowledge() repeats the last ack at once; dispose() forgets frames and timers', () => {
  const { clock, wire, delivery } = setup();
  delivery.received(5);
  clock.advance(kAckDelayMs);
  delivery.reacknowledge();
  assert.deepEqual(summary(wire), ['ack 3:5', 'ack 3:5']);
  delivery.push(1, frame(1));
  delivery.received(6);
  delivery.dispose();
  assert.equal(delivery.unacknowledged, 0);
  assert.equal(clock.pendingTimers, 0);
  delivery.push(2, frame(2));
  assert.equal(summary(wire).filter((line) => line.startsWith('data')).length, 1);
});

test('a long backlog is resent kResendBatch frames a second, and dispose() stops it', () => {
  const { clock, wire, state, delivery } = setup(false);
  for (let seq = 1; seq <= 120; seq++) delivery.push(seq, frame(seq));
  state.open = true;
  delivery.resendAll();
  assert.equal(wire.length, kResendBatch, 'the first batch at once');
  delivery.resendFrom(60); // covered by the resend under way
  assert.equal(wire.length, kResendBatch);
  clock.advance(kResendPaceMs - 1);
  assert.equal(wire.length, kResendBatch, 'nothing more within the second');
  clock.advance(1);
  assert.equal(wire.length, 2 * kResendBatch);
  assert.deepEqual(wire.map((e) => e.seq), Array.from({ length: 2 * kResendBatch }, (_, i) => i + 1), 'oldest first, none twice');
  delivery.dispose();
  clock.advance(kResendPaceMs);
  assert.equal(wire.length, 2 * kResendBatch);
});
