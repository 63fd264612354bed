import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concat, u16, u64, u8, utf8 } from '../../src/e2e/bytes';
import {
  issueCertificate,
  kCertificateMaxBytes,
  kRoleCounselor,
  parseCertificate,
  verifyCertificateSignature,
  type CertificateFields,
} from '../../src/e2e/certificate';
import { codeOf, counselorFields, flipBit, loadSodium, makeOrg, signKeys, unwrap } from './fixtures';

const sodium = await loadSodium();
const org = makeOrg(sodium);
const subject = signKeys(sodium, 'subject');
const fields = counselorFields(sodium, subject.publicKey);

/** An unsigned certificate body built field by field, so each field can be broken on its own. */
function raw(parts: {
  magic?: Uint8Array;
  version?: number;
  role?: number;
  flags?: number;
  handle?: Uint8Array;
  handleLength?: number;
  name?: Uint8Array;
  nameLength?: number;
}): Uint8Array {
  const handle = parts.handle ?? utf8('c-1');
  const name = parts.name ?? utf8('Ана');
  return concat(
    parts.magic ?? utf8('HVC1'),
    u8(parts.version ?? 1),
    u8(parts.role ?? 2),
    u16(parts.flags ?? 0),
    subject.publicKey,
    new Uint8Array(16),
    u64(1n),
    u64(2n),
    u8(parts.handleLength ?? handle.length),
    handle,
    u8(parts.nameLength ?? name.length),
    name,
    new Uint8Array(64),
  );
}

test('a certificate round trips and its signature verifies with the issuer key only', () => {
  const bytes = unwrap(issueCertificate(sodium, org.signing.privateKey, fields));
  assert.equal(bytes.length, 138 + fields.handle.length + utf8(fields.name).length);
  const parsed = unwrap(parseCertificate(bytes));
  assert.equal(parsed.role, kRoleCounselor);
  assert.deepEqual(parsed.subjectKey, fields.subjectKey);
  assert.deepEqual(parsed.serial, fields.serial);
  assert.equal(parsed.notBefore, fields.notBefore);
  assert.equal(parsed.notAfter, fields.notAfter);
  assert.equal(parsed.handle, 'c-7f3a');
  assert.equal(parsed.name, 'Мария');
  assert.deepEqual(parsed.bytes, bytes);
  assert.ok(verifyCertificateSignature(sodium, parsed, org.signing.publicKey));
  assert.ok(!verifyCertificateSignature(sodium, parsed, org.root.publicKey));
  for (let bit = 0; bit < bytes.length * 8; bit += 7) {
    const flipped = parseCertificate(flipBit(bytes, bit));
    if (flipped.ok) assert.ok(!verifyCertificateSignature(sodium, flipped.value, org.signing.publicKey), `bit ${bit}`);
  }
});

test('the encoding is the §3.1 fields in order, then the signature over the label and them', () => {
  const bytes = unwrap(issueCertificate(sodium, org.signing.privateKey, fields));
  const name = utf8(fields.name);
  const unsigned = concat(
    utf8('HVC1'),
    u8(1),
    u8(2),
    u16(0),
    fields.subjectKey,
    fields.serial,
    u64(fields.notBefore),
    u64(fields.notAfter),
    u8(6),
    utf8('c-7f3a'),
    u8(name.length),
    name,
  );
  assert.deepEqual(bytes.subarray(0, bytes.length - 64), unsigned);
  const signed = concat(utf8('Haven-E2E v1 certificate'), u8(0), unsigned);
  assert.ok(sodium.crypto_sign_verify_detached(bytes.subarray(bytes.length - 64), signed, org.signing.publicKey));
});

test('the largest certificate is 298 bytes and u64 times survive exactly', () => {
  const longest: CertificateFields = {
    ...fields,
    handle: 'a'.repeat(32),
    name: 'Я'.repeat(64),
    notBefore: (1n << 64n) - 2n,
    notAfter: (1n << 64n) - 1n,
  };
  const bytes = unwrap(issueCertificate(sodium, org.signing.privateKey, longest));
  assert.equal(bytes.length, kCertificateMaxBytes);
  const parsed = unwrap(parseCertificate(bytes));
  assert.equal(parsed.notAfter, (1n << 64n) - 1n);
  assert.equal(parsed.name, longest.name);
});

test('empty names, and names with emoji and non-BMP characters, are allowed', () => {
  for (const name of ['', 'Ивана 🌷', '𝒜lex', 'Zoë — доброволка']) {
    const bytes = unwrap(issueCertificate(sodium, org.signing.privateKey, { ...fields, name }));
    assert.equal(unwrap(parseCertificate(bytes)).name, name);
  }
});

