// The crypto module's errors: one code per way a check can fail, each with one sentence.
// The codes and sentences are those of docs/protocol.md section 12, shared with the
// TypeScript implementation, so a failure reads the same on both ends.
#pragma once

#include <expected>
#include <string_view>

namespace haven::crypto {

enum class ErrorCode {
  kMalformed,
  kUnsupportedVersion,
  kWrongRole,
  kUntrustedRoot,
  kBadCertificateSignature,
  kValidityTooLong,
  kNotYetValid,
  kExpired,
  kRevoked,
  kBadRevocationList,
  kWrongChat,
  kBadHandshakeSignature,
  kUnauthorizedTransfer,
  kDecryptFailed,
  kDuplicateFrame,
  kFrameGap,
  kStreamFinished,
  kTruncated,
  kBadPadding,
  kBadMessage,
  kMessageTooLong,
  kWrongPassphrase,
  kWeakParameters,
};

// The protocol's name for the code, e.g. "untrusted_root".
std::string_view CodeName(ErrorCode code);
// The one-sentence explanation from the protocol document.
std::string_view Sentence(ErrorCode code);

struct Error {
  ErrorCode code;
  bool operator==(const Error&) const = default;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> Fail(ErrorCode code) { return std::unexpected(Error{code}); }

}  // namespace haven::crypto
