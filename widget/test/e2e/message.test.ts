import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concat, u16, u64, u8, utf8 } from '../../src/e2e/bytes';
import { encodeMessage, parseMessage, type Message } from '../../src/e2e/message';
import { codeOf, loadSodium, makeCounselor, makeOrg, unwrap } from './fixtures';

const sodium = await loadSodium();
const certificate = makeCounselor(sodium, makeOrg(sodium), 1).certificate;

test('messages round trip in the allowed directions', () => {
  const cases: Array<[Message, 'v2c' | 'c2v']> = [
    [{ kind: 'text', sentAtMs: 1_760_000_000_123n, text: 'Здравей, имам нужда от помощ.' }, 'v2c'],
    [{ kind: 'text', sentAtMs: 0n, text: 'x' }, 'c2v'],
    [{ kind: 'text', sentAtMs: (1n << 64n) - 1n, text: 'я'.repeat(2000) }, 'c2v'],
    [{ kind: 'transfer', sentAtMs: 5n, nextLeg: 1, certificate }, 'c2v'],
    [{ kind: 'end', sentAtMs: 6n, reason: 'ended' }, 'v2c'],
    [{ kind: 'end', sentAtMs: 7n, reason: 'transferred' }, 'c2v'],
  ];
  for (const [message, direction] of cases) {
    const bytes = unwrap(encodeMessage(message, direction));
    assert.deepEqual(unwrap(parseMessage(bytes, direction)), message);
  }
});

test('the grammar is exactly kind, sent_at_ms, body', () => {
  const text = unwrap(encodeMessage({ kind: 'text', sentAtMs: 0x0102n, text: 'hi' }, 'v2c'));
  assert.deepEqual(text, concat(u8(1), u64(0x0102n), utf8('hi')));
  const end = unwrap(encodeMessage({ kind: 'end', sentAtMs: 9n, reason: 'transferred' }, 'c2v'));
  assert.deepEqual(end, concat(u8(3), u64(9n), u8(2)));
  const transfer = unwrap(encodeMessage({ kind: 'transfer', sentAtMs: 1n, nextLeg: 3, certificate }, 'c2v'));
  assert.deepEqual(transfer, concat(u8(2), u64(1n), u16(3), u16(certificate.length), certificate));
});

test('text is limited to 4000 UTF-8 bytes', () => {
  assert.ok(encodeMessage({ kind: 'text', sentAtMs: 0n, text: 'a'.repeat(4000) }, 'v2c').ok);
  assert.equal(codeOf(encodeMessage({ kind: 'text', sentAtMs: 0n, text: 'a'.repeat(4001) }, 'v2c')), 'message_too_long');
  assert.equal(codeOf(encodeMessage({ kind: 'text', sentAtMs: 0n, text: 'я'.repeat(2001) }, 'v2c')), 'message_too_long');
  assert.equal(codeOf(encodeMessage({ kind: 'text', sentAtMs: 0n, text: '' }, 'v2c')), 'bad_message');
});

test('the visitor cannot send a transfer', () => {
  assert.equal(codeOf(encodeMessage({ kind: 'transfer', sentAtMs: 0n, nextLeg: 1, certificate }, 'v2c')), 'bad_message');
  const bytes = unwrap(encodeMessage({ kind: 'transfer', sentAtMs: 0n, nextLeg: 1, certificate }, 'c2v'));
  assert.equal(codeOf(parseMessage(bytes, 'v2c')), 'bad_message');
});

