import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex } from '../../src/e2e/bytes';
import { parseCertificate } from '../../src/e2e/certificate';
import { parseEnvelope } from '../../src/e2e/envelope';
import { fingerprint } from '../../src/e2e/fingerprint';
import type { ApiResult, ConsoleApi } from '../../src/console/api';
import type { CounselorKeys } from '../../src/console/account_keys';
import { ConsoleClient, type Announcement, type SessionEnd } from '../../src/console/console_client';
import { kAckDelayMs } from '../../src/shared/delivery';
import { ChatSession } from '../../src/visitor/chat_session';
import { chatId, kNow, loadSodium, makeCounselor, makeOrg, unwrap } from '../e2e/fixtures';
import { FakeClock, FakeSocket } from '../shared/fakes';

const sodium = await loadSodium();
const org = makeOrg(sodium);
const otherOrg = makeOrg(sodium, 'other org');
const anna = makeCounselor(sodium, org, 0, { name: 'Анна' });
const boris = makeCounselor(sodium, org, 1, { name: 'Борис' });
const eve = makeCounselor(sodium, otherOrg, 2, { name: 'Ева' });

const orgJson = {
  name: 'Фондация Убежище',
  root_key: toHex(org.root.publicKey),
  fingerprint: fingerprint(sodium, org.root.publicKey),
  signing_certificates: [toHex(otherOrg.signingCertificate), toHex(org.signingCertificate)],
  revocation_lists: [],
};

function keys(role: 'counselor' | 'supervisor' = 'counselor'): CounselorKeys {
  return {
    account: { handle: 'c-0', name: 'Анна', role, languages: ['bg'], skills: [], maxChats: 2 },
    certificate: unwrap(parseCertificate(anna.certificate)),
    identitySecretKey: anna.identity.privateKey.slice(),
  };
}

class FakeApi {
  tickets = 0;
  answer: () => ApiResult<string> = () => ({ ok: true, value: (this.tickets++).toString(16).padStart(64, '0') });
  ticket(): Promise<ApiResult<string>> {
    return Promise.resolve(this.answer());
  }
}

