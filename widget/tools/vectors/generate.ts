// Generates a `haven-e2e-vectors/1` file (protocol.md §15) through the real E2E code paths.
// Every input is derived from fixed labels, seed(purpose, i) = H("seed" ‖ purpose ‖ u32(i)), so a
// rerun reproduces every deterministic field; only the stream headers (and so the frames) differ.

import { concat, toHex, u32, utf8 } from '../../src/e2e/bytes';
import { issueCertificate, kRoleCounselor, kRoleSigning, type CertificateFields } from '../../src/e2e/certificate';
import { CounselorHandshake, VisitorHandshake } from '../../src/e2e/handshake';
import { encodeMessage, type Message } from '../../src/e2e/message';
import { pad } from '../../src/e2e/padding';
import { issueRevocationList, kIssuerRoot, kIssuerSigning } from '../../src/e2e/revocation';
import { deriveStreamKeys } from '../../src/e2e/session_keys';
import { hash, type Sodium } from '../../src/e2e/sodium';
import type { StreamReceiver, StreamSender } from '../../src/e2e/stream';
import {
  kFormat,
  type CertificateVector,
  type FrameVector,
  type HandshakeVector,
  type PaddingVector,
  type RevocationVector,
  type VectorFile,
} from './format';

const kBaseTime = 1_760_000_000;
const kDay = 86400;

function seed(sodium: Sodium, purpose: string, index: number): Uint8Array {
  return hash(sodium, utf8('seed'), utf8(purpose), u32(index));
}

/** `length` deterministic bytes: seeds of consecutive blocks, concatenated and cut. */
function deterministicBytes(sodium: Sodium, purpose: string, index: number, length: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (let block = 0; block * 32 < length; block++) blocks.push(seed(sodium, `${purpose} block ${block}`, index));
  return concat(...blocks).slice(0, length);
}

function unwrapOrThrow<T>(result: { ok: true; value: T } | { ok: false; error: { code: string; detail?: string } }): T {
  if (!result.ok) throw new Error(`generator bug: ${result.error.code} ${result.error.detail ?? ''}`);
  return result.value;
}

const kPaddingLengths = [0, 1, 2, 15, 16, 100, 254, 255, 256, 257, 300, 511, 512, 513, 767, 768, 1000, 1023, 1024, 2048, 4008, 4009, 4095, 4096];

function paddingVectors(sodium: Sodium): PaddingVector[] {
  return kPaddingLengths.map((length, i) => {
    const unpadded = deterministicBytes(sodium, 'padding', i, length);
    return { unpadded: toHex(unpadded), padded: toHex(pad(unpadded)) };
  });
}

const kHandles = ['org-signing', 'c-7f3a', 'c-0', 'a', 'counselor-0123456789-abcdefghijk', 'x-1-2-3', 'org', 'c-ffff'];
const kNames = [
  'Фондация „Убежище“',
  'Мария',
  '',
  'Борислав Петров',
  'Ж'.repeat(64),
  'Анна-Мария 🌷',
  'Helpline Sofia',
  'Йордан Ђ Ѫ Ѣ — консултант',
  'Ивана',
  '𝒜 и Я',
];
const kTimes: Array<[number, number]> = [
  [0, 1],
  [kBaseTime, kBaseTime + 30 * kDay],
  [kBaseTime - 10 * kDay, kBaseTime + 356 * kDay],
  [kBaseTime, kBaseTime + 1],
  [Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER],
  [1, 2 ** 32 + 7],
];

function certificateVectors(sodium: Sodium): CertificateVector[] {
  return Array.from({ length: 24 }, (_, i) => {
    const issuerSeed = seed(sodium, 'certificate issuer', i);
    const subjectSeed = seed(sodium, 'certificate subject', i);
    const [notBefore, notAfter] = kTimes[i % kTimes.length] ?? [0, 1];
    const fields: CertificateFields = {
      role: i % 2 === 0 ? kRoleSigning : kRoleCounselor,
      subjectKey: sodium.crypto_sign_seed_keypair(subjectSeed).publicKey,
      serial: deterministicBytes(sodium, 'certificate serial', i, 16),
      notBefore: BigInt(notBefore),
      notAfter: BigInt(notAfter),
      handle: kHandles[i % kHandles.length] ?? 'c-0',
      name: kNames[i % kNames.length] ?? '',
    };
    const certificate = unwrapOrThrow(issueCertificate(sodium, sodium.crypto_sign_seed_keypair(issuerSeed).privateKey, fields));
    return {
      issuer_seed: toHex(issuerSeed),
      subject_seed: toHex(subjectSeed),
      role: fields.role,
      serial: toHex(fields.serial),
      not_before: notBefore,
      not_after: notAfter,
      handle: fields.handle,
      name: fields.name,
      certificate: toHex(certificate),
    };
  });
}