test('every invalid message is bad_message', () => {
  const head = (kind: number) => concat(u8(kind), u64(0n));
  const cases: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['kind only', u8(1)],
    ['short time', concat(u8(1), new Uint8Array(7))],
    ['kind 0', concat(head(0), utf8('x'))],
    ['kind 4', concat(head(4), utf8('x'))],
    ['kind 0xff', concat(head(0xff), utf8('x'))],
    ['empty text', head(1)],
    ['text of 4001 bytes', concat(head(1), new Uint8Array(4001).fill(0x61))],
    ['text not UTF-8', concat(head(1), Uint8Array.of(0xc3, 0x28))],
    ['end without reason', head(3)],
    ['end reason 0', concat(head(3), u8(0))],
    ['end reason 3', concat(head(3), u8(3))],
    ['end with trailing byte', concat(head(3), u8(1), u8(0))],
    ['transfer without certificate', concat(head(2), u16(1), u16(0))],
    ['transfer with short certificate', concat(head(2), u16(1), u16(10), new Uint8Array(10))],
    ['transfer certificate over 298 bytes', concat(head(2), u16(1), u16(299), new Uint8Array(299))],
    ['transfer length beyond the end', concat(head(2), u16(1), u16(certificate.length + 1), certificate)],
    ['transfer with trailing byte', concat(head(2), u16(1), u16(certificate.length), certificate, u8(0))],
  ];
  for (const [what, bytes] of cases) assert.equal(codeOf(parseMessage(bytes, 'c2v')), 'bad_message', what);
});

test('quick exit is an end reason only the visitor sends', () => {
  const quick: Message = { kind: 'end', sentAtMs: 8n, reason: 'quick_exit' };
  const bytes = unwrap(encodeMessage(quick, 'v2c'));
  assert.deepEqual(bytes, concat(u8(3), u64(8n), u8(3)));
  assert.deepEqual(unwrap(parseMessage(bytes, 'v2c')), quick);
  assert.equal(codeOf(parseMessage(bytes, 'c2v')), 'bad_message');
  assert.equal(codeOf(encodeMessage(quick, 'c2v')), 'bad_message');
  assert.equal(codeOf(parseMessage(concat(u8(3), u64(8n), u8(4)), 'v2c')), 'bad_message');
});

test('history is entries of speaker, time and text, from the visitor only (§7.2, §8.2)', () => {
  const history: Message = {
    kind: 'history',
    sentAtMs: 10n,
    entries: [
      { from: 'visitor', sentAtMs: 1n, text: 'Помогнете ми.' },
      { from: 'counselor', sentAtMs: 2n, text: 'Тук съм.' },
    ],
  };
  const bytes = unwrap(encodeMessage(history, 'v2c'));
  const first = utf8('Помогнете ми.');
  const second = utf8('Тук съм.');
  assert.deepEqual(bytes, concat(u8(4), u64(10n), u8(1), u64(1n), u16(first.length), first, u8(2), u64(2n), u16(second.length), second));
  assert.deepEqual(unwrap(parseMessage(bytes, 'v2c')), history);
  assert.equal(codeOf(parseMessage(bytes, 'c2v')), 'bad_message', 'a counselor never sends history');
  assert.equal(codeOf(encodeMessage(history, 'c2v')), 'bad_message');
  // Damage: no entry, unknown speaker, empty text, trailing byte, cut short.
  assert.equal(codeOf(parseMessage(concat(u8(4), u64(10n)), 'v2c')), 'bad_message');
  const badSpeaker = bytes.slice();
  badSpeaker[9] = 3;
  assert.equal(codeOf(parseMessage(badSpeaker, 'v2c')), 'bad_message');
  assert.equal(codeOf(parseMessage(concat(u8(4), u64(10n), u8(1), u64(1n), u16(0)), 'v2c')), 'bad_message');
  assert.equal(codeOf(parseMessage(concat(bytes, u8(1)), 'v2c')), 'bad_message');
  assert.equal(codeOf(parseMessage(bytes.subarray(0, bytes.length - 1), 'v2c')), 'bad_message');
  // One message is at most 4095 bytes: 9 + (11 + 4000) + (11 + 64) fits, one byte more does not.
  const long = 'a'.repeat(4000);
  assert.ok(encodeMessage({ kind: 'history', sentAtMs: 0n, entries: [{ from: 'visitor', sentAtMs: 0n, text: long }, { from: 'visitor', sentAtMs: 0n, text: 'b'.repeat(64) }] }, 'v2c').ok);
  assert.equal(
    codeOf(encodeMessage({ kind: 'history', sentAtMs: 0n, entries: [{ from: 'visitor', sentAtMs: 0n, text: long }, { from: 'visitor', sentAtMs: 0n, text: 'b'.repeat(65) }] }, 'v2c')),
    'message_too_long',
  );
});
