#include "crypto/error.h"

namespace haven::crypto {
namespace {

struct Entry {
  std::string_view name;
  std::string_view sentence;
};

Entry EntryFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMalformed: return {"malformed", "The bytes do not follow the format."};
    case ErrorCode::kUnsupportedVersion: return {"unsupported_version", "The format version is not supported."};
    case ErrorCode::kWrongRole: return {"wrong_role", "The certificate has the wrong role for its place in the chain."};
    case ErrorCode::kUntrustedRoot:
      return {"untrusted_root", "The signing certificate is not signed by the organisation's root key."};
    case ErrorCode::kBadCertificateSignature: return {"bad_certificate_signature", "A certificate's signature is invalid."};
    case ErrorCode::kValidityTooLong:
      return {"validity_too_long", "A certificate's validity period is longer than allowed."};
    case ErrorCode::kNotYetValid: return {"not_yet_valid", "A certificate is not valid yet."};
    case ErrorCode::kExpired: return {"expired", "A certificate has expired."};
    case ErrorCode::kRevoked: return {"revoked", "The certificate has been revoked."};
    case ErrorCode::kBadRevocationList:
      return {"bad_revocation_list", "A revocation list is malformed or not signed by a trusted key."};
    case ErrorCode::kWrongChat: return {"wrong_chat", "The message belongs to another chat or leg."};
    case ErrorCode::kBadHandshakeSignature:
      return {"bad_handshake_signature", "The counselor's handshake signature is invalid."};
    case ErrorCode::kUnauthorizedTransfer:
      return {"unauthorized_transfer", "The new counselor is not the one the previous counselor authorised."};
    case ErrorCode::kDecryptFailed: return {"decrypt_failed", "A frame could not be decrypted."};
    case ErrorCode::kDuplicateFrame: return {"duplicate_frame", "The frame was already received."};
    case ErrorCode::kFrameGap: return {"frame_gap", "A frame is missing before this one."};
    case ErrorCode::kStreamFinished: return {"stream_finished", "The stream has already ended."};
    case ErrorCode::kTruncated: return {"truncated", "The stream ended without its final message."};
    case ErrorCode::kBadPadding: return {"bad_padding", "The message padding is invalid."};
    case ErrorCode::kBadMessage: return {"bad_message", "The decrypted message is not valid."};
    case ErrorCode::kMessageTooLong: return {"message_too_long", "The message is longer than allowed."};
    case ErrorCode::kWrongPassphrase: return {"wrong_passphrase", "The passphrase does not open this key."};
    case ErrorCode::kWeakParameters: return {"weak_parameters", "The key derivation parameters are below the minimum."};
  }
  return {"unknown", "Unknown error."};
}

}  // namespace

std::string_view CodeName(ErrorCode code) { return EntryFor(code).name; }
std::string_view Sentence(ErrorCode code) { return EntryFor(code).sentence; }

}  // namespace haven::crypto
