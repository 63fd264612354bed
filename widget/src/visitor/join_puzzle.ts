// The join puzzle of protocol.md §11.2: while the helpline is under pressure the server's
// `welcome` asks for `solutions` nonces whose hashes start with `bits` zero bits, so that a
// flood of joins costs the flooder CPU time rather than costing a real visitor her place.
//
// Solving takes about a second of a phone's time. It runs on the frame's only thread, so it
// works in slices of a few milliseconds and yields between them: quick exit (a key or a tap)
// is handled within one slice, and stops the search.

import type { Sodium } from '../e2e/sodium';

export interface JoinPuzzle {
  readonly challenge: Uint8Array; // 32 bytes
  readonly bits: number; // 1..24
  readonly solutions: number; // 1..64
}

export const kMaxPuzzleBits = 24;
export const kMaxPuzzleSolutions = 64;

/** "Haven puzzle v1\0" (§1: a label is ASCII and one zero byte). */
const kLabel = new Uint8Array([...new TextEncoder().encode('Haven puzzle v1'), 0]);

/** The hash input for every nonce: label ‖ challenge ‖ u32(nonce), the nonce rewritten in place. */
function puzzleInput(puzzle: JoinPuzzle): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(kLabel.length + 32 + 4);
  bytes.set(kLabel, 0);
  bytes.set(puzzle.challenge, kLabel.length);
  return { bytes, view: new DataView(bytes.buffer) };
}

function startsWithZeroBits(digest: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (digest[i] !== 0) return false;
  const rest = bits & 7;
  return rest === 0 || digest[whole]! >> (8 - rest) === 0;
}

/** True when H("Haven puzzle v1\0" ‖ challenge ‖ u32(nonce)) starts with `bits` zero bits. */
export function nonceMeets(sodium: Sodium, puzzle: JoinPuzzle, nonce: number): boolean {
  const input = puzzleInput(puzzle);
  input.view.setUint32(input.bytes.length - 4, nonce);
  return startsWithZeroBits(sodium.crypto_generichash(32, input.bytes, null), puzzle.bits);
}

export interface SolveOptions {
  /** Checked between slices: true stops the search (quick exit, a dropped connection). */
  readonly stopped: () => boolean;
  /** Lets the page run (events, rendering) between slices. */
  readonly yieldToPage?: () => Promise<void>;
  readonly now?: () => number;
  readonly sliceMs?: number;
}

/** A macrotask without setTimeout's 4 ms clamp: a message to ourselves. */
export function yieldThroughMessage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * The first `solutions` nonces from 0 up that meet the puzzle (the smallest solution, as the
 * C++ side finds it), or null if stopped first.
 */
export async function solveJoinPuzzle(sodium: Sodium, puzzle: JoinPuzzle, options: SolveOptions): Promise<number[] | null> {
  const now = options.now ?? (() => performance.now());
  const yieldToPage = options.yieldToPage ?? yieldThroughMessage;
  const sliceMs = options.sliceMs ?? 10;
  const input = puzzleInput(puzzle);
  const nonceAt = input.bytes.length - 4;
  const found: number[] = [];
  let nonce = 0;
  while (found.length < puzzle.solutions) {
    if (options.stopped()) return null;
    const sliceEnd = now() + sliceMs;
    do {
      for (let i = 0; i < 256 && found.length < puzzle.solutions; i++, nonce++) {
        if (nonce > 0xffffffff) return null; // no solution in the whole range (cannot happen at ≤ 24 bits)
        input.view.setUint32(nonceAt, nonce);
        if (startsWithZeroBits(sodium.crypto_generichash(32, input.bytes, null), puzzle.bits)) found.push(nonce);
      }
    } while (found.length < puzzle.solutions && now() < sliceEnd);
    if (found.length < puzzle.solutions) await yieldToPage();
  }
  return options.stopped() ? null : found;
}
