// Verifies a `haven-e2e-vectors/1` file (protocol.md §15), whoever generated it: every
// deterministic output is recomputed from the inputs and compared byte for byte; for accept and
// stream_start all but the last 24 bytes (the random stream header) are compared and the given
// header is used; then every frame is decrypted in order and its message and tag compared.

import { equalBytes, fromHex, toHex } from '../../src/e2e/bytes';
import { issueCertificate, parseCertificate, type CertificateRole } from '../../src/e2e/certificate';
import { verifyChain } from '../../src/e2e/chain';
import { encodeAccept, encodeOffer, encodeStreamStart, kOfferBytes } from '../../src/e2e/handshake_wire';
import { encodeMessage, parseMessage } from '../../src/e2e/message';
import { pad, unpad } from '../../src/e2e/padding';
import { issueRevocationList, parseRevocationList, type RevocationIssuerKind } from '../../src/e2e/revocation';
import { deriveStreamKeys, signTranscript, transcriptHash, verificationCode } from '../../src/e2e/session_keys';
import type { Sodium } from '../../src/e2e/sodium';
import { StreamReceiver } from '../../src/e2e/stream';
import {
  readVectorFile,
  type CertificateVector,
  type HandshakeVector,
  type PaddingVector,
  type RevocationVector,
} from './format';

const kHeaderBytes = 24;

export interface VerifyReport {
  readonly generator: string;
  readonly counts: { padding: number; certificates: number; revocations: number; handshakes: number; frames: number };
  /** One line per mismatch, naming the vector and field; empty when everything matched. */
  readonly failures: readonly string[];
}

/** Collects mismatches for one vector; `where` prefixes each. */
class Checker {
  constructor(
    private readonly failures_: string[],
    private readonly where_: string,
  ) {}

  bytes(field: string, expectedHex: string, actual: Uint8Array | null): void {
    if (actual === null) {
      this.fail(field, 'could not be computed');
    } else if (toHex(actual) !== expectedHex) {
      this.fail(field, `expected ${expectedHex.slice(0, 64)}…, computed ${toHex(actual).slice(0, 64)}…`);
    }
  }

  equal(field: string, expected: unknown, actual: unknown): void {
    if (expected !== actual) this.fail(field, `expected ${String(expected)}, computed ${String(actual)}`);
  }

  fail(field: string, problem: string): void {
    this.failures_.push(`${this.where_}.${field}: ${problem}`);
  }
}

function hex(value: string): Uint8Array {
  const bytes = fromHex(value);
  if (bytes === null) throw new Error(`not hex: ${value}`);
  return bytes;
}

function verifyPadding(vector: PaddingVector, check: Checker): void {
  const unpadded = hex(vector.unpadded);
  check.bytes('padded', vector.padded, pad(unpadded));
  const back = unpad(hex(vector.padded));
  check.bytes('unpadded', vector.unpadded, back.ok ? back.value : null);
}

function verifyCertificate(sodium: Sodium, vector: CertificateVector, check: Checker): void {
  const issuer = sodium.crypto_sign_seed_keypair(hex(vector.issuer_seed));
  const subject = sodium.crypto_sign_seed_keypair(hex(vector.subject_seed));
  const issued = issueCertificate(sodium, issuer.privateKey, {
    role: vector.role as CertificateRole,
    subjectKey: subject.publicKey,
    serial: hex(vector.serial),
    notBefore: BigInt(vector.not_before),
    notAfter: BigInt(vector.not_after),
    handle: vector.handle,
    name: vector.name,
  });
  if (!issued.ok) check.fail('certificate', `inputs refused: ${issued.error.code}`);
  check.bytes('certificate', vector.certificate, issued.ok ? issued.value : null);
  const parsed = parseCertificate(hex(vector.certificate));
  if (!parsed.ok) check.fail('certificate', `does not parse: ${parsed.error.code}`);
}

