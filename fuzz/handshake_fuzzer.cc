// The handshake (protocol.md 5): the counselor reading an offer, the visitor reading an accept,
// the counselor reading a stream start. The first input byte chooses which; the rest is the
// message. Properties: a result or a typed error; an accept the visitor takes is the genuine
// counselor's (only its random stream header, its last 24 bytes, may differ).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "crypto/handshake.h"
#include "fuzz/fuzz_org.h"

using namespace haven;

namespace {

constexpr std::uint64_t kNowMs = fuzz::kNow * 1000;

crypto::ChatId Chat() {
  crypto::ChatId chat{};
  chat.fill(0x42);
  return chat;
}

crypto::VisitorHandshake Visitor() {
  crypto::Bytes nonce(32, 0x55), kx_seed(32, 0x66);
  return crypto::VisitorHandshake::StartDeterministic(Chat(), 0, nonce, kx_seed);
}

crypto::CounselorCredentials Credentials() {
  const auto& org = fuzz::Org();
  return crypto::CounselorCredentials{&org.counselor, org.signing_certificate.encoded, org.counselor_certificate.encoded};
}

// The genuine exchange the seeds come from (fixed kx seeds: the same bytes every run but the
// stream header, which is random).
struct Genuine {
  crypto::Bytes offer, accept, stream_start;
};
const Genuine& Exchange() {
  static const Genuine genuine = [] {
    Genuine out;
    auto visitor = Visitor();
    out.offer = visitor.offer();
    crypto::Bytes kx_seed(32, 0x77);
    auto counselor = crypto::CounselorSession::Accept(out.offer, Chat(), 0, Credentials(), kNowMs, crypto::ByteView(kx_seed));
    if (!counselor) fuzz::Finding("the genuine counselor refused the offer");
    out.accept = counselor->accept();
    auto session = visitor.ReceiveAccept(out.accept, fuzz::Org().Trust(), fuzz::kNow, kNowMs);
    if (!session) fuzz::Finding("the genuine visitor refused the accept");
    out.stream_start = session->stream_start;
    return out;
  }();
  return genuine;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const Genuine& genuine = Exchange();
  fuzz::WriteSeedsIfAsked({"\x00" + fuzz::Text(genuine.offer), "\x01" + fuzz::Text(genuine.accept),
                           "\x02" + fuzz::Text(genuine.stream_start)});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  crypto::ByteView input(data + 1, size - 1);
  auto typed = [](const auto& result) {
    if (!result && crypto::Sentence(result.error().code).empty()) fuzz::Finding("an untyped refusal");
  };
  switch (data[0] % 3) {
    case 0:
      typed(crypto::CounselorSession::Accept(input, Chat(), 0, Credentials(), kNowMs));
      break;
    case 1: {
      auto session = Visitor().ReceiveAccept(input, fuzz::Org().Trust(), fuzz::kNow, kNowMs);
      typed(session);
      const crypto::Bytes& accept = Exchange().accept;
      if (session && (input.size() != accept.size() || !std::equal(accept.begin(), accept.end() - 24, input.begin())))
        fuzz::Finding("the visitor took an accept the counselor did not send");
      break;
    }
    default: {
      crypto::Bytes kx_seed(32, 0x77);
      auto counselor = crypto::CounselorSession::Accept(Exchange().offer, Chat(), 0, Credentials(), kNowMs, crypto::ByteView(kx_seed));
      if (counselor) typed(counselor->ReceiveStreamStart(input));
      break;
    }
  }
  return 0;
}
