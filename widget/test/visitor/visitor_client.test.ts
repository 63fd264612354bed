import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex } from '../../src/e2e/bytes';
import { encodeEnvelope, parseEnvelope } from '../../src/e2e/envelope';
import { fingerprint } from '../../src/e2e/fingerprint';
import type { CounselorIdentity } from '../../src/e2e/index';
import { kDefaultBackoff } from '../../src/shared/connection';
import { nonceMeets } from '../../src/visitor/join_puzzle';
import { VisitorClient, type Outcome, type VisitorClientListener } from '../../src/visitor/visitor_client';
import { chatId, kNow, loadSodium, makeCounselor, makeOrg, type Org } from '../e2e/fixtures';
import { CounselorLeg } from '../support/counselor_leg';
import { FakeClock, socketFactory, type FakeSocket } from '../shared/fakes';

const sodium = await loadSodium();
const org = makeOrg(sodium);
const otherOrg = makeOrg(sodium, 'other org');
const anna = makeCounselor(sodium, org, 0, { name: 'Анна' });
const kChat = chatId(sodium, 1);
const kToken = 'ab'.repeat(32);

function welcome(of: Org = org) {
  return {
    type: 'welcome',
    protocol: 1,
    org: {
      name: 'Фондация Убежище',
      root_key: toHex(of.root.publicKey),
      fingerprint: fingerprint(sodium, of.root.publicKey),
      signing_certificates: [toHex(of.signingCertificate)],
      revocation_lists: [],
    },
    emergency_numbers: [{ number: '112', label: { bg: 'Спешна помощ', en: 'Emergency' } }],
    limits: { max_text_bytes: 4000, max_message_bytes: 4400 },
  };
}

function setup(pinned = fingerprint(sodium, org.root.publicKey), yieldToPage?: () => Promise<void>) {
  const clock = new FakeClock(kNow * 1000);
  const factory = socketFactory();
  const log: string[] = [];
  const finished: { outcome: Outcome | null } = { outcome: null };
  const listener: VisitorClientListener = {
    onEmergencyNumbers: (numbers) => log.push(`numbers ${numbers.map((n) => n.number).join(',')}`),
    onQueue: (position, estimate) => log.push(`queue ${position} ${estimate === null ? 'none' : `${estimate.low}-${estimate.high}`}`),
    onJoined: () => log.push('joined'),
    onAssigned: (name, requeued) => log.push(`assigned ${name}${requeued ? ' requeued' : ''}`),
    onCounselorVerified: (identity) => log.push(`verified ${identity.name}`),
    onFirstFrameDecrypted: (leg) => log.push(`first frame ${leg}`),
    onMessage: (text) => log.push(`message ${text}`),
    onTextSent: (id) => log.push(`sent ${id}`),
    onTransferAuthorised: (name) => log.push(`transfer ${name}`),
    onRequeued: () => log.push('requeued'),
    onPeer: (connected) => log.push(`peer ${connected}`),
    onReconnecting: () => log.push('reconnecting'),
    onReconnected: () => log.push('reconnected'),
    onFinished: (outcome, detail) => {
      log.push(`finished ${outcome} ${detail ?? ''}`.trim());
      finished.outcome = outcome;
    },
  };
  const client = new VisitorClient(
    { url: 'ws://haven/ws/visitor', fingerprint: pinned, profile: { language: 'bg', age_band: '13-17', in_danger: '' }, sodium, createSocket: factory.create, clock, random: () => 0, ...(yieldToPage === undefined ? {} : { yieldToPage }) },
    listener,
  );
  const identity: CounselorIdentity = { signingCertificate: org.signingCertificate, counselorCertificate: anna.certificate, identitySecretKey: anna.identity.privateKey };
  const counselor = new CounselorLeg(sodium, identity, kChat, 0, () => clock.nowMs() / 1000);
  /** Relays the visitor's binary frames on `socket` to the counselor and its answers back. */
  const relay = (socket: FakeSocket, from = 0): number => {
    const binaries = socket.binaries.slice(from);
    for (const bytes of binaries) {
      const envelope = parseEnvelope(bytes);
      assert.ok(envelope.ok);
      if (envelope.value.type === 'data') {
        for (const reply of counselor.onData(envelope.value.seq, envelope.value.payload)) socket.binary(encodeEnvelope(reply));
      } else if (envelope.value.type === 'ack') {
        counselor.acknowledged(envelope.value.seq);
      }
    }
    return from + binaries.length;
  };
  return { clock, factory, log, finished, client, counselor, relay };
}

