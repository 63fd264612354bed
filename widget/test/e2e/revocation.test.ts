import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concat, u16, u64, u8, utf8 } from '../../src/e2e/bytes';
import {
  issueRevocationList,
  kIssuerRoot,
  kIssuerSigning,
  parseRevocationList,
  verifyRevocationListSignature,
} from '../../src/e2e/revocation';
import { codeOf, flipBit, loadSodium, makeOrg, serial, unwrap } from './fixtures';

const sodium = await loadSodium();
const org = makeOrg(sodium);
const serials = [Uint8Array.of(1, ...new Uint8Array(15)), Uint8Array.of(2, ...new Uint8Array(15)), new Uint8Array(16).fill(0xff)];

function raw(parts: { version?: number; kind?: number; flags?: number; count?: number; serials?: Uint8Array[] }): Uint8Array {
  const list = parts.serials ?? serials;
  return concat(
    utf8('HVR1'),
    u8(parts.version ?? 1),
    u8(parts.kind ?? 1),
    u16(parts.flags ?? 0),
    org.signing.publicKey,
    u64(5n),
    u16(parts.count ?? list.length),
    ...list,
    new Uint8Array(64),
  );
}

test('a revocation list round trips and verifies under its issuer key', () => {
  const bytes = unwrap(issueRevocationList(sodium, org.signing.privateKey, { issuerKind: kIssuerSigning, issuedAt: 99n, serials }));
  assert.equal(bytes.length, 4 + 1 + 1 + 2 + 32 + 8 + 2 + 16 * serials.length + 64);
  const list = unwrap(parseRevocationList(bytes));
  assert.equal(list.issuerKind, kIssuerSigning);
  assert.deepEqual(list.issuerKey, org.signing.publicKey);
  assert.equal(list.issuedAt, 99n);
  assert.deepEqual(list.serials, serials);
  assert.ok(verifyRevocationListSignature(sodium, list));
  for (let bit = 0; bit < bytes.length * 8; bit += 5) {
    const flipped = parseRevocationList(flipBit(bytes, bit));
    if (flipped.ok) assert.ok(!verifyRevocationListSignature(sodium, flipped.value), `bit ${bit}`);
  }
});

test('empty and maximal lists are allowed', () => {
  const empty = unwrap(issueRevocationList(sodium, org.root.privateKey, { issuerKind: kIssuerRoot, issuedAt: 0n, serials: [] }));
  assert.equal(unwrap(parseRevocationList(empty)).serials.length, 0);
  const many = Array.from({ length: 4096 }, (_, i) => concat(u16(i), new Uint8Array(14)));
  const full = unwrap(issueRevocationList(sodium, org.root.privateKey, { issuerKind: kIssuerRoot, issuedAt: 1n, serials: many }));
  assert.equal(unwrap(parseRevocationList(full)).serials.length, 4096);
});

test('the raw builder makes a parseable list', () => {
  assert.ok(parseRevocationList(raw({})).ok);
});

test('every malformed revocation list is refused with its code', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['wrong magic', concat(utf8('HVC1'), raw({}).subarray(4)), 'malformed'],
    ['version 2', raw({ version: 2 }), 'unsupported_version'],
    ['issuer kind 2', raw({ kind: 2 }), 'malformed'],
    ['flags', raw({ flags: 4 }), 'malformed'],
    ['count 4097', raw({ count: 4097, serials: [] }), 'malformed'],
    ['count larger than the serials', raw({ count: 4 }), 'malformed'],
    ['count smaller than the serials', raw({ count: 2 }), 'malformed'],
    ['descending serials', raw({ serials: [serials[1]!, serials[0]!] }), 'malformed'],
    ['duplicate serials', raw({ serials: [serials[0]!, serials[0]!] }), 'malformed'],
  ];
  for (const [what, bytes, code] of cases) assert.equal(codeOf(parseRevocationList(bytes)), code, what);
  const bytes = raw({});
  for (let length = 0; length < bytes.length; length++) {
    assert.equal(codeOf(parseRevocationList(bytes.subarray(0, length))), 'malformed', `length ${length}`);
  }
  assert.equal(codeOf(parseRevocationList(concat(bytes, u8(0)))), 'malformed');
});

test('issuing refuses unordered, duplicate, wrong-size or too many serials', () => {
  const issue = (list: Uint8Array[]) =>
    codeOf(issueRevocationList(sodium, org.signing.privateKey, { issuerKind: kIssuerSigning, issuedAt: 0n, serials: list }));
  assert.equal(issue([serials[2]!, serials[0]!]), 'malformed');
  assert.equal(issue([serials[0]!, serials[0]!]), 'malformed');
  assert.equal(issue([new Uint8Array(15)]), 'malformed');
  assert.equal(issue(Array.from({ length: 4097 }, (_, i) => concat(u16(i), new Uint8Array(14)))), 'malformed');
  assert.equal(issue([serial(sodium, 'x')]), 'ok');
});
