#include "server/auth/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>

namespace haven::auth {

std::string TotpCode(crypto::ByteView secret, std::uint64_t step) {
  std::uint8_t counter[8];
  for (int i = 7; i >= 0; --i) {
    counter[i] = static_cast<std::uint8_t>(step);
    step >>= 8;
  }
  std::uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), counter, sizeof counter, digest, &length);
  int offset = digest[length - 1] & 0x0f;
  std::uint32_t binary = (static_cast<std::uint32_t>(digest[offset] & 0x7f) << 24) |
                         (static_cast<std::uint32_t>(digest[offset + 1]) << 16) |
                         (static_cast<std::uint32_t>(digest[offset + 2]) << 8) | digest[offset + 3];
  char code[8];
  std::snprintf(code, sizeof code, "%06u", binary % 1000000u);
  return code;
}

namespace {

// The step near now (now, one either side: clock drift) whose code `code` is and that `accept`
// allows; nullopt otherwise.
template <typename Accept>
std::optional<std::uint64_t> MatchingStep(crypto::ByteView secret, std::string_view code, std::uint64_t unix_seconds,
                                          Accept accept) {
  if (code.size() != 6 || secret.empty()) return std::nullopt;
  std::uint64_t now_step = unix_seconds / kTotpStepSeconds;
  for (std::uint64_t step : {now_step, now_step - 1, now_step + 1}) {
    if (!accept(step)) continue;
    std::string expected = TotpCode(secret, step);
    // Compare without an early exit; six digits, but no reason to leak which ones matched.
    unsigned char difference = 0;
    for (std::size_t i = 0; i < 6; ++i) difference |= static_cast<unsigned char>(expected[i] ^ code[i]);
    if (difference == 0) return step;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> VerifyTotp(crypto::ByteView secret, std::string_view code, std::uint64_t unix_seconds,
                                        std::uint64_t after_step) {
  return MatchingStep(secret, code, unix_seconds, [after_step](std::uint64_t step) { return step > after_step; });
}

bool TotpCodeWasUsed(crypto::ByteView secret, std::string_view code, std::uint64_t unix_seconds,
                     std::uint64_t last_used_step) {
  return MatchingStep(secret, code, unix_seconds, [last_used_step](std::uint64_t step) {
           return step <= last_used_step;
         }).has_value();
}

std::string Base32(crypto::ByteView bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::string TotpUri(std::string_view issuer, std::string_view handle, crypto::ByteView secret) {
  std::string uri = "otpauth://totp/";
  uri += issuer;
  uri += ':';
  uri += handle;
  uri += "?secret=" + Base32(secret) + "&issuer=";
  uri += issuer;
  uri += "&algorithm=SHA1&digits=6&period=30";
  return uri;
}

}  // namespace haven::auth
