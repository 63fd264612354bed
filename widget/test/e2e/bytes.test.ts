import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareBytes, concat, fromHex, label, parseAll, Reader, toHex, TruncatedInput, u16, u32, u64, u8 } from '../../src/e2e/bytes';
import { ok } from '../../src/e2e/errors';

test('hex round trip is lowercase and strict', () => {
  const bytes = Uint8Array.of(0x00, 0x0f, 0xa0, 0xff);
  assert.equal(toHex(bytes), '000fa0ff');
  assert.deepEqual(fromHex('000fa0ff'), bytes);
  assert.deepEqual(fromHex(''), new Uint8Array(0));
  assert.equal(fromHex('000FA0FF'), null);
  assert.equal(fromHex('abc'), null);
  assert.equal(fromHex('zz'), null);
  assert.equal(fromHex(' 00'), null);
});

test('big-endian integers and their bounds', () => {
  assert.deepEqual(u8(0xab), Uint8Array.of(0xab));
  assert.deepEqual(u16(0x1234), Uint8Array.of(0x12, 0x34));
  assert.deepEqual(u32(0x89abcdef), Uint8Array.of(0x89, 0xab, 0xcd, 0xef));
  assert.deepEqual(u64(0x0123456789abcdefn), Uint8Array.of(0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef));
  assert.deepEqual(u64((1n << 64n) - 1n), new Uint8Array(8).fill(0xff));
  assert.throws(() => u8(256), RangeError);
  assert.throws(() => u16(-1), RangeError);
  assert.throws(() => u16(65536), RangeError);
  assert.throws(() => u16(1.5), RangeError);
  assert.throws(() => u32(2 ** 32), RangeError);
  assert.throws(() => u64(1n << 64n), RangeError);
  assert.throws(() => u64(-1n), RangeError);
});

test('labels end with one zero byte', () => {
  assert.equal(toHex(label('ab')), '616200');
});

test('concat and compare', () => {
  assert.deepEqual(concat(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3)), Uint8Array.of(1, 2, 3));
  assert.ok(compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3)) < 0);
  assert.ok(compareBytes(Uint8Array.of(0xff), Uint8Array.of(0x01)) > 0);
  assert.equal(compareBytes(Uint8Array.of(7), Uint8Array.of(7)), 0);
});

test('Reader reads big-endian values and copies bytes', () => {
  const input = concat(u8(1), u16(0x0203), u32(0x04050607), u64(0x08090a0b0c0d0e0fn), Uint8Array.of(0x10, 0x11));
  const reader = new Reader(input);
  assert.equal(reader.u8(), 1);
  assert.equal(reader.u16(), 0x0203);
  assert.equal(reader.u32(), 0x04050607);
  assert.equal(reader.u64(), 0x08090a0b0c0d0e0fn);
  const rest = reader.rest();
  assert.deepEqual(rest, Uint8Array.of(0x10, 0x11));
  rest[0] = 0;
  assert.equal(input[input.length - 2], 0x10, 'returned bytes must not alias the input');
  reader.end();
});

test('Reader fails on truncation at every read and on trailing bytes', () => {
  assert.throws(() => new Reader(new Uint8Array(0)).u8(), TruncatedInput);
  assert.throws(() => new Reader(new Uint8Array(1)).u16(), TruncatedInput);
  assert.throws(() => new Reader(new Uint8Array(3)).u32(), TruncatedInput);
  assert.throws(() => new Reader(new Uint8Array(7)).u64(), TruncatedInput);
  assert.throws(() => new Reader(new Uint8Array(4)).bytes(5), TruncatedInput);
  assert.throws(() => new Reader(new Uint8Array(4)).bytes(-1), TruncatedInput);
  const reader = new Reader(new Uint8Array(2));
  reader.u8();
  assert.throws(() => reader.end(), TruncatedInput);
});

test('parseAll turns truncation and trailing bytes into malformed', () => {
  const readTwo = (reader: Reader) => ok(reader.u16());
  assert.deepEqual(parseAll(Uint8Array.of(1, 2), readTwo), ok(0x0102));
  const short = parseAll(Uint8Array.of(1), readTwo);
  assert.equal(short.ok ? 'ok' : short.error.code, 'malformed');
  const long = parseAll(Uint8Array.of(1, 2, 3), readTwo);
  assert.equal(long.ok ? 'ok' : long.error.code, 'malformed');
});
