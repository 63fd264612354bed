// Byte-level helpers for the Haven-E2E v1 wire formats (protocol.md §1): big-endian integers,
// labels, hex, and a Reader that refuses truncated input and trailing bytes.
//
// u64 values are bigint everywhere so that every value a C++ peer can put on the wire is
// represented exactly; a number would silently round above 2^53.

import { fail, type Result } from './errors';

const kU16Max = 0xffff;
const kU32Max = 0xffffffff;
const kU64Max = (1n << 64n) - 1n;

const kUtf8Encoder = new TextEncoder();

/** The ASCII label `text` followed by one zero byte (protocol.md §1). */
export function label(text: string): Uint8Array {
  return concat(kUtf8Encoder.encode(text), Uint8Array.of(0));
}

/** UTF-8 bytes of `text`; lone surrogates become U+FFFD (TextEncoder semantics). */
export function utf8(text: string): Uint8Array {
  return kUtf8Encoder.encode(text);
}

/** One new array holding `parts` in order. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Byte-wise equality. Not constant time: use only on public values. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/** Lexicographic order of unsigned bytes: negative, zero or positive like a comparator. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Lowercase hex, as in the protocol document and the test vectors. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** Bytes of `hex`, or null unless it is an even number of lowercase hex digits. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function checkUnsigned(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${what} out of range: ${value}`);
  }
}

/** Big-endian u8. Throws RangeError outside 0..255: callers pass validated values. */
export function u8(value: number): Uint8Array {
  checkUnsigned(value, 0xff, 'u8');
  return Uint8Array.of(value);
}

/** Big-endian u16. Throws RangeError outside 0..65535. */
export function u16(value: number): Uint8Array {
  checkUnsigned(value, kU16Max, 'u16');
  return Uint8Array.of(value >>> 8, value & 0xff);
}

/** Big-endian u32. Throws RangeError outside 0..2^32-1. */
export function u32(value: number): Uint8Array {
  checkUnsigned(value, kU32Max, 'u32');
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

/** Big-endian u64. Throws RangeError outside 0..2^64-1. */
export function u64(value: bigint): Uint8Array {
  if (value < 0n || value > kU64Max) throw new RangeError(`u64 out of range: ${value}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value, false);
  return out;
}

/** Reads a big-endian u32 from the first four bytes of `bytes` (which must have them). */
export function readU32(bytes: Uint8Array): number {
  const reader = new Reader(bytes.subarray(0, 4));
  return reader.u32();
}

/** Thrown by Reader on truncated input or trailing bytes; parsers turn it into `malformed`. */
export class TruncatedInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TruncatedInput';
  }
}

/**
 * Sequential big-endian reader over one input. Every read either returns exactly the bytes asked
 * for or throws TruncatedInput; `end()` throws if bytes remain. Returned byte arrays are copies,
 * so a parsed value never aliases (or keeps alive) the caller's buffer.
 */
export class Reader {
  private offset_ = 0;

  constructor(private readonly input_: Uint8Array) {}

  /** Bytes not read yet. */
  get remaining(): number {
    return this.input_.length - this.offset_;
  }

  /** Bytes consumed so far. */
  get consumed(): number {
    return this.offset_;
  }

  u8(): number {
    return this.take(1)[0] ?? 0;
  }

  u16(): number {
    const b = this.take(2);
    return ((b[0] ?? 0) << 8) | (b[1] ?? 0);
  }

  u32(): number {
    const b = this.take(4);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, false);
  }

  u64(): bigint {
    const b = this.take(8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, false);
  }

  /** The next `length` bytes, copied. */
  bytes(length: number): Uint8Array {
    return this.take(length).slice();
  }

  /** All remaining bytes, copied. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** Throws unless every byte was read: parsers MUST reject trailing bytes (§1). */
  end(): void {
    if (this.remaining !== 0) throw new TruncatedInput(`${this.remaining} trailing bytes`);
  }

  private take(length: number): Uint8Array {
    if (!Number.isInteger(length) || length < 0 || length > this.remaining) {
      throw new TruncatedInput(`need ${length} bytes at offset ${this.offset_}, have ${this.remaining}`);
    }
    const out = this.input_.subarray(this.offset_, this.offset_ + length);
    this.offset_ += length;
    return out;
  }
}

/**
 * Runs `parse` over all of `input`: truncation inside it and bytes left after it both become
 * `malformed`, so each format's parser only states its grammar and its own checks.
 */
export function parseAll<T>(input: Uint8Array, parse: (reader: Reader) => Result<T>): Result<T> {
  const reader = new Reader(input);
  try {
    const result = parse(reader);
    if (result.ok) reader.end();
    return result;
  } catch (error: unknown) {
    if (error instanceof TruncatedInput) return fail('malformed', error.message);
    throw error;
  }
}