function verifyRevocation(sodium: Sodium, vector: RevocationVector, check: Checker): void {
  const issuer = sodium.crypto_sign_seed_keypair(hex(vector.issuer_seed));
  const issued = issueRevocationList(sodium, issuer.privateKey, {
    issuerKind: vector.issuer_kind as RevocationIssuerKind,
    issuedAt: BigInt(vector.issued_at),
    serials: vector.serials.map(hex),
  });
  if (!issued.ok) check.fail('revocation_list', `inputs refused: ${issued.error.code}`);
  check.bytes('revocation_list', vector.revocation_list, issued.ok ? issued.value : null);
  const parsed = parseRevocationList(hex(vector.revocation_list));
  if (!parsed.ok) check.fail('revocation_list', `does not parse: ${parsed.error.code}`);
}

/** Compares all but the trailing stream header, and returns that header. */
function headerOf(field: string, givenHex: string, recompute: (header: Uint8Array) => Uint8Array, check: Checker): Uint8Array {
  const given = hex(givenHex);
  const header = given.subarray(Math.max(0, given.length - kHeaderBytes));
  check.bytes(field, givenHex, recompute(header));
  return header;
}

function verifyHandshake(sodium: Sodium, vector: HandshakeVector, check: Checker): number {
  const chatId = hex(vector.chat_id);
  const leg = vector.leg;
  const root = sodium.crypto_sign_seed_keypair(hex(vector.root_seed));
  const identity = sodium.crypto_sign_seed_keypair(hex(vector.counselor_seed));
  const signingCertificate = hex(vector.signing_certificate);
  const counselorCertificate = hex(vector.counselor_certificate);
  const visitorNonce = hex(vector.visitor_nonce);
  if (chatId.length !== 16 || leg > 0xffff || visitorNonce.length !== 32) {
    check.fail('chat_id/leg/visitor_nonce', 'wrong size');
    return 0;
  }

  const chain = verifyChain(sodium, {
    rootPublicKey: root.publicKey,
    signingCertificate,
    counselorCertificate,
    revocationLists: [],
    now: BigInt(vector.now),
  });
  if (!chain.ok) check.fail('counselor_certificate', `chain does not verify at now: ${chain.error.code}`);
  else if (!equalBytes(chain.value.counselor.subjectKey, identity.publicKey)) {
    check.fail('counselor_seed', 'is not the key of counselor_certificate');
  }

  const visitorKx = sodium.crypto_kx_seed_keypair(hex(vector.visitor_kx_seed));
  const counselorKx = sodium.crypto_kx_seed_keypair(hex(vector.counselor_kx_seed));
  const offer = encodeOffer({ chatId, leg, visitorNonce, visitorKxPublicKey: visitorKx.publicKey });
  check.bytes('offer', vector.offer, offer);
  check.equal('offer length', kOfferBytes, hex(vector.offer).length);

  const transcript = transcriptHash(sodium, {
    chatId,
    leg,
    visitorNonce,
    visitorKxPublicKey: visitorKx.publicKey,
    counselorKxPublicKey: counselorKx.publicKey,
    signingCertificate,
    counselorCertificate,
  });
  check.bytes('transcript_hash', vector.transcript_hash, transcript);
  const signature = signTranscript(sodium, identity.privateKey, transcript);
  check.bytes('signature', vector.signature, signature);
  check.equal('code', vector.code, verificationCode(sodium, transcript));

  const c2vHeader = headerOf(
    'accept',
    vector.accept,
    (header) =>
      encodeAccept({
        chatId,
        leg,
        counselorKxPublicKey: counselorKx.publicKey,
        signingCertificate,
        counselorCertificate,
        signature,
        c2vHeader: header.length === kHeaderBytes ? header : new Uint8Array(kHeaderBytes),
      }),
    check,
  );
  const v2cHeader = headerOf(
    'stream_start',
    vector.stream_start,
    (header) => encodeStreamStart({ chatId, leg, v2cHeader: header.length === kHeaderBytes ? header : new Uint8Array(kHeaderBytes) }),
    check,
  );

  const visitorKeys = deriveStreamKeys(sodium, 'visitor', visitorKx.publicKey, visitorKx.privateKey, counselorKx.publicKey, transcript);
  const counselorKeys = deriveStreamKeys(sodium, 'counselor', counselorKx.publicKey, counselorKx.privateKey, visitorKx.publicKey, transcript);
  if (!visitorKeys.ok || !counselorKeys.ok) {
    check.fail('key_v2c/key_c2v', 'kx refused the ephemeral keys');
    return 0;
  }
  check.bytes('key_v2c', vector.key_v2c, visitorKeys.value.keyV2c);
  check.bytes('key_c2v', vector.key_c2v, visitorKeys.value.keyC2v);
  check.bytes('key_v2c (counselor side)', vector.key_v2c, counselorKeys.value.keyV2c);
  check.bytes('key_c2v (counselor side)', vector.key_c2v, counselorKeys.value.keyC2v);
  if (c2vHeader.length !== kHeaderBytes || v2cHeader.length !== kHeaderBytes) return 0;

  // Decrypt with the file's keys and headers: the keys were compared above, so a key mismatch is
  // reported once there rather than once per frame.
  const receivers = {
    v2c: new StreamReceiver(sodium, hex(vector.key_v2c), v2cHeader, { chatId, leg, direction: 'v2c' }),
    c2v: new StreamReceiver(sodium, hex(vector.key_c2v), c2vHeader, { chatId, leg, direction: 'c2v' }),
  };
  vector.frames.forEach((frame, i) => {
    const where = `frames[${i}]`;
    const received = receivers[frame.direction].receive(frame.seq, hex(frame.frame));
    if (!received.ok) {
      check.fail(where, `${frame.direction} seq ${frame.seq} not accepted: ${received.error.code}`);
      return;
    }
    check.equal(`${where}.tag`, frame.tag, received.value.tag);
    const reencoded = encodeMessage(received.value.message, frame.direction);
    check.bytes(`${where}.message`, frame.message, reencoded.ok ? reencoded.value : null);
    const parsed = parseMessage(hex(frame.message), frame.direction);
    if (!parsed.ok) check.fail(`${where}.message`, `does not parse: ${parsed.error.code}`);
  });
  return vector.frames.length;
}

