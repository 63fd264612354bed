// The §15 vector tool must accept its own output and reject every kind of damage: a verifier
// that cannot fail would let the two implementations drift apart silently.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VectorFormatError, type VectorFile } from '../../tools/vectors/format';
import { generateVectors } from '../../tools/vectors/generate';
import { verifyVectors } from '../../tools/vectors/verify';
import { loadSodium } from './fixtures';

const sodium = await loadSodium();
const pristine = JSON.stringify(generateVectors(sodium));

function fresh(): VectorFile {
  return JSON.parse(pristine) as VectorFile;
}

/** Replaces hex digit `index` (negative counts from the end) by another digit. */
function alterHex(value: string, index = 0): string {
  const i = index < 0 ? value.length + index : index;
  const digit = value[i] === '0' ? '1' : '0';
  return value.slice(0, i) + digit + value.slice(i + 1);
}

function failuresAfter(damage: (file: VectorFile) => void): readonly string[] {
  const file = fresh();
  damage(file);
  return verifyVectors(sodium, JSON.parse(JSON.stringify(file))).failures;
}

test('generated vectors verify, with at least 60 vectors, rekeys, finals and Cyrillic names', () => {
  const file = fresh();
  const report = verifyVectors(sodium, file);
  assert.deepEqual(report.failures, []);
  const { padding, certificates, revocations, handshakes } = report.counts;
  assert.ok(padding + certificates + revocations + handshakes >= 60);
  const tags = file.handshakes.flatMap((handshake) => handshake.frames.map((frame) => frame.tag));
  assert.ok(tags.includes(2) && tags.includes(3) && tags.includes(0));
  assert.ok(file.certificates.some((vector) => /[а-яА-Я]/.test(vector.name)));
  assert.ok(file.handshakes.some((vector) => vector.leg > 0));
});

test('deterministic fields are identical on every run', () => {
  const again = generateVectors(sodium);
  const first = fresh();
  assert.deepEqual(again.padding, first.padding);
  assert.deepEqual(again.certificates, first.certificates);
  assert.deepEqual(again.revocations, first.revocations);
  again.handshakes.forEach((vector, i) => {
    const before = first.handshakes[i]!;
    for (const field of ['offer', 'transcript_hash', 'signature', 'key_v2c', 'key_c2v', 'code'] as const) {
      assert.equal(vector[field], before[field], field);
    }
    assert.equal(vector.accept.slice(0, -48), before.accept.slice(0, -48));
    assert.notEqual(vector.accept.slice(-48), before.accept.slice(-48), 'the stream header is random');
  });
});

