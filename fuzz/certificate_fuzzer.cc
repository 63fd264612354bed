// Certificates (protocol.md 3.1) and the chain (3.4): any bytes parse to a certificate or a typed
// error; what parses re-encodes to the same bytes; and the chain accepts nothing but the fixed
// organisation's own certificates, byte for byte. The first input byte says which certificate
// the rest replaces (the counselor's or the signing one).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_org.h"

using namespace haven;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const auto& org = fuzz::Org();
  fuzz::WriteSeedsIfAsked({"\x00" + fuzz::Text(org.counselor_certificate.encoded),
                           "\x01" + fuzz::Text(org.signing_certificate.encoded)});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto& org = fuzz::Org();
  bool signing = data[0] & 1;
  crypto::ByteView input(data + 1, size - 1);
  auto parsed = crypto::ParseCertificate(input);
  if (parsed) {
    if (!std::equal(parsed->encoded.begin(), parsed->encoded.end(), input.begin(), input.end())) fuzz::Finding("re-encoding differs");
    if (crypto::Sentence(crypto::ErrorCode::kMalformed).empty()) fuzz::Finding("no sentence");
  } else if (crypto::Sentence(parsed.error().code).empty()) {
    fuzz::Finding("an untyped refusal");
  }
  const crypto::Bytes& expected = signing ? org.signing_certificate.encoded : org.counselor_certificate.encoded;
  auto chain = signing ? crypto::VerifyChain(org.Trust(), input, org.counselor_certificate.encoded, fuzz::kNow)
                       : crypto::VerifyChain(org.Trust(), org.signing_certificate.encoded, input, fuzz::kNow);
  bool same = std::equal(input.begin(), input.end(), expected.begin(), expected.end());
  if (chain && !same) fuzz::Finding("a changed certificate verified");
  return 0;
}
