import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concat, u16, u32, u8 } from '../../src/e2e/bytes';
import { encodeEnvelope, parseEnvelope, type Envelope } from '../../src/e2e/envelope';
import { codeOf, unwrap } from './fixtures';

test('data, ack and resend round trip with a seven-byte header', () => {
  const cases: Envelope[] = [
    { type: 'data', leg: 0, seq: 1, payload: Uint8Array.of(9) },
    { type: 'data', leg: 0xffff, seq: 0xffffffff, payload: new Uint8Array(4400).fill(7) },
    { type: 'ack', leg: 3, seq: 17 },
    { type: 'resend', leg: 1, seq: 2 },
  ];
  for (const envelope of cases) {
    const bytes = encodeEnvelope(envelope);
    assert.equal(bytes.length, 7 + (envelope.type === 'data' ? envelope.payload.length : 0));
    assert.deepEqual(unwrap(parseEnvelope(bytes)), envelope);
  }
  assert.deepEqual(encodeEnvelope({ type: 'ack', leg: 0x0102, seq: 0x03040506 }), Uint8Array.of(2, 1, 2, 3, 4, 5, 6));
});

test('short, unknown, oversized and trailing input is malformed', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['type 0', concat(u8(0), u16(0), u32(1))],
    ['type 4', concat(u8(4), u16(0), u32(1))],
    ['type 0xff with payload', concat(u8(0xff), u16(0), u32(1), u8(1))],
    ['data without payload', concat(u8(1), u16(0), u32(1))],
    ['data with 4401 bytes', concat(u8(1), u16(0), u32(1), new Uint8Array(4401))],
    ['ack with trailing byte', concat(u8(2), u16(0), u32(1), u8(0))],
    ['resend with trailing byte', concat(u8(3), u16(0), u32(1), u8(0))],
    ['data seq 0', concat(u8(1), u16(0), u32(0), u8(1))],
    ['ack seq 0', concat(u8(2), u16(0), u32(0))],
    ['resend seq 0', concat(u8(3), u16(0), u32(0))],
  ];
  for (let length = 0; length < 7; length++) {
    for (const type of [1, 2, 3]) cases.push([`type ${type}, ${length} bytes`, concat(u8(type), u16(0), u32(1)).subarray(0, length)]);
  }
  for (const [what, bytes] of cases) assert.equal(codeOf(parseEnvelope(bytes)), 'malformed', what);
});

test('the encoder refuses what the parser would refuse', () => {
  assert.throws(() => encodeEnvelope({ type: 'data', leg: 0, seq: 1, payload: new Uint8Array(0) }), RangeError);
  assert.throws(() => encodeEnvelope({ type: 'data', leg: 0, seq: 1, payload: new Uint8Array(4401) }), RangeError);
  assert.throws(() => encodeEnvelope({ type: 'ack', leg: 0, seq: 0 }), RangeError);
  assert.throws(() => encodeEnvelope({ type: 'ack', leg: 65536, seq: 1 }), RangeError);
  assert.throws(() => encodeEnvelope({ type: 'resend', leg: 0, seq: 2 ** 32 }), RangeError);
});
