// What both ends of a leg compute from the handshake (protocol.md §5.2, §5.4, §5.5): the
// transcript hash, the counselor's signature over it, the two stream keys bound to it, and the
// verification code people may compare by phone.
//
//   transcript_hash = H("Haven-E2E v1 transcript\0" ‖ chat_id ‖ u16(leg) ‖ visitor_nonce ‖ v_pk ‖ c_pk
//                       ‖ u16(len S) ‖ S ‖ u16(len C) ‖ C)
//   signature       = Sign(counselor_identity_sk, "Haven-E2E v1 accept\0" ‖ transcript_hash)
//   key_v2c         = H_k(kx_v2c, "Haven-E2E v1 key v2c\0" ‖ transcript_hash)
//   key_c2v         = H_k(kx_c2v, "Haven-E2E v1 key c2v\0" ‖ transcript_hash)
//   code            = u32(H("Haven-E2E v1 code\0" ‖ transcript_hash)[0..4)) mod 1000000

import { concat, readU32, u16 } from './bytes';
import { fail, ok, type Result } from './errors';
import { checkChatAndLeg } from './ids';
import { kLabelAccept, kLabelCode, kLabelKeyC2v, kLabelKeyV2c, kLabelTranscript } from './labels';
import { hash, keyedHash, kSignatureBytes, kSignPublicKeyBytes, type Sodium } from './sodium';

export interface TranscriptInput {
  readonly chatId: Uint8Array;
  readonly leg: number;
  readonly visitorNonce: Uint8Array;
  readonly visitorKxPublicKey: Uint8Array;
  readonly counselorKxPublicKey: Uint8Array;
  readonly signingCertificate: Uint8Array;
  readonly counselorCertificate: Uint8Array;
}

/** The transcript hash of §5.2. Throws RangeError if chat id or leg cannot be encoded. */
export function transcriptHash(sodium: Sodium, input: TranscriptInput): Uint8Array {
  checkChatAndLeg(input.chatId, input.leg);
  return hash(
    sodium,
    kLabelTranscript,
    input.chatId,
    u16(input.leg),
    input.visitorNonce,
    input.visitorKxPublicKey,
    input.counselorKxPublicKey,
    u16(input.signingCertificate.length),
    input.signingCertificate,
    u16(input.counselorCertificate.length),
    input.counselorCertificate,
  );
}

/** The counselor's accept signature over `transcript` with its 64-byte identity secret key. */
export function signTranscript(sodium: Sodium, identitySecretKey: Uint8Array, transcript: Uint8Array): Uint8Array {
  return sodium.crypto_sign_detached(concat(kLabelAccept, transcript), identitySecretKey);
}

/** True when `counselorPublicKey` (C.subject_key) made `signature` over `transcript`. */
export function verifyTranscriptSignature(
  sodium: Sodium,
  counselorPublicKey: Uint8Array,
  transcript: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (counselorPublicKey.length !== kSignPublicKeyBytes || signature.length !== kSignatureBytes) return false;
  return sodium.crypto_sign_verify_detached(signature, concat(kLabelAccept, transcript), counselorPublicKey);
}

/** The two stream keys of a leg. Both are secret; StreamSender/StreamReceiver wipe them. */
export interface StreamKeys {
  readonly keyV2c: Uint8Array;
  readonly keyC2v: Uint8Array;
}

/** Which end of the kx this side is: the visitor is always the client (§5.4). */
export type KxRole = 'visitor' | 'counselor';

/**
 * Derives key_v2c and key_c2v (§5.4) from this side's ephemeral kx key pair and the peer's
 * public key, bound to `transcript`. The raw kx outputs are wiped here; the caller wipes its
 * ephemeral secret key. Fails with `malformed` when the peer's public key is unusable (libsodium
 * refuses low-order points, whose shared secret would be all zero).
 */
export function deriveStreamKeys(
  sodium: Sodium,
  role: KxRole,
  ownPublicKey: Uint8Array,
  ownSecretKey: Uint8Array,
  peerPublicKey: Uint8Array,
  transcript: Uint8Array,
): Result<StreamKeys> {
  let shared: { sharedRx: Uint8Array; sharedTx: Uint8Array };
  try {
    shared =
      role === 'visitor'
        ? sodium.crypto_kx_client_session_keys(ownPublicKey, ownSecretKey, peerPublicKey)
        : sodium.crypto_kx_server_session_keys(ownPublicKey, ownSecretKey, peerPublicKey);
  } catch {
    return fail('malformed', 'unusable kx public key');
  }
  const kxV2c = role === 'visitor' ? shared.sharedTx : shared.sharedRx;
  const kxC2v = role === 'visitor' ? shared.sharedRx : shared.sharedTx;
  const keys = {
    keyV2c: keyedHash(sodium, kxV2c, kLabelKeyV2c, transcript),
    keyC2v: keyedHash(sodium, kxC2v, kLabelKeyC2v, transcript),
  };
  sodium.memzero(shared.sharedRx);
  sodium.memzero(shared.sharedTx);
  return ok(keys);
}

/** The six-digit verification code of §5.5, e.g. "042917". */
export function verificationCode(sodium: Sodium, transcript: Uint8Array): string {
  const value = readU32(hash(sodium, kLabelCode, transcript)) % 1000000;
  return value.toString().padStart(6, '0');
}

/** The code as people see it: "042 917". */
export function formatVerificationCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}
