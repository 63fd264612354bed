// The handover note of a transfer (protocol.md §8.1): counselor A writes colleague B what B needs
// to know, sealed to B's identity key and signed with A's, bound to the chat, the next leg and B.
//
//   note      = Seal(X(C_B.subject_key), inner)
//   inner     = u16(len C_A) C_A signature text
//   signature = Sign(A_sk, "Haven-E2E v1 handover\0" ‖ chat_id ‖ u16(next_leg) ‖ C_B.subject_key ‖ text)
//
// The server carries the note in `transfer` / `transfer_offer` and can neither read nor alter it.
// Opening checks the signature against the certificate inside; the caller then checks that
// certificate's chain and that it names the colleague the offer came from (trust.ts).

import { concat, label, parseAll, u16, utf8 } from './bytes';
import { kCertificateMaxBytes, kCertificateMinBytes, parseCertificate } from './certificate';
import { fail, ok, type Result } from './errors';
import { kSignatureBytes, type Sodium } from './sodium';

export const kHandoverTextMaxBytes = 1000;
const kSealBytes = 48;
export const kHandoverMaxBytes = kSealBytes + 2 + kCertificateMaxBytes + kSignatureBytes + kHandoverTextMaxBytes;
const kLabelHandover = label('Haven-E2E v1 handover');
const kStrictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface HandoverBinding {
  readonly chatId: Uint8Array;
  /** The leg the recipient will hold: the sender's leg + 1. */
  readonly nextLeg: number;
  /** The recipient's identity public key (its certificate's subject key). */
  readonly recipientKey: Uint8Array;
}

function signedPart(binding: HandoverBinding, text: Uint8Array): Uint8Array {
  return concat(kLabelHandover, binding.chatId, u16(binding.nextLeg), binding.recipientKey, text);
}

/** A's side: the sealed note for B, or message_too_long / malformed for text that cannot go. */
export function sealHandover(
  sodium: Sodium,
  binding: HandoverBinding,
  sender: { readonly certificate: Uint8Array; readonly identitySecretKey: Uint8Array },
  text: string,
): Result<Uint8Array> {
  const body = utf8(text);
  if (body.length === 0) return fail('malformed', 'empty note');
  if (body.length > kHandoverTextMaxBytes) return fail('message_too_long');
  const signature = sodium.crypto_sign_detached(signedPart(binding, body), sender.identitySecretKey);
  const inner = concat(u16(sender.certificate.length), sender.certificate, signature, body);
  const recipient = sodium.crypto_sign_ed25519_pk_to_curve25519(binding.recipientKey);
  const sealed = sodium.crypto_box_seal(inner, recipient);
  sodium.memzero(inner);
  return ok(sealed);
}

/**
 * B's side: opens and checks a note. Fails with decrypt_failed (not sealed to us),
 * malformed, or bad_handshake_signature (not signed for this chat, leg and recipient by the
 * certificate inside). The returned certificate is not yet chain-verified.
 */
export function openHandover(
  sodium: Sodium,
  binding: HandoverBinding,
  recipientSecretKey: Uint8Array,
  note: Uint8Array,
): Result<{ readonly senderCertificate: Uint8Array; readonly text: string }> {
  if (note.length <= kSealBytes || note.length > kHandoverMaxBytes) return fail('malformed', 'note length');
  const publicKey = sodium.crypto_sign_ed25519_pk_to_curve25519(binding.recipientKey);
  const secretKey = sodium.crypto_sign_ed25519_sk_to_curve25519(recipientSecretKey);
  let inner: Uint8Array;
  try {
    inner = sodium.crypto_box_seal_open(note, publicKey, secretKey);
  } catch {
    return fail('decrypt_failed', 'handover note');
  } finally {
    sodium.memzero(secretKey);
  }
  const opened = checkInner(sodium, binding, inner);
  sodium.memzero(inner);
  return opened;
}

function checkInner(sodium: Sodium, binding: HandoverBinding, inner: Uint8Array): Result<{ readonly senderCertificate: Uint8Array; readonly text: string }> {
  const parsed = parseAll<{ certificate: Uint8Array; signature: Uint8Array; text: Uint8Array }>(inner, (reader) => {
    const length = reader.u16();
    if (length < kCertificateMinBytes || length > kCertificateMaxBytes) return fail('malformed', 'certificate length');
    const certificate = reader.bytes(length);
    const signature = reader.bytes(kSignatureBytes);
    const text = reader.rest();
    if (text.length === 0 || text.length > kHandoverTextMaxBytes) return fail('malformed', 'note text length');
    return ok({ certificate, signature, text });
  });
  if (!parsed.ok) return parsed;
  const certificate = parseCertificate(parsed.value.certificate);
  if (!certificate.ok) return certificate;
  const { signature, text } = parsed.value;
  if (!sodium.crypto_sign_verify_detached(signature, signedPart(binding, text), certificate.value.subjectKey)) {
    return fail('bad_handshake_signature', 'handover note');
  }
  try {
    return ok({ senderCertificate: parsed.value.certificate, text: kStrictUtf8.decode(text) });
  } catch {
    return fail('malformed', 'note text is not UTF-8');
  }
}