test('welcome, join with the profile, queue, assigned, handshake, messages both ways', () => {
  const { factory, log, client, counselor, relay } = setup();
  client.start();
  const socket = factory.sockets[0]!;
  socket.open();
  socket.text(welcome());
  assert.deepEqual(socket.controls, [{ type: 'join', profile: { language: 'bg', age_band: '13-17', in_danger: '' } }]);
  assert.equal(client.sendText(1, 'пиша, докато чакам'), 'kept');
  socket.text({ type: 'joined', chat_id: toHex(kChat), resume_token: kToken, lane: 'minor' });
  socket.text({ type: 'queue', position: 2, estimate: { low_minutes: 3, high_minutes: 8 } });
  socket.text({ type: 'queue', position: 1, estimate: null });
  assert.equal(socket.binaries.length, 1, 'the offer for leg 0 goes at once; the text waits');
  socket.text({ type: 'assigned', leg: 0, counselor: { handle: 'c-0', name: 'Анна' }, requeued: false });
  let seen = relay(socket);
  seen = relay(socket, seen);
  socket.binary(encodeEnvelope(counselor.text('Здравей, тук съм.')));
  assert.deepEqual(log, [
    'numbers 112',
    'joined',
    'queue 2 3-8',
    'queue 1 none',
    'assigned Анна',
    'verified Анна',
    'sent 1',
    'first frame 0',
    'message Здравей, тук съм.',
  ]);
  assert.deepEqual(counselor.received.map((m) => (m.kind === 'text' ? m.text : m.kind)), ['пиша, докато чакам']);
  void seen;
});