const kRevocationCounts = [0, 1, 2, 3, 5, 16, 100, 0];

function revocationVectors(sodium: Sodium): RevocationVector[] {
  return kRevocationCounts.map((count, i) => {
    const issuerSeed = seed(sodium, 'revocation issuer', i);
    const serials = Array.from({ length: count }, (_, j) => deterministicBytes(sodium, `revoked serial ${i}`, j, 16)).sort((a, b) =>
      toHex(a) < toHex(b) ? -1 : 1,
    );
    const issuerKind = i % 2 === 0 ? kIssuerRoot : kIssuerSigning;
    const issuedAt = kBaseTime + i * 3600;
    const list = unwrapOrThrow(
      issueRevocationList(sodium, sodium.crypto_sign_seed_keypair(issuerSeed).privateKey, {
        issuerKind,
        issuedAt: BigInt(issuedAt),
        serials,
      }),
    );
    return {
      issuer_seed: toHex(issuerSeed),
      issuer_kind: issuerKind,
      issued_at: issuedAt,
      serials: serials.map(toHex),
      revocation_list: toHex(list),
    };
  });
}

const kLegs = [0, 0, 1, 2, 0, 3, 0, 65535, 1, 0, 4, 0];

type Step = { direction: 'v2c' | 'c2v'; message: Message; at: number };

function text(direction: 'v2c' | 'c2v', body: string, at = 0): Step {
  return { direction, message: { kind: 'text', sentAtMs: BigInt(kBaseTime) * 1000n + BigInt(at), text: body }, at };
}

function end(direction: 'v2c' | 'c2v', reason: 'ended' | 'transferred', at = 0): Step {
  return { direction, message: { kind: 'end', sentAtMs: BigInt(kBaseTime) * 1000n + BigInt(at), reason }, at };
}

/** What happens on leg `i`'s streams: each vector exercises something different. */
function script(i: number, leg: number, transferCertificate: Uint8Array): Step[] {
  const greeting = [text('v2c', 'Здравейте, имам нужда да поговоря с някого.'), text('c2v', 'Здравейте, тук съм. Как сте?')];
  switch (i) {
    case 1:
      return [...greeting, ...Array.from({ length: 19 }, (_, n) => text('c2v', `Съобщение ${n + 2} от консултанта`)), end('c2v', 'ended')];
    case 2:
      return [...greeting, ...Array.from({ length: 34 }, (_, n) => text('v2c', `Message ${n + 2} from the visitor`)), end('v2c', 'ended')];
    case 3:
      return [
        ...greeting,
        text('c2v', 'след 10 секунди', 10),
        text('v2c', 'after five minutes and a second', 301),
        text('c2v', 'after 400 seconds', 400),
        text('c2v', 'and right after', 401),
        end('v2c', 'ended', 500),
        end('c2v', 'ended', 501),
      ];
    case 4:
      return [
        ...greeting,
        { direction: 'c2v', message: { kind: 'transfer', sentAtMs: 5n, nextLeg: leg + 1, certificate: transferCertificate }, at: 5 },
        end('c2v', 'transferred', 6),
        end('v2c', 'transferred', 7),
      ];
    case 5:
      return [text('v2c', 'я'.repeat(2000)), text('c2v', 'a'.repeat(4000)), text('v2c', '.'), text('c2v', '🌷')];
    default:
      return i % 2 === 0 ? [...greeting, end('v2c', 'ended')] : [...greeting, text('v2c', 'Благодаря.'), end('c2v', 'ended')];
  }
}

