// The E2E error codes of protocol.md §12, each with its sentence, and the Result type that every
// fallible E2E function returns. The codes and sentences are shared with the C++ implementation
// (haven::crypto::ErrorCode): change them only together with protocol.md.

export const kE2eErrorSentences = {
  malformed: 'The bytes do not follow the format.',
  unsupported_version: 'The format version is not supported.',
  wrong_role: 'The certificate has the wrong role for its place in the chain.',
  untrusted_root: "The signing certificate is not signed by the organisation's root key.",
  bad_certificate_signature: "A certificate's signature is invalid.",
  validity_too_long: "A certificate's validity period is longer than allowed.",
  not_yet_valid: 'A certificate is not valid yet.',
  expired: 'A certificate has expired.',
  revoked: 'The certificate has been revoked.',
  bad_revocation_list: 'A revocation list is malformed or not signed by a trusted key.',
  wrong_chat: 'The message belongs to another chat or leg.',
  bad_handshake_signature: "The counselor's handshake signature is invalid.",
  unauthorized_transfer: 'The new counselor is not the one the previous counselor authorised.',
  decrypt_failed: 'A frame could not be decrypted.',
  duplicate_frame: 'The frame was already received.',
  frame_gap: 'A frame is missing before this one.',
  stream_finished: 'The stream has already ended.',
  truncated: 'The stream ended without its final message.',
  bad_padding: 'The message padding is invalid.',
  bad_message: 'The decrypted message is not valid.',
  message_too_long: 'The message is longer than allowed.',
  wrong_passphrase: 'The passphrase does not open this key.',
  weak_parameters: 'The key derivation parameters are below the minimum.',
} as const;

export type E2eErrorCode = keyof typeof kE2eErrorSentences;

/** Every code, in the order of protocol.md §12. */
export const kE2eErrorCodes = Object.keys(kE2eErrorSentences) as readonly E2eErrorCode[];

/**
 * A failed E2E operation. `code` is what the caller branches on and shows (through its sentence);
 * `detail` is for developers only and never contains secrets or plaintext.
 */
export interface E2eError {
  readonly code: E2eErrorCode;
  readonly sentence: string;
  readonly detail?: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E2eError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(code: E2eErrorCode, detail?: string): Result<T> {
  const error: E2eError =
    detail === undefined ? { code, sentence: kE2eErrorSentences[code] } : { code, sentence: kE2eErrorSentences[code], detail };
  return { ok: false, error };
}
