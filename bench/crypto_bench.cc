// Cost of the E2E handshake and of stream push/pull at the sizes chats use.
//   build/release/bench/crypto_bench
#include <benchmark/benchmark.h>

#include <algorithm>

#include "crypto/certificate.h"
#include "crypto/handshake.h"
#include "crypto/sealing.h"

namespace haven::crypto {
namespace {

constexpr std::uint64_t kNow = 1'800'000'000;

struct Org {
  SigningKey root = SigningKey::Generate();
  SigningKey signing = SigningKey::Generate();
  SigningKey identity = SigningKey::Generate();
  Certificate signing_certificate, counselor_certificate;
  Org() {
    signing_certificate = *IssueCertificate(
        {CertificateRole::kOrgSigning, signing.public_key(), {}, kNow - 10, kNow + 86400, "org-signing", "Org"}, root);
    counselor_certificate = *IssueCertificate(
        {CertificateRole::kCounselor, identity.public_key(), {}, kNow - 10, kNow + 86400, "c-1", "Counselor"}, signing);
  }
};

// Offer, accept (sign), verify (chain + signature), stream_start: one full leg set-up.
void BM_Handshake(benchmark::State& state) {
  InitSodium();
  Org org;
  CounselorCredentials credentials{&org.identity, org.signing_certificate.encoded, org.counselor_certificate.encoded};
  ChatId chat{};
  for (auto _ : state) {
    auto visitor = VisitorHandshake::Start(chat, 0);
    auto counselor = CounselorSession::Accept(visitor.offer(), chat, 0, credentials, kNow * 1000);
    auto session = visitor.ReceiveAccept(counselor->accept(), TrustAnchor{org.root.public_key(), {}}, kNow, kNow * 1000);
    benchmark::DoNotOptimize(counselor->ReceiveStreamStart(session->stream_start));
  }
}
BENCHMARK(BM_Handshake)->Unit(benchmark::kMicrosecond);

void BM_StreamPushPull(benchmark::State& state) {
  InitSodium();
  auto key = SecretBytes::Random(32);
  StreamContext context{{}, 0, Direction::kCounselorToVisitor};
  StreamSender sender(key, context, 0);
  StreamReceiver receiver(key, sender.header(), context);
  // Text of this many bytes pads to the block size named in the benchmark's argument (4 KiB:
  // the longest text allowed, 4,000 bytes, which pads to 4,096).
  std::size_t text_bytes = std::min(static_cast<std::size_t>(state.range(0)) - 10, kMaxTextBytes);
  Message message{0, TextMessage{std::string(text_bytes, 'a')}};
  for (auto _ : state) {
    auto frame = sender.Push(message, 0);
    if (!frame) {
      state.SkipWithError("push failed");
      break;
    }
    auto received = receiver.Receive(frame->seq, frame->ciphertext);
    if (!received) {
      state.SkipWithError("receive failed");
      break;
    }
    benchmark::DoNotOptimize(received);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_StreamPushPull)->Arg(256)->Arg(4096)->Unit(benchmark::kMicrosecond);

void BM_SealOpen(benchmark::State& state) {
  InitSodium();
  auto key = SecretBytes::Random(32);
  Bytes payload(static_cast<std::size_t>(state.range(0)), 7);
  Bytes ad(40, 1);
  for (auto _ : state) {
    Bytes sealed = Seal(key, payload, ad);
    benchmark::DoNotOptimize(Open(key, sealed, ad));
  }
}
BENCHMARK(BM_SealOpen)->Arg(128)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace haven::crypto

BENCHMARK_MAIN();
