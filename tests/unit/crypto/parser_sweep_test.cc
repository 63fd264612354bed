// Bad input of any kind, many times over: every crypto parser that reads bytes from the network
// or a file gets valid inputs mutated at random (tests/unit/mutator.h) and pure noise, and must
// answer with a value or a typed error: never crash, hang or read out of bounds (the asan preset
// runs this too). What the mutation could not have kept valid must be refused. Seeded: a
// failure names the round that reproduces it.
//
// A seeded sweep that runs with every unit test; the coverage-guided fuzz targets for the same
// parsers are in fuzz/ (clang 16, the fuzz preset).

#include <gtest/gtest.h>

#include "crypto/certificate.h"
#include "crypto/chain.h"
#include "crypto/handshake.h"
#include "crypto/message.h"
#include "crypto/padding.h"
#include "crypto/revocation_list.h"
#include "tests/unit/crypto/test_org.h"
#include "tests/unit/mutator.h"

namespace haven::crypto {
namespace {

using testing::ChatIdOf;
using testing::kNow;
using testing::SerialOf;
using testing::TestOrg;

constexpr std::uint64_t kNowMs = kNow * 1000;
constexpr int kRounds = 20000;

// Mutated copies of `valid`, then noise; `check` runs on each.
template <typename Check>
void Sweep(ByteView valid, std::uint64_t seed, int rounds, Check check) {
  haven::testing::Mutator mutator(seed);
  for (int round = 0; round < rounds; ++round) {
    Bytes input = round % 8 == 7 ? mutator.Noise(valid.size() + 16) : mutator.Mutate(valid);
    SCOPED_TRACE("seed " + std::to_string(seed) + " round " + std::to_string(round));
    check(ByteView(input), std::equal(input.begin(), input.end(), valid.begin(), valid.end()));
  }
}

// A refusal carries one of the protocol's codes and its sentence.
template <typename T>
void ExpectTypedIfRefused(const Result<T>& result) {
  if (!result) {
    EXPECT_FALSE(Sentence(result.error().code).empty());
  }
}

TEST(ParserSweep, Certificate) {
  TestOrg org;
  auto counselor = org.Counselor("c-sweep");
  Sweep(counselor.certificate.encoded, 1, kRounds, [&](ByteView input, bool unchanged) {
    auto parsed = ParseCertificate(input);
    ExpectTypedIfRefused(parsed);
    auto chain = VerifyChain(org.Trust(), org.signing_certificate.encoded, input, kNow);
    ExpectTypedIfRefused(chain);
    if (!unchanged) {
      EXPECT_FALSE(chain) << "a changed certificate verified";
    }
  });
  Sweep(org.signing_certificate.encoded, 2, kRounds / 4, [&](ByteView input, bool unchanged) {
    auto chain = VerifyChain(org.Trust(), input, counselor.certificate.encoded, kNow);
    ExpectTypedIfRefused(chain);
    if (!unchanged) {
      EXPECT_FALSE(chain) << "a changed signing certificate verified";
    }
  });
}

TEST(ParserSweep, RevocationList) {
  TestOrg org;
  auto list = IssueRevocationList(RevocationIssuer::kOrgSigning, kNow, {SerialOf(3), SerialOf(9)}, org.signing);
  ASSERT_TRUE(list);
  Sweep(list->encoded, 3, kRounds, [&](ByteView input, bool unchanged) {
    auto parsed = ParseRevocationList(input);
    ExpectTypedIfRefused(parsed);
    if (!unchanged) {
      EXPECT_FALSE(parsed) << "a changed revocation list kept its signature";
    }
  });
}

TEST(ParserSweep, MessageAndPadding) {
  TestOrg org;
  auto counselor = org.Counselor("c-sweep");
  const Message messages[] = {
      {kNowMs, TextMessage{"Здравей, тук съм. Можеш да пишеш спокойно."}},
      {kNowMs, TransferMessage{2, counselor.certificate.encoded}},
      {kNowMs, EndMessage{EndReason::kEnded}},
  };
  std::uint64_t seed = 10;
  for (const Message& message : messages) {
    auto encoded = EncodeMessage(message);
    ASSERT_TRUE(encoded);
    Sweep(*encoded, seed++, kRounds, [&](ByteView input, bool) {
      auto parsed = ParseMessage(input);
      ExpectTypedIfRefused(parsed);
      // Whatever parses must encode to the very bytes it came from: nothing is read twice or skipped.
      if (parsed) {
        auto again = EncodeMessage(*parsed);
        ASSERT_TRUE(again);
        EXPECT_TRUE(std::equal(again->begin(), again->end(), input.begin(), input.end()));
      }
    });
    Bytes padded = Pad(*encoded);
    Sweep(padded, seed++, kRounds, [&](ByteView input, bool) { ExpectTypedIfRefused(Unpad(input)); });
  }
}

TEST(ParserSweep, HandshakeAcceptOfferAndStreamStart) {
  TestOrg org;
  auto counselor = org.Counselor("c-sweep");
  auto visitor = VisitorHandshake::Start(ChatIdOf(1), 0);
  auto session = CounselorSession::Accept(visitor.offer(), ChatIdOf(1), 0, org.Credentials(counselor), kNowMs);
  ASSERT_TRUE(session);
  const Bytes accept = session->accept();
  const Bytes offer = visitor.offer();

  // The visitor reads the accept the server relays: a changed one never yields a session.
  Sweep(accept, 20, 1000, [&](ByteView input, bool unchanged) {
    auto fresh = VisitorHandshake::Start(ChatIdOf(1), 0);
    auto result = fresh.ReceiveAccept(input, org.Trust(), kNow, kNowMs);
    ExpectTypedIfRefused(result);
    EXPECT_FALSE(result) << (unchanged ? "an accept for another visitor's offer was taken" : "a changed accept was taken");
  });
  auto taken = visitor.ReceiveAccept(accept, org.Trust(), kNow, kNowMs);
  ASSERT_TRUE(taken) << "the valid accept still works after the sweep";

  // The counselor reads the offer, then the stream start.
  Sweep(offer, 21, 1000, [&](ByteView input, bool) {
    ExpectTypedIfRefused(CounselorSession::Accept(input, ChatIdOf(1), 0, org.Credentials(counselor), kNowMs));
  });
  Sweep(taken->stream_start, 22, 2000, [&](ByteView input, bool unchanged) {
    auto fresh = CounselorSession::Accept(offer, ChatIdOf(1), 0, org.Credentials(counselor), kNowMs);
    ASSERT_TRUE(fresh);
    auto started = fresh->ReceiveStreamStart(input);
    if (!started) {
      EXPECT_FALSE(Sentence(started.error().code).empty());
    }
    if (!unchanged && started) {
      // A stream start that still parses may carry another header: then nothing decrypts.
      auto frame = taken->sender.Push(Message{kNowMs, TextMessage{"проба"}}, kNowMs);
      ASSERT_TRUE(frame);
      EXPECT_FALSE(fresh->receiver()->Receive(frame->seq, frame->ciphertext)) << "a changed stream start decrypted";
      return;
    }
  });
}

TEST(ParserSweep, StreamFramesLeaveTheReceiverUsable) {
  TestOrg org;
  auto counselor = org.Counselor("c-sweep");
  auto visitor = VisitorHandshake::Start(ChatIdOf(1), 0);
  auto session = CounselorSession::Accept(visitor.offer(), ChatIdOf(1), 0, org.Credentials(counselor), kNowMs);
  auto visitor_session = visitor.ReceiveAccept(session->accept(), org.Trust(), kNow, kNowMs);
  ASSERT_TRUE(visitor_session);
  for (int i = 0; i < 20; ++i) {
    auto frame = session->sender().Push(Message{kNowMs, TextMessage{"съобщение " + std::to_string(i)}}, kNowMs);
    ASSERT_TRUE(frame);
    Sweep(frame->ciphertext, 100 + static_cast<std::uint64_t>(i), kRounds / 20, [&](ByteView input, bool unchanged) {
      if (unchanged) return;  // delivering it here would advance the stream
      auto got = visitor_session->receiver.Receive(frame->seq, input);
      ASSERT_FALSE(got) << "a changed frame decrypted";
      EXPECT_EQ(got.error().code, ErrorCode::kDecryptFailed);
    });
    auto got = visitor_session->receiver.Receive(frame->seq, frame->ciphertext);
    ASSERT_TRUE(got) << "frame " << i << " still decrypts after its mutants";
    EXPECT_EQ(std::get<TextMessage>(got->message.body).text, "съобщение " + std::to_string(i));
  }
}

}  // namespace
}  // namespace haven::crypto
