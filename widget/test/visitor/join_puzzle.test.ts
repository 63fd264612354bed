import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nonceMeets, solveJoinPuzzle, type JoinPuzzle } from '../../src/visitor/join_puzzle';
import { loadSodium } from '../e2e/fixtures';

const sodium = await loadSodium();

/** protocol.md §11.2, "Worked example": the C++ unit test checks the same numbers. */
const kWorkedExample: JoinPuzzle = { challenge: Uint8Array.from({ length: 32 }, (_, i) => i), bits: 8, solutions: 3 };

test('the worked example of the protocol document', async () => {
  const solution = await solveJoinPuzzle(sodium, kWorkedExample, { stopped: () => false });
  assert.deepEqual(solution, [77, 276, 350]);
  assert.ok(nonceMeets(sodium, kWorkedExample, 77));
  assert.ok(!nonceMeets(sodium, kWorkedExample, 78));
  assert.ok(!nonceMeets(sodium, { ...kWorkedExample, bits: 12 }, 77), "77's hash starts 0072: eight zero bits, not twelve");
});

test('solving yields to the page between slices, and stops when told', async () => {
  const puzzle: JoinPuzzle = { challenge: new Uint8Array(32).fill(7), bits: 12, solutions: 8 };
  let yields = 0;
  const solution = await solveJoinPuzzle(sodium, puzzle, {
    stopped: () => false,
    sliceMs: 0, // one batch of 256 hashes per slice
    yieldToPage: async () => {
      yields++;
    },
  });
  assert.equal(solution?.length, 8);
  assert.ok(solution!.every((nonce) => nonceMeets(sodium, puzzle, nonce)));
  assert.ok(yields >= Math.floor(solution![7]! / 256), `${yields} yields for ${solution![7]} hashes`);

  let slices = 0;
  const stopped = await solveJoinPuzzle(sodium, { ...puzzle, bits: 24 }, {
    stopped: () => slices >= 3, // quick exit after the third slice
    sliceMs: 0,
    yieldToPage: async () => {
      slices++;
    },
  });
  assert.equal(stopped, null);
  assert.equal(slices, 3);
});
