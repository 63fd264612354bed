// The cross-implementation test vector format `haven-e2e-vectors/1` (protocol.md §15), as
// TypeScript types, and a strict reader from parsed JSON. Strict means: every field of §15 must be
// present with its type, hex is lowercase, integers are exact, and unknown fields are refused
// (a misspelt field would otherwise silently skip a check).

export const kFormat = 'haven-e2e-vectors/1';

export interface PaddingVector {
  unpadded: string;
  padded: string;
}

export interface CertificateVector {
  issuer_seed: string;
  subject_seed: string;
  role: number;
  serial: string;
  not_before: number;
  not_after: number;
  handle: string;
  name: string;
  certificate: string;
}

export interface RevocationVector {
  issuer_seed: string;
  issuer_kind: number;
  issued_at: number;
  serials: string[];
  revocation_list: string;
}

export interface FrameVector {
  direction: 'v2c' | 'c2v';
  seq: number;
  tag: number;
  message: string;
  frame: string;
}

export interface HandshakeVector {
  root_seed: string;
  signing_certificate: string;
  counselor_seed: string;
  counselor_certificate: string;
  now: number;
  chat_id: string;
  leg: number;
  visitor_nonce: string;
  visitor_kx_seed: string;
  counselor_kx_seed: string;
  offer: string;
  transcript_hash: string;
  signature: string;
  accept: string;
  stream_start: string;
  key_v2c: string;
  key_c2v: string;
  code: string;
  frames: FrameVector[];
}

export interface VectorFile {
  format: typeof kFormat;
  generator: 'c++' | 'typescript';
  padding: PaddingVector[];
  certificates: CertificateVector[];
  revocations: RevocationVector[];
  handshakes: HandshakeVector[];
}

/** A vector file that does not follow §15; `path` names the offending field. */
export class VectorFormatError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'VectorFormatError';
  }
}

type Json = unknown;
type FieldKind = 'hex' | 'string' | 'integer' | 'hex[]' | 'object[]';

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkField(value: Json, kind: FieldKind, path: string): void {
  switch (kind) {
    case 'hex':
      if (typeof value !== 'string' || value.length % 2 !== 0 || !/^[0-9a-f]*$/.test(value)) {
        throw new VectorFormatError(path, 'expected lowercase hex with an even number of digits');
      }
      return;
    case 'string':
      if (typeof value !== 'string') throw new VectorFormatError(path, 'expected a string');
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw new VectorFormatError(path, 'expected a non-negative integer below 2^53');
      }
      return;
    case 'hex[]':
      if (!Array.isArray(value)) throw new VectorFormatError(path, 'expected an array');
      value.forEach((item, i) => checkField(item, 'hex', `${path}[${i}]`));
      return;
    case 'object[]':
      if (!Array.isArray(value)) throw new VectorFormatError(path, 'expected an array');
      value.forEach((item, i) => {
        if (!isRecord(item)) throw new VectorFormatError(`${path}[${i}]`, 'expected an object');
      });
      return;
  }
}

function checkObject(value: Json, schema: Record<string, FieldKind>, path: string): Record<string, Json> {
  if (!isRecord(value)) throw new VectorFormatError(path, 'expected an object');
  for (const key of Object.keys(value)) {
    if (!(key in schema)) throw new VectorFormatError(`${path}.${key}`, 'unknown field');
  }
  for (const [key, kind] of Object.entries(schema)) {
    if (!(key in value)) throw new VectorFormatError(`${path}.${key}`, 'missing');
    checkField(value[key], kind, `${path}.${key}`);
  }
  return value;
}

const kPaddingSchema: Record<string, FieldKind> = { unpadded: 'hex', padded: 'hex' };
const kCertificateSchema: Record<string, FieldKind> = {
  issuer_seed: 'hex',
  subject_seed: 'hex',
  role: 'integer',
  serial: 'hex',
  not_before: 'integer',
  not_after: 'integer',
  handle: 'string',
  name: 'string',
  certificate: 'hex',
};
const kRevocationSchema: Record<string, FieldKind> = {
  issuer_seed: 'hex',
  issuer_kind: 'integer',
  issued_at: 'integer',
  serials: 'hex[]',
  revocation_list: 'hex',
};
const kFrameSchema: Record<string, FieldKind> = { direction: 'string', seq: 'integer', tag: 'integer', message: 'hex', frame: 'hex' };
const kHandshakeSchema: Record<string, FieldKind> = {
  root_seed: 'hex',
  signing_certificate: 'hex',
  counselor_seed: 'hex',
  counselor_certificate: 'hex',
  now: 'integer',
  chat_id: 'hex',
  leg: 'integer',
  visitor_nonce: 'hex',
  visitor_kx_seed: 'hex',
  counselor_kx_seed: 'hex',
  offer: 'hex',
  transcript_hash: 'hex',
  signature: 'hex',
  accept: 'hex',
  stream_start: 'hex',
  key_v2c: 'hex',
  key_c2v: 'hex',
  code: 'string',
  frames: 'object[]',
};
const kFileSchema: Record<string, FieldKind> = {
  format: 'string',
  generator: 'string',
  padding: 'object[]',
  certificates: 'object[]',
  revocations: 'object[]',
  handshakes: 'object[]',
};

function checkArray(file: Record<string, Json>, key: string, schema: Record<string, FieldKind>): void {
  const items = file[key] as Json[];
  if (items.length === 0) throw new VectorFormatError(key, 'no vectors: an empty section would verify nothing');
  items.forEach((item, i) => checkObject(item, schema, `${key}[${i}]`));
}

/** Checks that `json` has the §15 shape and returns it typed; throws VectorFormatError if not. */
export function readVectorFile(json: Json): VectorFile {
  const file = checkObject(json, kFileSchema, '$');
  if (file['format'] !== kFormat) throw new VectorFormatError('$.format', `expected "${kFormat}"`);
  if (file['generator'] !== 'c++' && file['generator'] !== 'typescript') {
    throw new VectorFormatError('$.generator', 'expected "c++" or "typescript"');
  }
  checkArray(file, 'padding', kPaddingSchema);
  checkArray(file, 'certificates', kCertificateSchema);
  checkArray(file, 'revocations', kRevocationSchema);
  checkArray(file, 'handshakes', kHandshakeSchema);
  (file['handshakes'] as Record<string, Json>[]).forEach((handshake, i) => {
    (handshake['frames'] as Json[]).forEach((frame, j) => {
      const path = `handshakes[${i}].frames[${j}]`;
      const checked = checkObject(frame, kFrameSchema, path);
      if (checked['direction'] !== 'v2c' && checked['direction'] !== 'c2v') {
        throw new VectorFormatError(`${path}.direction`, 'expected "v2c" or "c2v"');
      }
    });
  });
  return json as VectorFile;
}