test('under pressure the join waits for the welcome\'s puzzle and carries its solution', async () => {
  const { factory, client } = setup();
  client.start();
  const socket = factory.sockets[0]!;
  socket.open();
  const challenge = 'c3'.repeat(32);
  socket.text({ ...welcome(), puzzle: { challenge, bits: 6, solutions: 4 } });
  assert.deepEqual(socket.controls, [], 'nothing before the puzzle is solved');
  while (socket.controls.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  const join = socket.controls[0] as unknown as { type: string; profile: unknown; solution: number[] };
  assert.equal(join.type, 'join');
  assert.deepEqual(join.profile, { language: 'bg', age_band: '13-17', in_danger: '' });
  const puzzle = { challenge: Uint8Array.from(Buffer.from(challenge, 'hex')), bits: 6, solutions: 4 };
  assert.equal(join.solution.length, 4);
  assert.ok(join.solution.every((nonce) => nonceMeets(sodium, puzzle, nonce)));
  assert.deepEqual([...join.solution].sort((a, b) => a - b), join.solution, 'increasing');
});

test('quick exit while the puzzle is being solved stops it: no join is sent', async () => {
  // Quick exit comes at the first pause between slices; unstopped, the rest takes ~0.1 s.
  let slices = 0;
  const { factory, client } = setup(undefined, async () => {
    if (++slices === 1) client.wipe();
  });
  client.start();
  const socket = factory.sockets[0]!;
  socket.open();
  socket.text({ ...welcome(), puzzle: { challenge: '5a'.repeat(32), bits: 12, solutions: 24 } });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(slices, 1);
  assert.ok(!socket.controls.some((message) => (message as { type: string }).type === 'join'));
});

test('a welcome with a malformed puzzle is not a welcome', () => {
  const { factory, client } = setup();
  client.start();
  const socket = factory.sockets[0]!;
  socket.open();
  for (const puzzle of [{ challenge: 'zz', bits: 6, solutions: 4 }, { challenge: '00'.repeat(32), bits: 25, solutions: 4 }, { challenge: '00'.repeat(32), bits: 6, solutions: 0 }, 7]) {
    socket.text({ ...welcome(), puzzle });
  }
  assert.deepEqual(socket.controls, []);
});

test('a fingerprint that does not match the embed snippet fails closed before joining', () => {
  const { factory, log, client } = setup();
  client.start();
  const socket = factory.sockets[0]!;
  socket.open();
  socket.text(welcome(otherOrg));
  assert.deepEqual(log, ['finished failed untrusted_root']);
  assert.deepEqual(socket.controls, []);
  assert.equal(socket.closedWith, 1000);
});

test('a welcome whose claimed fingerprint is right but whose root key is not fails closed', () => {
  const { factory, log, client } = setup();
  client.start();
  const socket = factory.sockets[0]!;
  socket.open();
  const forged = welcome(otherOrg);
  forged.org.fingerprint = fingerprint(sodium, org.root.publicKey);
  socket.text(forged);
  assert.deepEqual(log, ['finished failed untrusted_root']);
});

test('a drop reconnects, resumes with the chat id and token, and resends the unacknowledged frames', () => {
  const { clock, factory, log, client, counselor, relay } = setup();
  client.start();
  const first = factory.sockets[0]!;
  first.open();
  first.text(welcome());
  first.text({ type: 'joined', chat_id: toHex(kChat), resume_token: kToken, lane: 'general' });
  first.text({ type: 'assigned', leg: 0, counselor: { handle: 'c-0', name: 'Анна' }, requeued: false });
  relay(first);
  relay(first, 1);
  first.drop(1012);
  assert.equal(client.sendText(2, 'докато няма връзка'), 'sent');
  assert.ok(log.includes('reconnecting'));
  clock.advance(kDefaultBackoff.initialDelayMs);
  const second = factory.sockets[1]!;
  second.open();
  second.text(welcome());
  assert.deepEqual(second.controls, [{ type: 'resume', chat_id: toHex(kChat), resume_token: kToken }]);
  second.text({ type: 'resumed', state: 'active', leg: 0, counselor: { handle: 'c-0', name: 'Анна' } });
  assert.ok(log.includes('reconnected'));
  const resent = second.binaries.map((bytes) => parseEnvelope(bytes)).map((e) => (e.ok ? `${e.value.type} ${e.value.seq}` : 'bad'));
  assert.ok(resent.includes('data 3'), `resent: ${resent.join(', ')}`);
  relay(second);
  assert.deepEqual(counselor.received.map((m) => (m.kind === 'text' ? m.text : m.kind)), ['докато няма връзка']);
});

test('resume refused with unknown_chat ends on the lost screen; giving up after drops too', () => {
  {
    const { clock, factory, log, client } = setup();
    client.start();
    factory.sockets[0]!.open();
    factory.sockets[0]!.text(welcome());
    factory.sockets[0]!.text({ type: 'joined', chat_id: toHex(kChat), resume_token: kToken, lane: 'general' });
    factory.sockets[0]!.drop(1006);
    clock.advance(1000);
    factory.sockets[1]!.open();
    factory.sockets[1]!.text(welcome());
    factory.sockets[1]!.text({ type: 'error', code: 'unknown_chat', message: 'There is no such chat.' });
    assert.equal(log.at(-1), 'finished lost unknown_chat');
  }
  {
    const { clock, factory, finished, client } = setup();
    client.start();
    factory.sockets[0]!.open();
    factory.sockets[0]!.text(welcome());
    factory.sockets[0]!.text({ type: 'joined', chat_id: toHex(kChat), resume_token: kToken, lane: 'general' });
    for (let i = 0; i <= kDefaultBackoff.maxAttempts; i++) {
      factory.sockets.at(-1)!.drop(1006);
      clock.advance(kDefaultBackoff.maxDelayMs);
    }
    assert.equal(finished.outcome, 'lost');
  }
  {
    const { clock, factory, finished, client } = setup();
    client.start();
    for (let i = 0; i <= kDefaultBackoff.maxFirstAttempts; i++) {
      factory.sockets.at(-1)!.drop(1006);
      clock.advance(kDefaultBackoff.maxDelayMs);
    }
    assert.equal(finished.outcome, 'unreachable');
  }
});

test('refused busy and offline, ended by the counselor (properly or cut off)', () => {
  for (const [reason, outcome] of [['busy', 'busy'], ['offline', 'offline'], ['rate_limited', 'busy']] as const) {
    const { factory, finished, client } = setup();
    client.start();
    factory.sockets[0]!.open();
    factory.sockets[0]!.text(welcome());
    factory.sockets[0]!.text({ type: 'refused', reason });
    assert.equal(finished.outcome, outcome);
  }
  for (const properly of [true, false]) {
    const { factory, finished, client, counselor, relay } = setup();
    client.start();
    const socket = factory.sockets[0]!;
    socket.open();
    socket.text(welcome());
    socket.text({ type: 'joined', chat_id: toHex(kChat), resume_token: kToken, lane: 'general' });
    socket.text({ type: 'assigned', leg: 0, counselor: { handle: 'c-0', name: 'Анна' }, requeued: false });
    relay(socket);
    if (properly) socket.binary(encodeEnvelope(counselor.send({ kind: 'end', sentAtMs: 0n, reason: 'ended' })));
    socket.text({ type: 'ended', reason: 'counselor_ended' });
    socket.drop(1000);
    assert.equal(finished.outcome, properly ? 'ended' : 'cut_off');
  }
});

test('the visitor ends the chat: end frame, then leave, then close 1000', () => {
  const { factory, finished, client, counselor, relay } = setup();
  client.start();
  const socket = factory.sockets[0]!;
  socket.open();
  socket.text(welcome());
  socket.text({ type: 'joined', chat_id: toHex(kChat), resume_token: kToken, lane: 'general' });
  socket.text({ type: 'assigned', leg: 0, counselor: { handle: 'c-0', name: 'Анна' }, requeued: false });
  const seen = relay(socket);
  relay(socket, seen);
  client.endChat();
  assert.equal(finished.outcome, 'ended');
  assert.deepEqual(socket.controls.at(-1), { type: 'leave' });
  assert.equal(socket.closedWith, 1000);
  relay(socket, seen + 1);
  assert.equal(counselor.received.at(-1)?.kind, 'end');
});

test('wipe() (quick exit) sends leave, closes and reports nothing', () => {
  const { factory, log, client } = setup();
  client.start();
  const socket = factory.sockets[0]!;
  socket.open();
  socket.text(welcome());
  socket.text({ type: 'joined', chat_id: toHex(kChat), resume_token: kToken, lane: 'general' });
  const before = log.length;
  client.wipe();
  assert.deepEqual(socket.controls.at(-1), { type: 'leave' });
  assert.equal(socket.closedWith, 1000);
  assert.equal(log.length, before);
  assert.equal(client.sendText(1, 'x'), 'refused');
});

test('requeue then a new counselor on the next leg', () => {
  const { factory, log, client } = setup();
  client.start();
  const socket = factory.sockets[0]!;
  socket.open();
  socket.text(welcome());
  socket.text({ type: 'joined', chat_id: toHex(kChat), resume_token: kToken, lane: 'general' });
  socket.text({ type: 'assigned', leg: 0, counselor: { handle: 'c-0', name: 'Анна' }, requeued: false });
  socket.text({ type: 'requeued', next_leg: 1 });
  const before = socket.binaries.length;
  socket.text({ type: 'assigned', leg: 1, counselor: { handle: 'c-1', name: 'Борис' }, requeued: true });
  const offer = parseEnvelope(socket.binaries[before]!);
  assert.ok(offer.ok && offer.value.type === 'data' && offer.value.leg === 1 && offer.value.seq === 1);
  assert.deepEqual(log.slice(-2), ['requeued', 'assigned Борис requeued']);
});
