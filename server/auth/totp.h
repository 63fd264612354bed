// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1, 30-second steps, six
// digits, which every authenticator app understands. The second factor of a counselor login.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.h"

namespace haven::auth {

inline constexpr std::uint64_t kTotpStepSeconds = 30;
inline constexpr std::size_t kTotpSecretBytes = 20;

// The six-digit code for `step` (= unix seconds / 30).
std::string TotpCode(crypto::ByteView secret, std::uint64_t step);

// The step at which `code` is valid, checking now and one step either side (clock drift);
// nullopt otherwise. `after_step`: refuse steps up to it (a code may be used once).
std::optional<std::uint64_t> VerifyTotp(crypto::ByteView secret, std::string_view code, std::uint64_t unix_seconds,
                                        std::uint64_t after_step = 0);

// True when `code` is the code of a step near now (as VerifyTotp checks) that is at or before
// `last_used_step`: a right code used once already.
bool TotpCodeWasUsed(crypto::ByteView secret, std::string_view code, std::uint64_t unix_seconds,
                     std::uint64_t last_used_step);

// RFC 4648 base32 without padding, as authenticator apps take secrets.
std::string Base32(crypto::ByteView bytes);
// otpauth://totp/Haven:<handle>?secret=...&issuer=Haven (for the enrolment QR code).
std::string TotpUri(std::string_view issuer, std::string_view handle, crypto::ByteView secret);

}  // namespace haven::auth