function setup(role: 'counselor' | 'supervisor' = 'counselor') {
  const clock = new FakeClock(kNow * 1000);
  const sockets: FakeSocket[] = [];
  const api = new FakeApi();
  const announced: Announcement[] = [];
  const ended: SessionEnd[] = [];
  const client = new ConsoleClient(
    {
      url: 'ws://haven.test/ws/counselor',
      api: api as unknown as ConsoleApi,
      sodium,
      keys: keys(role),
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      clock,
      random: () => 0.5,
    },
    { changed: () => {}, announce: (a) => announced.push(a), sessionEnded: (reason) => ended.push(reason) },
  );
  const socket = () => sockets[sockets.length - 1]!;
  const sentJson = () => socket().sent.filter((item): item is string => typeof item === 'string').map((text) => JSON.parse(text) as Record<string, unknown>);
  const ready = (chats: unknown[] = []) =>
    socket().text({ type: 'ready', handle: 'c-0', name: 'Анна', role, max_chats: 2, org: orgJson, chats, canned_replies: { bg: ['Здравей'], en: ['Hello'] }, wrap_up: { categories: ['other', 'stalking'], outcomes: ['support_given'] } });
  return { clock, sockets, socket, api, client, announced, ended, sentJson, ready };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('every connection authenticates with a new ticket; ready carries the forms’ data', async () => {
  const { client, socket, sockets, sentJson, ready, api, clock } = setup();
  client.start();
  socket().open();
  await tick();
  assert.deepEqual(sentJson()[0], { type: 'auth', ticket: '0'.repeat(64) });
  ready();
  assert.equal(client.state.connection, 'online');
  assert.deepEqual(client.state.canned, { bg: ['Здравей'], en: ['Hello'] });
  assert.deepEqual(client.state.taxonomy.categories, ['other', 'stalking']);
  assert.equal(client.state.org?.name, 'Фондация Убежище');

  socket().onclose?.({ code: 1006 } as CloseEvent);
  assert.equal(client.state.connection, 'reconnecting');
  clock.advance(1000);  // the first retry comes within 500 ms
  assert.equal(sockets.length, 2);
  socket().open();
  await tick();
  assert.deepEqual(sentJson()[0], { type: 'auth', ticket: '1'.padStart(64, '0') }, 'a fresh ticket, never the old one');
  assert.equal(api.tickets, 2);
});

test('a refused ticket gets one fresh try; a lost session ends the console', async () => {
  const { client, socket, sockets, ended, api } = setup();
  client.start();
  socket().open();
  await tick();
  socket().onclose?.({ code: 4001 } as CloseEvent);
  assert.equal(sockets.length, 2, 'one more connection');
  api.answer = () => ({ ok: false, error: { code: 'no_session', status: 401, retryAfterSeconds: 0 } });
  socket().open();
  await tick();
  assert.deepEqual(ended, ['session_expired']);
  assert.equal(client.state.connection, 'over');
});

test('revoked and replaced connections end the console with their reason', async () => {
  for (const [code, reason] of [[4003, 'revoked'], [4009, 'replaced']] as const) {
    const { client, socket, ended } = setup();
    client.start();
    socket().open();
    await tick();
    socket().onclose?.({ code } as CloseEvent);
    assert.deepEqual(ended, [reason]);
  }
});

/** A visitor ChatSession wired to the fake socket's binary traffic. */
function visitorFor(setupResult: ReturnType<typeof setup>, index = 0) {
  const id = chatId(sodium, index);
  const heard: string[] = [];
  const transfers: string[] = [];
  const ended: string[] = [];
  const outbox: Uint8Array[] = [];
  const visitor = new ChatSession(sodium, id, { rootPublicKey: org.root.publicKey, revocationLists: [] }, (bytes) => (outbox.push(bytes), true), setupResult.clock, {
    onCounselorVerified: () => {},
    onFirstFrameDecrypted: () => {},
    onMessage: (text) => heard.push(text),
    onTextSent: () => {},
    onTransferAuthorised: (name) => transfers.push(name),
    onCounselorEnded: (_leg, reason) => ended.push(reason),
    onVerificationFailed: (code) => assert.fail(`visitor failed: ${code}`),
  });
  let delivered = 0;
  const pump = () => {
    for (let round = 0; round < 20; round++) {
      let moved = false;
      for (const bytes of outbox.splice(0)) {
        setupResult.socket().binary(bytes);
        moved = true;
      }
      const binary = setupResult.socket().sent.filter((item): item is Uint8Array => typeof item !== 'string');
      for (const bytes of binary.slice(delivered)) {
        const parsed = parseEnvelope(bytes);
        if (parsed.ok) visitor.handleEnvelope(parsed.value);
        moved = true;
      }
      delivered = binary.length;
      if (!moved) {
        setupResult.clock.advance(kAckDelayMs + 1);
        if (outbox.length === 0 && setupResult.socket().sent.filter((item) => typeof item !== 'string').length === delivered) return;
      }
    }
  };
  return { id, hex: toHex(id), visitor, heard, transfers, ended, pump };
}

async function online(role: 'counselor' | 'supervisor' = 'counselor') {
  const s = setup(role);
  s.client.start();
  s.socket().open();
  await tick();
  s.ready();
  return s;
}

test('a long queue: the overview lists its head and says how many wait in all', async () => {
  const s = await online();
  const head = Array.from({ length: 100 }, () => ({ lane: 'general', language: 'bg', age_band: '', waited_seconds: 9 }));
  s.socket().text({ type: 'queue_overview', waiting: head, total: 10000 });
  assert.equal(s.client.state.queue.length, 100);
  assert.equal(s.client.state.queueTotal, 10000);
  // A total below the listed entries, or none at all, is not a valid overview: it is ignored.
  s.socket().text({ type: 'queue_overview', waiting: head, total: 5 });
  s.socket().text({ type: 'queue_overview', waiting: head });
  assert.equal(s.client.state.queueTotal, 10000);
});

test('assigned, then the visitor’s offer: the chat becomes encrypted and texts flow both ways', async () => {
  const s = await online();
  const v = visitorFor(s);
  s.socket().text({ type: 'queue_overview', waiting: [{ lane: 'minor', language: 'bg', age_band: '13-17', waited_seconds: 4 }], total: 1 });
  s.socket().text({ type: 'assigned', chat_id: v.hex, leg: 0, requeued: false, lane: 'minor', language: 'bg', age_band: '13-17' });
  assert.equal(s.client.state.queue.length, 0, 'the taken chat leaves the local queue at once');
  assert.equal(s.client.state.queueTotal, 0);
  const chat = s.client.state.chats.get(v.hex)!;
  assert.equal(chat.phase, 'connecting');
  v.visitor.startLeg(0, 'first');
  v.pump();
  assert.equal(chat.phase, 'encrypted');
  assert.ok(chat.code !== null && /^\d{6}$/.test(chat.code));
  assert.equal(s.client.sendText(v.hex, 'Тук съм.'), true);
  v.visitor.sendText(1, 'Благодаря.');
  v.pump();
  assert.deepEqual(v.heard, ['Тук съм.']);
  assert.deepEqual(chat.entries.filter((e) => e.kind === 'visitor').map((e) => (e.kind === 'visitor' ? e.text : '')), ['Благодаря.']);
  assert.equal(chat.unread, 1);
  s.client.markRead(v.hex);
  assert.equal(chat.unread, 0);
  assert.ok(s.announced.some((a) => a.key === 'message'));
});

test('transfer: only a verified colleague; the control message waits for the visitor’s acknowledgement', async () => {
  const s = await online();
  const v = visitorFor(s);
  s.socket().text({ type: 'assigned', chat_id: v.hex, leg: 0, requeued: false, lane: 'general', language: 'bg', age_band: '' });
  v.visitor.startLeg(0, 'first');
  v.pump();
  s.client.requestColleagues();
  s.socket().text({
    type: 'colleagues',
    list: [
      { handle: 'c-1', name: 'Борис', available: true, certificate: toHex(boris.certificate) },
      { handle: 'c-2', name: 'Ева', available: true, certificate: toHex(eve.certificate) },
      { handle: 'c-9', name: 'Подмяна', available: true, certificate: toHex(boris.certificate) },
    ],
  });
  const list = s.client.state.colleagues!;
  assert.equal(list[0]!.verified?.name, 'Борис');
  assert.equal(list[1]!.verified, null, 'another organisation’s certificate does not verify');
  assert.equal(list[2]!.verified, null, 'a certificate naming someone else is refused');
  assert.equal(s.client.transfer(v.hex, 'c-2'), false);

  assert.equal(s.client.transfer(v.hex, 'c-1'), true);
  assert.equal(s.client.state.chats.get(v.hex)!.phase, 'transferring');
  assert.equal(s.sentJson().filter((m) => m['type'] === 'transfer').length, 0, 'not before the visitor has the authorisation');
  v.pump();
  assert.deepEqual(v.transfers, ['Борис']);
  assert.deepEqual(s.sentJson().filter((m) => m['type'] === 'transfer'), [{ type: 'transfer', chat_id: v.hex, to: 'c-1' }]);

  s.socket().text({ type: 'transfer_result', chat_id: v.hex, to: 'c-1', accepted: true });
  v.pump();
  assert.equal(s.client.state.chats.get(v.hex)!.phase, 'gone');
  assert.deepEqual(v.ended, ['transferred'], 'our leg ends with end(transferred)');
  s.client.closeChat(v.hex);
  assert.equal(s.client.state.chats.size, 0);
});

test('a declined transfer leaves the chat with us', async () => {
  const s = await online();
  const v = visitorFor(s);
  s.socket().text({ type: 'assigned', chat_id: v.hex, leg: 0, requeued: false, lane: 'general', language: 'bg', age_band: '' });
  v.visitor.startLeg(0, 'first');
  v.pump();
  s.socket().text({ type: 'colleagues', list: [{ handle: 'c-1', name: 'Борис', available: true, certificate: toHex(boris.certificate) }] });
  s.client.transfer(v.hex, 'c-1');
  v.pump();
  s.socket().text({ type: 'transfer_result', chat_id: v.hex, to: 'c-1', accepted: false });
  assert.equal(s.client.state.chats.get(v.hex)!.phase, 'encrypted');
  assert.ok(s.announced.some((a) => a.key === 'transfer_declined'));
});

test('end, wrap-up checked against the taxonomy, saved, and the chat leaves memory', async () => {
  const s = await online();
  const v = visitorFor(s);
  s.socket().text({ type: 'assigned', chat_id: v.hex, leg: 0, requeued: false, lane: 'general', language: 'en', age_band: '18-25' });
  v.visitor.startLeg(0, 'first');
  v.pump();
  s.client.endChat(v.hex);
  v.pump();
  assert.deepEqual(v.ended, ['ended'], 'FINAL went first');
  assert.deepEqual(s.sentJson().filter((m) => m['type'] === 'end'), [{ type: 'end', chat_id: v.hex }]);
  s.socket().text({ type: 'ended', chat_id: v.hex, reason: 'counselor_ended' });
  assert.equal(s.client.state.chats.get(v.hex)!.phase, 'ended');
  assert.equal(s.client.wrapUp(v.hex, { categories: [], ageBand: '', outcome: 'support_given' }), 'no_category');
  assert.equal(s.client.wrapUp(v.hex, { categories: ['physical_violence'], ageBand: '', outcome: 'support_given' }), 'unknown_code', 'not in this server’s taxonomy');
  assert.equal(s.client.wrapUp(v.hex, { categories: ['stalking', 'stalking'], ageBand: '18-25', outcome: 'support_given' }), null);
  assert.deepEqual(s.sentJson().filter((m) => m['type'] === 'wrap_up'), [
    { type: 'wrap_up', chat_id: v.hex, categories: ['stalking'], age_band: '18-25', outcome: 'support_given', referral: false },
  ]);
  s.socket().text({ type: 'wrap_up_saved', chat_id: v.hex });
  assert.equal(s.client.state.chats.size, 0);
});

test('after a reload, active chats the page has no keys for are released back to the queue', async () => {
  const s = setup();
  s.client.start();
  s.socket().open();
  await tick();
  s.ready([
    { chat_id: 'ab'.repeat(16), leg: 0, state: 'active', lane: 'danger', language: 'bg', age_band: '' },
    { chat_id: 'cd'.repeat(16), leg: 1, state: 'ended', lane: 'general', language: 'en', age_band: '61+' },
  ]);
  assert.equal(s.client.state.chats.get('ab'.repeat(16))!.phase, 'gone');
  assert.equal(s.client.state.chats.get('cd'.repeat(16))!.phase, 'ended');  // its wrap-up is still due
  assert.deepEqual(s.sentJson().filter((m) => m['type'] === 'release'), [{ type: 'release', chat_id: 'ab'.repeat(16) }]);
  assert.equal(s.client.sendText('ab'.repeat(16), 'x'), false);
  s.socket().text({ type: 'released', chat_id: 'ab'.repeat(16) });
  assert.equal(s.client.state.chats.get('ab'.repeat(16))!.phase, 'gone');
});

test('offers carry a deadline; rejections are reported; supervisors watch again after a reconnect', async () => {
  const s = await online('supervisor');
  s.socket().text({ type: 'offer', chat_id: 'ef'.repeat(16), lane: 'danger', language: 'bg', age_band: 'under13', waited_seconds: 12, expires_in_ms: 30000 });
  assert.equal(s.client.state.offer?.deadlineMs, kNow * 1000 + 30000);
  s.client.answerOffer(false);
  assert.deepEqual(s.sentJson().filter((m) => m['type'] === 'answer_offer'), [{ type: 'answer_offer', chat_id: 'ef'.repeat(16), accept: false }]);
  s.socket().text({ type: 'rejected', code: 'at_capacity', message: 'full' });
  assert.deepEqual(s.client.state.notice?.code, 'at_capacity');
  s.client.watch();
  s.socket().text({
    type: 'operator_snapshot', at: kNow, waiting: { danger: 1, minor: 2, general: 3 }, longest_wait_seconds: 90, median_wait_seconds: 30,
    estimate: null, counselors_on_duty: 2, counselors_available: 1, capacity: 4, free_capacity: 1, active_chats: 3,
    answered_last_hour: 7, abandoned_last_hour: 1, service_level: 0.875, service_level_target_seconds: 120, history: [],
  });
  assert.equal(s.client.state.snapshot?.waiting.general, 3);
  assert.equal(s.client.state.snapshot?.serviceLevel, 0.875);
  s.socket().onclose?.({ code: 1012 } as CloseEvent);
  s.clock.advance(20000);
  s.socket().open();
  await tick();
  s.ready();
  assert.deepEqual(s.sentJson().filter((m) => m['type'] === 'watch'), [{ type: 'watch' }]);
});

test('stop wipes the chats and their keys', async () => {
  const s = await online();
  const v = visitorFor(s);
  s.socket().text({ type: 'assigned', chat_id: v.hex, leg: 0, requeued: false, lane: 'general', language: 'bg', age_band: '' });
  v.visitor.startLeg(0, 'first');
  v.pump();
  s.client.stop();
  assert.equal(s.client.state.chats.size, 0);
  assert.equal(s.client.state.connection, 'over');
});