test('the raw builder makes a parseable certificate (so the negatives below test one thing)', () => {
  assert.ok(parseCertificate(raw({})).ok);
});

test('every malformed certificate is refused with its code', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['wrong magic', raw({ magic: utf8('HVC2') }), 'malformed'],
    ['revocation magic', raw({ magic: utf8('HVR1') }), 'malformed'],
    ['version 0', raw({ version: 0 }), 'unsupported_version'],
    ['version 2', raw({ version: 2 }), 'unsupported_version'],
    ['role 0', raw({ role: 0 }), 'malformed'],
    ['role 3', raw({ role: 3 }), 'malformed'],
    ['flags 1', raw({ flags: 1 }), 'malformed'],
    ['flags 0x8000', raw({ flags: 0x8000 }), 'malformed'],
    ['handle length 0', raw({ handle: new Uint8Array(0) }), 'malformed'],
    ['handle length 33', raw({ handle: utf8('a'.repeat(33)) }), 'malformed'],
    ['upper-case handle', raw({ handle: utf8('C-1') }), 'malformed'],
    ['underscore in handle', raw({ handle: utf8('c_1') }), 'malformed'],
    ['space in handle', raw({ handle: utf8('c 1') }), 'malformed'],
    ['non-ASCII handle', raw({ handle: utf8('ц-1') }), 'malformed'],
    ['NUL in handle', raw({ handle: Uint8Array.of(0x63, 0x00) }), 'malformed'],
    ['name length 129', raw({ name: utf8('a'.repeat(129)) }), 'malformed'],
    ['name length 255', raw({ name: utf8('a'.repeat(255)) }), 'malformed'],
    ['lone continuation byte', raw({ name: Uint8Array.of(0x41, 0x80) }), 'malformed'],
    ['truncated sequence', raw({ name: Uint8Array.of(0xd0) }), 'malformed'],
    ['overlong encoding', raw({ name: Uint8Array.of(0xc0, 0xaf) }), 'malformed'],
    ['encoded surrogate', raw({ name: Uint8Array.of(0xed, 0xa0, 0x80) }), 'malformed'],
    ['beyond U+10FFFF', raw({ name: Uint8Array.of(0xf4, 0x90, 0x80, 0x80) }), 'malformed'],
    ['0xff byte', raw({ name: Uint8Array.of(0xff) }), 'malformed'],
    ['NUL in name', raw({ name: utf8('a\u0000b') }), 'malformed'],
    ['newline in name', raw({ name: utf8('a\nb') }), 'malformed'],
    ['U+001F in name', raw({ name: utf8('\u001f') }), 'malformed'],
    ['DEL in name', raw({ name: utf8('a\u007f') }), 'malformed'],
    ['handle length byte past the end', raw({ handleLength: 200 }), 'malformed'],
    ['name length byte past the end', raw({ nameLength: 120 }), 'malformed'],
  ];
  for (const [what, bytes, code] of cases) assert.equal(codeOf(parseCertificate(bytes)), code, what);
});

test('a certificate is refused when truncated anywhere or followed by any byte', () => {
  const bytes = unwrap(issueCertificate(sodium, org.signing.privateKey, fields));
  for (let length = 0; length < bytes.length; length++) {
    assert.equal(codeOf(parseCertificate(bytes.subarray(0, length))), 'malformed', `length ${length}`);
  }
  assert.equal(codeOf(parseCertificate(concat(bytes, Uint8Array.of(0)))), 'malformed');
});

test('issuing refuses fields the format cannot carry', () => {
  const cases: Array<[string, Partial<CertificateFields>]> = [
    ['short key', { subjectKey: new Uint8Array(31) }],
    ['short serial', { serial: new Uint8Array(15) }],
    ['empty handle', { handle: '' }],
    ['long handle', { handle: 'a'.repeat(33) }],
    ['bad handle', { handle: 'Counselor' }],
    ['long name', { name: 'Я'.repeat(65) }],
    ['control character', { name: 'a\tb' }],
    ['lone surrogate', { name: 'a\ud800b' }],
    ['negative time', { notBefore: -1n }],
    ['time beyond u64', { notAfter: 1n << 64n }],
  ];
  for (const [what, override] of cases) {
    assert.equal(codeOf(issueCertificate(sodium, org.signing.privateKey, { ...fields, ...override })), 'malformed', what);
  }
});
