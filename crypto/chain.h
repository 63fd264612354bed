// Verification of the trust chain root -> org signing certificate -> counselor certificate,
// exactly the steps and order of docs/protocol.md 3.4, so both implementations report the
// same error for the same input.
#pragma once

#include <span>

#include "crypto/certificate.h"
#include "crypto/revocation_list.h"

namespace haven::crypto {

inline constexpr std::uint64_t kClockSkewSeconds = 600;

struct TrustAnchor {
  PublicKey root_key{};
  std::vector<Bytes> revocation_lists;  // as served; invalid ones are ignored (and counted)
};

struct VerifiedChain {
  Certificate signing;
  Certificate counselor;
  int ignored_revocation_lists = 0;  // malformed or untrusted lists, for the caller's log
};

Result<VerifiedChain> VerifyChain(const TrustAnchor& trust, ByteView signing_certificate,
                                  ByteView counselor_certificate, std::uint64_t now);

}  // namespace haven::crypto