test('every damaged deterministic output is reported', () => {
  const damages: Array<[string, (file: VectorFile) => void]> = [
    ['padded', (f) => (f.padding[3]!.padded = alterHex(f.padding[3]!.padded, -1))],
    ['unpadded', (f) => (f.padding[5]!.unpadded = alterHex(f.padding[5]!.unpadded))],
    ['certificate', (f) => (f.certificates[2]!.certificate = alterHex(f.certificates[2]!.certificate, 20))],
    ['certificate name', (f) => (f.certificates[1]!.name = 'Мариа')],
    ['certificate times', (f) => (f.certificates[1]!.not_after += 1)],
    ['certificate role', (f) => (f.certificates[0]!.role = 2)],
    ['revocation serial', (f) => (f.revocations[2]!.serials[0] = alterHex(f.revocations[2]!.serials[0]!, 31))],
    ['revocation kind', (f) => (f.revocations[1]!.issuer_kind = 0)],
    ['revocation list', (f) => (f.revocations[0]!.revocation_list = alterHex(f.revocations[0]!.revocation_list, -1))],
    ['offer', (f) => (f.handshakes[0]!.offer = alterHex(f.handshakes[0]!.offer, 10))],
    ['transcript hash', (f) => (f.handshakes[0]!.transcript_hash = alterHex(f.handshakes[0]!.transcript_hash))],
    ['signature', (f) => (f.handshakes[1]!.signature = alterHex(f.handshakes[1]!.signature))],
    ['accept body', (f) => (f.handshakes[1]!.accept = alterHex(f.handshakes[1]!.accept, 60))],
    ['accept header', (f) => (f.handshakes[1]!.accept = alterHex(f.handshakes[1]!.accept, -3))],
    ['stream_start body', (f) => (f.handshakes[2]!.stream_start = alterHex(f.handshakes[2]!.stream_start, 12))],
    ['stream_start header', (f) => (f.handshakes[2]!.stream_start = alterHex(f.handshakes[2]!.stream_start, -1))],
    ['key_v2c', (f) => (f.handshakes[3]!.key_v2c = alterHex(f.handshakes[3]!.key_v2c))],
    ['key_c2v', (f) => (f.handshakes[3]!.key_c2v = alterHex(f.handshakes[3]!.key_c2v))],
    ['code', (f) => (f.handshakes[4]!.code = f.handshakes[4]!.code === '000000' ? '000001' : '000000')],
    ['now outside validity', (f) => (f.handshakes[4]!.now += 400 * 86400)],
    ['counselor seed', (f) => (f.handshakes[5]!.counselor_seed = alterHex(f.handshakes[5]!.counselor_seed))],
    ['chat id', (f) => (f.handshakes[6]!.chat_id = alterHex(f.handshakes[6]!.chat_id))],
    ['leg', (f) => (f.handshakes[6]!.leg += 1)],
    ['REKEY tag', (f) => (f.handshakes[1]!.frames.find((frame) => frame.tag === 2)!.tag = 0)],
    ['FINAL tag', (f) => (f.handshakes[1]!.frames.find((frame) => frame.tag === 3)!.tag = 0)],
    ['MESSAGE tag', (f) => (f.handshakes[1]!.frames[0]!.tag = 2)],
    ['frame message', (f) => (f.handshakes[0]!.frames[0]!.message = alterHex(f.handshakes[0]!.frames[0]!.message, -1))],
    ['frame bytes', (f) => (f.handshakes[0]!.frames[1]!.frame = alterHex(f.handshakes[0]!.frames[1]!.frame, 40))],
    ['frame seq', (f) => (f.handshakes[0]!.frames[0]!.seq += 1)],
    ['frame direction', (f) => (f.handshakes[0]!.frames[0]!.direction = 'c2v')],
    ['frames reordered', (f) => f.handshakes[2]!.frames.splice(3, 2, f.handshakes[2]!.frames[4]!, f.handshakes[2]!.frames[3]!)],
    ['frame dropped', (f) => f.handshakes[2]!.frames.splice(3, 1)],
    ['frame duplicated', (f) => f.handshakes[2]!.frames.splice(3, 0, f.handshakes[2]!.frames[3]!)],
    ['seed of the wrong size', (f) => (f.certificates[0]!.issuer_seed = '00')],
  ];
  for (const [what, damage] of damages) assert.notDeepEqual(failuresAfter(damage), [], what);
});

test('files that do not follow the §15 shape are refused', () => {
  const broken: Array<[string, (file: Record<string, unknown> & VectorFile) => void]> = [
    ['format', (f) => (f.format = 'haven-e2e-vectors/2' as VectorFile['format'])],
    ['generator', (f) => (f.generator = 'rust' as VectorFile['generator'])],
    ['unknown top-level field', (f) => (f['extra'] = 1)],
    ['unknown vector field', (f) => ((f.padding[0] as unknown as Record<string, unknown>)['comment'] = 'x')],
    ['missing field', (f) => delete (f.handshakes[0] as unknown as Record<string, unknown>)['code']],
    ['missing section', (f) => delete (f as Record<string, unknown>)['revocations']],
    ['empty section', (f) => (f.padding = [])],
    ['upper-case hex', (f) => (f.padding[1]!.unpadded = 'AB')],
    ['odd hex', (f) => (f.certificates[0]!.serial = f.certificates[0]!.serial.slice(1))],
    ['fractional integer', (f) => (f.handshakes[0]!.now = 1.5)],
    ['negative integer', (f) => (f.handshakes[0]!.leg = -1)],
    ['string integer', (f) => ((f.certificates[0] as unknown as Record<string, unknown>)['not_before'] = '0')],
    ['bad direction', (f) => (f.handshakes[0]!.frames[0]!.direction = 'up' as 'v2c')],
  ];
  for (const [what, damage] of broken) {
    const file = fresh() as Record<string, unknown> & VectorFile;
    damage(file);
    assert.throws(() => verifyVectors(sodium, file), VectorFormatError, what);
  }
});
