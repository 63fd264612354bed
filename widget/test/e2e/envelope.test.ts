import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concat, u16, u32, u8 } from '../../src/e2e/bytes';
import { encodeEnvelope, parseEnvelope, type Envelope } from '../../src/e2e/envelope';
import { codeOf, unwrap } from './fixtures';

const chatId = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const header = (type: number, seq = 1) => concat(u8(type), chatId, u16(0), u32(seq));

test('data, ack and resend round trip with a 23-byte header', () => {
  const cases: Envelope[] = [
    { type: 'data', chatId, leg: 0, seq: 1, payload: Uint8Array.of(9) },
    { type: 'data', chatId, leg: 0xffff, seq: 0xffffffff, payload: new Uint8Array(4400).fill(7) },
    { type: 'ack', chatId, leg: 3, seq: 17 },
    { type: 'resend', chatId, leg: 1, seq: 2 },
  ];
  for (const envelope of cases) {
    const bytes = encodeEnvelope(envelope);
    assert.equal(bytes.length, 23 + (envelope.type === 'data' ? envelope.payload.length : 0));
    assert.deepEqual(unwrap(parseEnvelope(bytes)), envelope);
  }
  assert.deepEqual(
    encodeEnvelope({ type: 'ack', chatId, leg: 0x0102, seq: 0x03040506 }),
    concat(Uint8Array.of(2), chatId, Uint8Array.of(1, 2, 3, 4, 5, 6)),
  );
});

test('short, unknown, oversized and trailing input is malformed', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['type 0', header(0)],
    ['type 4', header(4)],
    ['type 0xff with payload', concat(header(0xff), u8(1))],
    ['data without payload', header(1)],
    ['data with 4401 bytes', concat(header(1), new Uint8Array(4401))],
    ['ack with trailing byte', concat(header(2), u8(0))],
    ['resend with trailing byte', concat(header(3), u8(0))],
    ['data seq 0', concat(header(1, 0), u8(1))],
    ['ack seq 0', header(2, 0)],
    ['resend seq 0', header(3, 0)],
  ];
  for (let length = 0; length < 23; length++) {
    for (const type of [1, 2, 3]) cases.push([`type ${type}, ${length} bytes`, header(type).subarray(0, length)]);
  }
  for (const [what, bytes] of cases) assert.equal(codeOf(parseEnvelope(bytes)), 'malformed', what);
});

test('the encoder refuses what the parser would refuse', () => {
  assert.throws(() => encodeEnvelope({ type: 'data', chatId, leg: 0, seq: 1, payload: new Uint8Array(0) }), RangeError);
  assert.throws(() => encodeEnvelope({ type: 'data', chatId, leg: 0, seq: 1, payload: new Uint8Array(4401) }), RangeError);
  assert.throws(() => encodeEnvelope({ type: 'ack', chatId, leg: 0, seq: 0 }), RangeError);
  assert.throws(() => encodeEnvelope({ type: 'ack', chatId, leg: 65536, seq: 1 }), RangeError);
  assert.throws(() => encodeEnvelope({ type: 'resend', chatId, leg: 0, seq: 2 ** 32 }), RangeError);
  assert.throws(() => encodeEnvelope({ type: 'ack', chatId: new Uint8Array(15), leg: 0, seq: 1 }), RangeError);
});
