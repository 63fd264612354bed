import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinMessage, leaveMessage, parseServerMessage, resumeMessage } from '../../src/visitor/control';

const hex = (bytes: number) => 'a1'.repeat(bytes);

test('reads every §11.2 server message', () => {
  assert.deepEqual(parseServerMessage(JSON.stringify({ type: 'joined', chat_id: hex(16), resume_token: hex(32), lane: 'danger' })), {
    type: 'joined',
    chatId: hex(16),
    resumeToken: hex(32),
    lane: 'danger',
  });
  assert.deepEqual(parseServerMessage('{"type":"queue","position":3,"estimate":{"low_minutes":5,"high_minutes":2}}'), {
    type: 'queue',
    position: 3,
    estimate: { low: 2, high: 5 },
  });
  assert.deepEqual(parseServerMessage('{"type":"queue","position":1,"estimate":null}'), { type: 'queue', position: 1, estimate: null });
  assert.deepEqual(parseServerMessage('{"type":"resumed","state":"waiting","leg":0}'), { type: 'resumed', state: 'waiting', leg: 0, counselor: null });
  assert.deepEqual(parseServerMessage('{"type":"assigned","leg":2,"counselor":{"handle":"c-1","name":"Ана"},"requeued":true}'), {
    type: 'assigned',
    leg: 2,
    counselor: { handle: 'c-1', name: 'Ана' },
    requeued: true,
  });
  assert.deepEqual(parseServerMessage('{"type":"requeued","next_leg":1}'), { type: 'requeued', nextLeg: 1 });
  assert.deepEqual(parseServerMessage('{"type":"peer","connected":false}'), { type: 'peer', connected: false });
  assert.deepEqual(parseServerMessage('{"type":"ended","reason":"expired"}'), { type: 'ended', reason: 'expired' });
  assert.deepEqual(parseServerMessage('{"type":"refused","reason":"offline"}'), { type: 'refused', reason: 'offline' });
  assert.deepEqual(parseServerMessage('{"type":"error","code":"unknown_chat","message":"There is no such chat."}'), {
    type: 'error',
    code: 'unknown_chat',
    message: 'There is no such chat.',
  });
  const welcome = parseServerMessage(
    JSON.stringify({
      type: 'welcome',
      protocol: 1,
      org: { name: 'X', root_key: hex(32), fingerprint: hex(16), signing_certificates: [hex(200)], revocation_lists: [] },
      emergency_numbers: [{ number: '112', label: { bg: 'Спешна помощ', en: 'Emergency' } }],
      limits: { max_text_bytes: 3000, max_message_bytes: 4400 },
    }),
  );
  assert.equal(welcome?.type, 'welcome');
  assert.equal(welcome?.type === 'welcome' && welcome.maxTextBytes, 3000);
});

test('refuses malformed messages', () => {
  for (const text of [
    'not json',
    '[]',
    '{"type":"nope"}',
    '{"type":"joined","chat_id":"XYZ","resume_token":"00","lane":"general"}',
    `{"type":"joined","chat_id":"${hex(15)}","resume_token":"${hex(32)}","lane":"general"}`,
    '{"type":"queue","position":-1,"estimate":null}',
    '{"type":"queue","position":1}',
    '{"type":"refused","reason":"because"}',
    '{"type":"assigned","leg":0,"counselor":{"handle":"c"},"requeued":false}',
    '{"type":"peer","connected":"yes"}',
    '{"type":"ended","reason":"bored"}',
    '{"type":"resumed","state":"active","leg":1.5}',
    `{"type":"welcome","protocol":1,"org":{"name":"X","root_key":"${hex(32)}","fingerprint":"${hex(16)}","signing_certificates":["ABC"],"revocation_lists":[]},"emergency_numbers":[],"limits":{}}`,
  ]) {
    assert.equal(parseServerMessage(text), null, text);
  }
});

test('writes join, resume and leave exactly as §11.2 spells them', () => {
  assert.equal(joinMessage({ language: '', age_band: '', in_danger: 'yes' }), '{"type":"join","profile":{"language":"","age_band":"","in_danger":"yes"}}');
  assert.equal(resumeMessage(hex(16), hex(32)), `{"type":"resume","chat_id":"${hex(16)}","resume_token":"${hex(32)}"}`);
  assert.equal(leaveMessage(), '{"type":"leave"}');
});
