import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelayMs, Connection, kDefaultBackoff, type ClosedReason, type ConnectionListener } from '../../src/shared/connection';
import { FakeClock, socketFactory } from './fakes';

interface Recorded {
  events: string[];
  closed: { reason: ClosedReason; code: number } | null;
  delays: number[];
}

function setup(random = () => 0.5) {
  const clock = new FakeClock();
  const factory = socketFactory();
  const recorded: Recorded = { events: [], closed: null, delays: [] };
  const listener: ConnectionListener = {
    onOpen: (reconnected) => recorded.events.push(reconnected ? 'reopen' : 'open'),
    onText: (text) => recorded.events.push(`text ${text}`),
    onBinary: (bytes) => recorded.events.push(`binary ${bytes.length}`),
    onRetrying: (attempt, delay) => {
      recorded.events.push(`retry ${attempt}`);
      recorded.delays.push(delay);
    },
    onClosed: (reason, code) => {
      recorded.events.push(`closed ${reason} ${code}`);
      recorded.closed = { reason, code };
    },
  };
  const connection = new Connection('ws://haven/ws/visitor', factory.create, listener, clock, random);
  return { clock, factory, recorded, connection };
}

test('back-off doubles from 500 ms up to 15 s, with equal jitter between half and all of the step', () => {
  assert.equal(backoffDelayMs(kDefaultBackoff, 1, 0), 250);
  assert.equal(backoffDelayMs(kDefaultBackoff, 1, 1), 500);
  assert.equal(backoffDelayMs(kDefaultBackoff, 2, 1), 1000);
  assert.equal(backoffDelayMs(kDefaultBackoff, 3, 0.5), 1500);
  assert.equal(backoffDelayMs(kDefaultBackoff, 10, 1), 15000);
  assert.equal(backoffDelayMs(kDefaultBackoff, 30, 0), 7500);
  for (let attempt = 1; attempt < 20; attempt++) {
    for (const r of [0, 0.3, 0.999]) {
      const step = Math.min(15000, 500 * 2 ** (attempt - 1));
      const delay = backoffDelayMs(kDefaultBackoff, attempt, r);
      assert.ok(delay >= step / 2 && delay <= step, `attempt ${attempt}`);
    }
  }
});

test('opens, passes text and binary messages up, and sends only while open', () => {
  const { factory, recorded, connection } = setup();
  connection.start();
  assert.equal(connection.state, 'connecting');
  assert.equal(connection.send('early'), false);
  const socket = factory.sockets[0]!;
  assert.equal(socket.url, 'ws://haven/ws/visitor');
  assert.equal(socket.binaryType, 'arraybuffer');
  socket.open();
  assert.equal(connection.state, 'open');
  socket.text('{"type":"welcome"}');
  socket.binary(new Uint8Array(23));
  assert.equal(connection.send('hello'), true);
  assert.deepEqual(socket.sent, ['hello']);
  assert.deepEqual(recorded.events, ['open', 'text {"type":"welcome"}', 'binary 23']);
});

for (const code of [1006, 1012, 1013]) {
  test(`close ${code} reconnects after the back-off and reports the reopen as a reconnect`, () => {
    const { clock, factory, recorded, connection } = setup();
    connection.start();
    factory.sockets[0]!.open();
    factory.sockets[0]!.drop(code);
    assert.equal(connection.state, 'waiting');
    assert.deepEqual(recorded.events.slice(-1), ['retry 1']);
    assert.equal(recorded.delays[0], 375);
    clock.advance(374);
    assert.equal(factory.sockets.length, 1);
    clock.advance(1);
    assert.equal(factory.sockets.length, 2);
    assert.equal(connection.state, 'connecting');
    factory.sockets[1]!.open();
    assert.equal(connection.state, 'open');
    assert.deepEqual(recorded.events.slice(-1), ['reopen']);
  });
}

test('consecutive failures back off exponentially; a successful open resets the count', () => {
  const { clock, factory, recorded, connection } = setup(() => 1);
  connection.start();
  factory.sockets[0]!.open();
  for (let i = 0; i < 4; i++) {
    factory.sockets.at(-1)!.drop(1006);
    clock.advance(recorded.delays.at(-1)!);
  }
  assert.deepEqual(recorded.delays, [500, 1000, 2000, 4000]);
  factory.sockets.at(-1)!.open();
  factory.sockets.at(-1)!.drop(1012);
  assert.equal(recorded.delays.at(-1), 500);
});