/**
 * Verifies parsed JSON as a §15 vector file. Throws VectorFormatError when the file's shape is
 * wrong; otherwise returns counts and every mismatch found (none means the file verified).
 */
export function verifyVectors(sodium: Sodium, json: unknown): VerifyReport {
  const file = readVectorFile(json);
  const failures: string[] = [];
  let frames = 0;
  // A vector whose inputs make libsodium throw (a seed of the wrong size, say) is one failure,
  // not the end of the run.
  const guarded = (where: string, verify: (check: Checker) => void): void => {
    try {
      verify(new Checker(failures, where));
    } catch (error: unknown) {
      failures.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  file.padding.forEach((vector, i) => guarded(`padding[${i}]`, (check) => verifyPadding(vector, check)));
  file.certificates.forEach((vector, i) => guarded(`certificates[${i}]`, (check) => verifyCertificate(sodium, vector, check)));
  file.revocations.forEach((vector, i) => guarded(`revocations[${i}]`, (check) => verifyRevocation(sodium, vector, check)));
  file.handshakes.forEach((vector, i) =>
    guarded(`handshakes[${i}]`, (check) => {
      frames += verifyHandshake(sodium, vector, check);
    }),
  );
  return {
    generator: file.generator,
    counts: {
      padding: file.padding.length,
      certificates: file.certificates.length,
      revocations: file.revocations.length,
      handshakes: file.handshakes.length,
      frames,
    },
    failures,
  };
}
