// A stream message after decryption (protocol.md 7.2, 7.3): padding then grammar. Any bytes give
// a message or a typed error; a message that parses encodes back to the same bytes, and padding
// what unpads gives the input back.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "crypto/message.h"
#include "crypto/padding.h"
#include "fuzz/fuzz_org.h"

using namespace haven;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  crypto::InitSodium();
  std::vector<std::string> seeds;
  crypto::Message text{};
  text.sent_at_ms = 1'800'000'000'000;
  text.body = crypto::TextMessage{"Здравей, тук съм."};
  seeds.push_back(fuzz::Text(crypto::Pad(*crypto::EncodeMessage(text))));
  crypto::Message end{};
  end.body = crypto::EndMessage{crypto::EndReason::kQuickExit};
  seeds.push_back(fuzz::Text(crypto::Pad(*crypto::EncodeMessage(end))));
  fuzz::WriteSeedsIfAsked(seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crypto::ByteView input(data, size);
  auto unpadded = crypto::Unpad(input);
  if (!unpadded) {
    if (crypto::Sentence(unpadded.error().code).empty()) fuzz::Finding("an untyped refusal");
    return 0;
  }
  auto repadded = crypto::Pad(*unpadded);
  if (!std::equal(repadded.begin(), repadded.end(), input.begin(), input.end())) fuzz::Finding("padding is not canonical");
  auto message = crypto::ParseMessage(*unpadded);
  if (!message) {
    if (crypto::Sentence(message.error().code).empty()) fuzz::Finding("an untyped refusal");
    return 0;
  }
  auto encoded = crypto::EncodeMessage(*message);
  if (!encoded || *encoded != *unpadded) fuzz::Finding("a message does not encode back to its bytes");
  return 0;
}