test('an attempt that neither opens nor fails within the open timeout counts as a drop', () => {
  const { clock, factory, recorded, connection } = setup(() => 1);
  connection.start();
  factory.sockets[0]!.open();
  factory.sockets[0]!.drop(1006);
  clock.advance(500);
  assert.equal(factory.sockets.length, 2);
  // The handshake is swallowed: no open, no close.
  clock.advance(kDefaultBackoff.openTimeoutMs - 1);
  assert.deepEqual(recorded.events, ['open', 'retry 1']);
  clock.advance(1);
  assert.deepEqual(recorded.events, ['open', 'retry 1', 'retry 2']);
  assert.notEqual(factory.sockets[1]!.closedWith, null, 'the stalled socket is closed');
  factory.sockets[1]!.drop(1006);  // its late close event changes nothing
  assert.deepEqual(recorded.events, ['open', 'retry 1', 'retry 2']);
  clock.advance(1000);
  factory.sockets[2]!.open();
  clock.advance(kDefaultBackoff.openTimeoutMs * 2);
  assert.deepEqual(recorded.events, ['open', 'retry 1', 'retry 2', 'reopen'], 'an open socket has no timeout');
});

test('gives up after twelve failed attempts once connected, after three before ever connecting', () => {
  {
    const { clock, factory, recorded, connection } = setup();
    connection.start();
    for (let i = 0; i < 4; i++) {
      factory.sockets.at(-1)!.drop(1006);
      clock.advance(20000);
    }
    assert.deepEqual(recorded.closed, { reason: 'gave_up', code: 1006 });
    assert.equal(factory.sockets.length, 4);
  }
  {
    const { clock, factory, recorded, connection } = setup();
    connection.start();
    factory.sockets[0]!.open();
    for (let i = 0; i < 13; i++) {
      factory.sockets.at(-1)!.drop(1006);
      clock.advance(20000);
    }
    assert.deepEqual(recorded.closed, { reason: 'gave_up', code: 1006 });
    assert.equal(factory.sockets.length, 13);
    assert.equal(clock.pendingTimers, 0);
  }
});

test('close 1000 ends the connection without retrying', () => {
  const { clock, factory, recorded, connection } = setup();
  connection.start();
  factory.sockets[0]!.open();
  factory.sockets[0]!.drop(1000);
  clock.advance(60000);
  assert.equal(factory.sockets.length, 1);
  assert.deepEqual(recorded.closed, { reason: 'ended', code: 1000 });
  assert.equal(connection.state, 'closed');
});

for (const code of [1008, 1009, 1011, 4000, 4008, 4009, 4029]) {
  test(`close ${code} is final: no reconnect`, () => {
    const { clock, factory, recorded, connection } = setup();
    connection.start();
    factory.sockets[0]!.open();
    factory.sockets[0]!.drop(code);
    clock.advance(60000);
    assert.equal(factory.sockets.length, 1);
    assert.deepEqual(recorded.closed, { reason: 'rejected', code });
  });
}

test('stop() closes with 1000, cancels a pending retry, and ignores the old socket afterwards', () => {
  const { clock, factory, recorded, connection } = setup();
  connection.start();
  factory.sockets[0]!.open();
  connection.stop();
  assert.equal(factory.sockets[0]!.closedWith, 1000);
  assert.deepEqual(recorded.closed, { reason: 'stopped', code: 1000 });
  factory.sockets[0]!.text('late');
  assert.ok(!recorded.events.includes('text late'));

  const second = setup();
  second.connection.start();
  second.factory.sockets[0]!.drop(1006);
  second.connection.stop();
  second.clock.advance(60000);
  assert.equal(second.factory.sockets.length, 1);
  assert.equal(second.connection.send('x'), false);
  void clock;
});

test('retryNow() skips the rest of the back-off', () => {
  const { factory, connection } = setup();
  connection.start();
  factory.sockets[0]!.open();
  factory.sockets[0]!.drop(1006);
  connection.retryNow();
  assert.equal(factory.sockets.length, 2);
  assert.equal(connection.state, 'connecting');
  connection.retryNow();
  assert.equal(factory.sockets.length, 2);
});
