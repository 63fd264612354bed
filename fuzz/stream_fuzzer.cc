// The receiver's state machine (protocol.md 7.4, 7.5) fed a sequence of frames: genuine ones
// from the seed (a sender's stream of six messages ending with FINAL), reordered, repeated,
// dropped or changed by the fuzzer. Input: header(24) then frames, each u32 seq, u16 length,
// ciphertext. Properties: never a crash; every message delivered is one the sender sent, in
// order, each once; nothing after FINAL.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/stream.h"
#include "fuzz/fuzz_org.h"

using namespace haven;

namespace {

constexpr std::uint64_t kStartMs = 1'800'000'000'000;

crypto::StreamContext Context() {
  crypto::StreamContext context;
  context.chat_id.fill(0x42);
  context.leg = 0;
  context.direction = crypto::Direction::kCounselorToVisitor;
  return context;
}

const crypto::SecretBytes& Key() {
  static const crypto::SecretBytes key = [] {
    crypto::InitSodium();
    crypto::SecretBytes bytes(32);
    std::fill(bytes.data(), bytes.data() + bytes.size(), std::uint8_t{0x17});
    return bytes;
  }();
  return key;
}

std::string Text(std::size_t i) { return "message " + std::to_string(i); }

void PutU32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(value >> shift);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  crypto::StreamSender sender(Key(), Context(), kStartMs);
  std::string seed(sender.header().begin(), sender.header().end());
  for (std::size_t i = 0; i < 6; ++i) {
    crypto::Message message;
    message.sent_at_ms = kStartMs + i;
    if (i == 5) {
      message.body = crypto::EndMessage{crypto::EndReason::kEnded};
    } else {
      message.body = crypto::TextMessage{Text(i)};
    }
    auto frame = sender.Push(message, kStartMs + i);
    if (!frame) fuzz::Finding("the seed's sender failed");
    PutU32(seed, frame->seq);
    seed += static_cast<char>(frame->ciphertext.size() >> 8);
    seed += static_cast<char>(frame->ciphertext.size());
    seed.append(frame->ciphertext.begin(), frame->ciphertext.end());
  }
  fuzz::WriteSeedsIfAsked({seed});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 24) return 0;
  crypto::StreamHeader header{};
  std::copy_n(data, header.size(), header.begin());
  crypto::StreamReceiver receiver(Key(), header, Context());
  std::size_t at = 24, delivered = 0;
  bool final_seen = false;
  while (at + 6 <= size) {
    std::uint32_t seq = std::uint32_t{data[at]} << 24 | std::uint32_t{data[at + 1]} << 16 | std::uint32_t{data[at + 2]} << 8 | data[at + 3];
    std::size_t length = std::size_t{data[at + 4]} << 8 | data[at + 5];
    at += 6;
    length = std::min(length, size - at);
    auto result = receiver.Receive(seq, crypto::ByteView(data + at, length));
    at += length;
    if (!result) {
      if (crypto::Sentence(result.error().code).empty()) fuzz::Finding("an untyped refusal");
      continue;
    }
    if (final_seen) fuzz::Finding("a message after FINAL");
    // Only the genuine sender's messages decrypt: the i-th delivered is the i-th it sent.
    if (const auto* text = std::get_if<crypto::TextMessage>(&result->message.body)) {
      if (text->text != Text(delivered)) fuzz::Finding("a message out of order, twice or never sent");
    }
    final_seen = result->tag == crypto::StreamTag::kFinal;
    ++delivered;
  }
  return 0;
}
