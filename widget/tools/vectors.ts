// Command line for the cross-implementation test vectors (protocol.md §15):
//
//   node dist-test/tools/vectors.mjs generate OUT.json   write a fresh TypeScript vector file
//   node dist-test/tools/vectors.mjs verify IN.json      check a file from either implementation
//
// (or `npm run vectors -- generate|verify FILE`). Prints one summary line; exits 1 on any
// mismatch, 2 on a usage or format error.

import { readFileSync, writeFileSync } from 'node:fs';
import sodiumWrappers from 'libsodium-wrappers';
import type { Sodium } from '../src/e2e/sodium';
import { VectorFormatError } from './vectors/format';
import { generateVectors } from './vectors/generate';
import { verifyVectors, type VerifyReport } from './vectors/verify';

const kShownFailures = 20;

function summary(report: VerifyReport): string {
  const { padding, certificates, revocations, handshakes, frames } = report.counts;
  const vectors = padding + certificates + revocations + handshakes;
  return (
    `${vectors} vectors from ${report.generator} (${padding} padding, ${certificates} certificates, ` +
    `${revocations} revocations, ${handshakes} handshakes with ${frames} frames)`
  );
}

function report(result: VerifyReport, verb: string): number {
  for (const failure of result.failures.slice(0, kShownFailures)) console.error(`  ${failure}`);
  if (result.failures.length > kShownFailures) console.error(`  … and ${result.failures.length - kShownFailures} more`);
  if (result.failures.length > 0) {
    console.log(`vectors: FAILED: ${result.failures.length} mismatches in ${summary(result)}`);
    return 1;
  }
  console.log(`vectors: ${verb} ${summary(result)}`);
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, file, ...extra] = argv;
  if ((command !== 'generate' && command !== 'verify') || file === undefined || extra.length > 0) {
    console.error('usage: vectors generate OUT.json | vectors verify IN.json');
    return 2;
  }
  await sodiumWrappers.ready;
  const sodium: Sodium = sodiumWrappers;
  if (command === 'generate') {
    const vectors = generateVectors(sodium);
    // Round-trip through JSON text before writing: what is checked is exactly what is written.
    const text = `${JSON.stringify(vectors, null, 2)}\n`;
    const status = report(verifyVectors(sodium, JSON.parse(text)), `generated and verified ${file}:`);
    if (status === 0) writeFileSync(file, text);
    return status;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error: unknown) {
    console.log(`vectors: FAILED: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  try {
    return report(verifyVectors(sodium, json), 'verified');
  } catch (error: unknown) {
    if (!(error instanceof VectorFormatError)) throw error;
    console.log(`vectors: FAILED: ${file} is not ${'haven-e2e-vectors/1'}: ${error.message}`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
