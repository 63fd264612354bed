// The three handshake frames of a leg (protocol.md §5.1–§5.3) as bytes: grammar, encoders and
// strict parsers. The roles that produce and check them are in handshake.ts.
//
//   offer        = "HVO1" version:u8(1) chat_id[16] leg:u16 visitor_nonce[32] v_pk[32]   ; 87 bytes
//   accept       = "HVA1" version:u8(1) chat_id[16] leg:u16 c_pk[32]
//                  u16(len S) S u16(len C) C signature[64] c2v_header[24]
//   stream_start = "HVS1" version:u8(1) chat_id[16] leg:u16 v2c_header[24]               ; 47 bytes
//
// S and C are at most 298 bytes each (§3.1); longer is `malformed`. Their contents are checked
// by the chain verification, not here.

import { concat, equalBytes, parseAll, u16, u8, utf8, type Reader } from './bytes';
import { kCertificateMaxBytes } from './certificate';
import { fail, ok, type Result } from './errors';
import { checkChatAndLeg, kChatIdBytes } from './ids';
import { kKxPublicKeyBytes, kSignatureBytes, kStreamHeaderBytes } from './sodium';

export const kVisitorNonceBytes = 32;
export const kOfferBytes = 87;
export const kStreamStartBytes = 47;

const kOfferMagic = utf8('HVO1');
const kAcceptMagic = utf8('HVA1');
const kStreamStartMagic = utf8('HVS1');
const kVersion = 1;

export interface Offer {
  readonly chatId: Uint8Array;
  readonly leg: number;
  readonly visitorNonce: Uint8Array;
  readonly visitorKxPublicKey: Uint8Array;
}

export interface Accept {
  readonly chatId: Uint8Array;
  readonly leg: number;
  readonly counselorKxPublicKey: Uint8Array;
  readonly signingCertificate: Uint8Array;
  readonly counselorCertificate: Uint8Array;
  readonly signature: Uint8Array;
  readonly c2vHeader: Uint8Array;
}

export interface StreamStart {
  readonly chatId: Uint8Array;
  readonly leg: number;
  readonly v2cHeader: Uint8Array;
}

function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) throw new RangeError(`${what} must be ${length} bytes`);
}

/** Encodes an offer. Throws RangeError on wrong field sizes: callers pass values they made. */
export function encodeOffer(offer: Offer): Uint8Array {
  checkChatAndLeg(offer.chatId, offer.leg);
  checkLength(offer.visitorNonce, kVisitorNonceBytes, 'visitor nonce');
  checkLength(offer.visitorKxPublicKey, kKxPublicKeyBytes, 'visitor kx key');
  return concat(kOfferMagic, u8(kVersion), offer.chatId, u16(offer.leg), offer.visitorNonce, offer.visitorKxPublicKey);
}

/** Encodes an accept. Throws RangeError on wrong field sizes. */
export function encodeAccept(accept: Accept): Uint8Array {
  checkChatAndLeg(accept.chatId, accept.leg);
  checkLength(accept.counselorKxPublicKey, kKxPublicKeyBytes, 'counselor kx key');
  checkLength(accept.signature, kSignatureBytes, 'signature');
  checkLength(accept.c2vHeader, kStreamHeaderBytes, 'c2v header');
  for (const certificate of [accept.signingCertificate, accept.counselorCertificate]) {
    if (certificate.length > kCertificateMaxBytes) throw new RangeError('certificate too long');
  }
  return concat(
    kAcceptMagic,
    u8(kVersion),
    accept.chatId,
    u16(accept.leg),
    accept.counselorKxPublicKey,
    u16(accept.signingCertificate.length),
    accept.signingCertificate,
    u16(accept.counselorCertificate.length),
    accept.counselorCertificate,
    accept.signature,
    accept.c2vHeader,
  );
}

/** Encodes a stream_start. Throws RangeError on wrong field sizes. */
export function encodeStreamStart(start: StreamStart): Uint8Array {
  checkChatAndLeg(start.chatId, start.leg);
  checkLength(start.v2cHeader, kStreamHeaderBytes, 'v2c header');
  return concat(kStreamStartMagic, u8(kVersion), start.chatId, u16(start.leg), start.v2cHeader);
}

function readHead(reader: Reader, magic: Uint8Array, what: string): Result<{ chatId: Uint8Array; leg: number }> {
  if (!equalBytes(reader.bytes(magic.length), magic)) return fail('malformed', `${what} magic`);
  if (reader.u8() !== kVersion) return fail('unsupported_version', `${what} version`);
  const chatId = reader.bytes(kChatIdBytes);
  const leg = reader.u16();
  return ok({ chatId, leg });
}

/** Parses an offer: `malformed`, `unsupported_version`, or the offer. */
export function parseOffer(bytes: Uint8Array): Result<Offer> {
  return parseAll(bytes, (reader) => {
    const head = readHead(reader, kOfferMagic, 'offer');
    if (!head.ok) return head;
    const visitorNonce = reader.bytes(kVisitorNonceBytes);
    const visitorKxPublicKey = reader.bytes(kKxPublicKeyBytes);
    return ok({ ...head.value, visitorNonce, visitorKxPublicKey });
  });
}

function readCertificateField(reader: Reader): Result<Uint8Array> {
  const length = reader.u16();
  if (length > kCertificateMaxBytes) return fail('malformed', 'certificate longer than 298 bytes');
  return ok(reader.bytes(length));
}

/** Parses an accept: `malformed`, `unsupported_version`, or the accept (certificates unchecked). */
export function parseAccept(bytes: Uint8Array): Result<Accept> {
  return parseAll(bytes, (reader) => {
    const head = readHead(reader, kAcceptMagic, 'accept');
    if (!head.ok) return head;
    const counselorKxPublicKey = reader.bytes(kKxPublicKeyBytes);
    const signingCertificate = readCertificateField(reader);
    if (!signingCertificate.ok) return signingCertificate;
    const counselorCertificate = readCertificateField(reader);
    if (!counselorCertificate.ok) return counselorCertificate;
    const signature = reader.bytes(kSignatureBytes);
    const c2vHeader = reader.bytes(kStreamHeaderBytes);
    return ok({
      ...head.value,
      counselorKxPublicKey,
      signingCertificate: signingCertificate.value,
      counselorCertificate: counselorCertificate.value,
      signature,
      c2vHeader,
    });
  });
}

/** Parses a stream_start: `malformed`, `unsupported_version`, or the stream_start. */
export function parseStreamStart(bytes: Uint8Array): Result<StreamStart> {
  return parseAll(bytes, (reader) => {
    const head = readHead(reader, kStreamStartMagic, 'stream_start');
    if (!head.ok) return head;
    return ok({ ...head.value, v2cHeader: reader.bytes(kStreamHeaderBytes) });
  });
}
