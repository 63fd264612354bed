// Revocation lists (protocol.md 3.3): parse or a typed error; what parses re-encodes to the same
// bytes; and as trust material (3.4 step 6) a list that is not one of the organisation's own is
// ignored, never believed: it cannot revoke the counselor.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_org.h"

using namespace haven;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const auto& org = fuzz::Org();
  fuzz::WriteSeedsIfAsked({fuzz::Text(org.root_list.encoded), fuzz::Text(org.signing_list.encoded)});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& org = fuzz::Org();
  crypto::ByteView input(data, size);
  auto parsed = crypto::ParseRevocationList(input);
  if (parsed) {
    if (!std::equal(parsed->encoded.begin(), parsed->encoded.end(), input.begin(), input.end())) fuzz::Finding("re-encoding differs");
  } else if (crypto::Sentence(parsed.error().code).empty()) {
    fuzz::Finding("an untyped refusal");
  }
  // The fixed counselor (serial 7) is revoked by no list the organisation issued: a list that
  // revokes it verifies only if its signature was forged.
  crypto::TrustAnchor trust = org.Trust();
  trust.revocation_lists.emplace_back(input.begin(), input.end());
  auto chain = crypto::VerifyChain(trust, org.signing_certificate.encoded, org.counselor_certificate.encoded, fuzz::kNow);
  if (!chain && chain.error().code == crypto::ErrorCode::kRevoked) fuzz::Finding("an unsigned list revoked the counselor");
  if (!chain && chain.error().code != crypto::ErrorCode::kRevoked) fuzz::Finding("a bad list broke a good chain");
  return 0;
}