function handshakeVector(sodium: Sodium, i: number): HandshakeVector {
  const now = kBaseTime + i * kDay;
  const org = i % 3;
  const rootSeed = seed(sodium, 'root', org);
  const root = sodium.crypto_sign_seed_keypair(rootSeed);
  const signing = sodium.crypto_sign_seed_keypair(seed(sodium, 'signing', org));
  const counselorSeed = seed(sodium, 'counselor', i);
  const counselor = sodium.crypto_sign_seed_keypair(counselorSeed);
  const signingCertificate = unwrapOrThrow(
    issueCertificate(sodium, root.privateKey, {
      role: kRoleSigning,
      subjectKey: signing.publicKey,
      serial: deterministicBytes(sodium, 'signing serial', org, 16),
      notBefore: BigInt(kBaseTime - 30 * kDay),
      notAfter: BigInt(kBaseTime + 330 * kDay),
      handle: 'org-signing',
      name: kNames[0] ?? '',
    }),
  );
  const certify = (subjectKey: Uint8Array, index: number): Uint8Array =>
    unwrapOrThrow(
      issueCertificate(sodium, signing.privateKey, {
        role: kRoleCounselor,
        subjectKey,
        serial: deterministicBytes(sodium, 'counselor serial', index, 16),
        notBefore: BigInt(now - kDay),
        notAfter: BigInt(now + 20 * kDay),
        handle: `c-${index.toString(16)}`,
        name: kNames[(index % (kNames.length - 1)) + 1] ?? '',
      }),
    );
  const counselorCertificate = certify(counselor.publicKey, i);
  const nextCounselorCertificate = certify(sodium.crypto_sign_seed_keypair(seed(sodium, 'next counselor', i)).publicKey, 100 + i);

  const chatId = deterministicBytes(sodium, 'chat', i, 16);
  const leg = kLegs[i % kLegs.length] ?? 0;
  const visitorNonce = seed(sodium, 'visitor nonce', i);
  const visitorKxSeed = seed(sodium, 'visitor kx', i);
  const counselorKxSeed = seed(sodium, 'counselor kx', i);

  const visitor = new VisitorHandshake(sodium, { chatId, leg }, { kxSeed: visitorKxSeed, visitorNonce });
  const answer = unwrapOrThrow(
    CounselorHandshake.answer(
      sodium,
      visitor.offer,
      { chatId, leg },
      { signingCertificate, counselorCertificate, identitySecretKey: counselor.privateKey },
      now,
      { kxSeed: counselorKxSeed },
    ),
  );
  const session = unwrapOrThrow(
    visitor.receiveAccept(answer.accept, { rootPublicKey: root.publicKey, revocationLists: [], authorisedCertificate: counselorCertificate }, now),
  );
  const v2cReceiver = unwrapOrThrow(answer.receiveStreamStart(session.streamStart));

  const visitorKx = sodium.crypto_kx_seed_keypair(visitorKxSeed);
  const counselorKx = sodium.crypto_kx_seed_keypair(counselorKxSeed);
  const keys = unwrapOrThrow(
    deriveStreamKeys(sodium, 'visitor', visitorKx.publicKey, visitorKx.privateKey, counselorKx.publicKey, session.transcriptHash),
  );

  const ends: Record<'v2c' | 'c2v', { sender: StreamSender; receiver: StreamReceiver }> = {
    v2c: { sender: session.sender, receiver: v2cReceiver },
    c2v: { sender: answer.sender, receiver: session.receiver },
  };
  const frames: FrameVector[] = script(i, leg, nextCounselorCertificate).map((step) => {
    const { sender, receiver } = ends[step.direction];
    const sent = unwrapOrThrow(sender.send(step.message, now + step.at));
    unwrapOrThrow(receiver.receive(sent.seq, sent.frame));
    return {
      direction: step.direction,
      seq: sent.seq,
      tag: sent.tag,
      message: toHex(unwrapOrThrow(encodeMessage(step.message, step.direction))),
      frame: toHex(sent.frame),
    };
  });

  const accept = answer.accept;
  return {
    root_seed: toHex(rootSeed),
    signing_certificate: toHex(signingCertificate),
    counselor_seed: toHex(counselorSeed),
    counselor_certificate: toHex(counselorCertificate),
    now,
    chat_id: toHex(chatId),
    leg,
    visitor_nonce: toHex(visitorNonce),
    visitor_kx_seed: toHex(visitorKxSeed),
    counselor_kx_seed: toHex(counselorKxSeed),
    offer: toHex(visitor.offer),
    transcript_hash: toHex(session.transcriptHash),
    signature: toHex(accept.subarray(accept.length - 24 - 64, accept.length - 24)),
    accept: toHex(accept),
    stream_start: toHex(session.streamStart),
    key_v2c: toHex(keys.keyV2c),
    key_c2v: toHex(keys.keyC2v),
    code: session.code,
    frames,
  };
}

/** A complete vector file: 24 padding, 24 certificate, 8 revocation and 12 handshake vectors. */
export function generateVectors(sodium: Sodium): VectorFile {
  return {
    format: kFormat,
    generator: 'typescript',
    padding: paddingVectors(sodium),
    certificates: certificateVectors(sodium),
    revocations: revocationVectors(sodium),
    handshakes: Array.from({ length: 12 }, (_, i) => handshakeVector(sodium, i)),
  };
}
