#include "crypto/handshake.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "tests/unit/crypto/test_org.h"

namespace haven::crypto {
namespace {

using testing::ChatIdOf;
using testing::kNow;
using testing::TestOrg;

constexpr std::uint64_t kNowMs = kNow * 1000;

Message Text(std::string text) { return Message{kNowMs, TextMessage{std::move(text)}}; }

std::string TextOf(const StreamReceiver::Delivered& delivered) {
  return std::get<TextMessage>(delivered.message.body).text;
}

TEST(Handshake, FullChatBothDirections) {
  TestOrg org;
  auto counselor = org.Counselor("c-1");
  auto visitor = VisitorHandshake::Start(ChatIdOf(1), 0);
  EXPECT_EQ(visitor.offer().size(), kOfferSize);
  auto session = CounselorSession::Accept(visitor.offer(), ChatIdOf(1), 0, org.Credentials(counselor), kNowMs);
  ASSERT_TRUE(session);
  auto visitor_session = visitor.ReceiveAccept(session->accept(), org.Trust(), kNow, kNowMs);
  ASSERT_TRUE(visitor_session) << CodeName(visitor_session.error().code);
  EXPECT_EQ(visitor_session->transcript_hash, session->transcript_hash());
  EXPECT_EQ(visitor_session->code, session->code());
  EXPECT_EQ(visitor_session->code.size(), 6u);
  EXPECT_EQ(visitor_session->stream_start.size(), kStreamStartSize);
  EXPECT_EQ(visitor_session->chain.counselor.fields.name, "Мария");
  ASSERT_TRUE(session->ReceiveStreamStart(visitor_session->stream_start));

  auto hello = session->sender().Push(Text("Здравей, тук съм."), kNowMs);
  ASSERT_TRUE(hello);
  auto got = visitor_session->receiver.Receive(hello->seq, hello->ciphertext);
  ASSERT_TRUE(got);
  EXPECT_EQ(TextOf(*got), "Здравей, тук съм.");

  auto reply = visitor_session->sender.Push(Text("Благодаря"), kNowMs);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->seq, 3u);
  auto got_reply = session->receiver()->Receive(reply->seq, reply->ciphertext);
  ASSERT_TRUE(got_reply);
  EXPECT_EQ(TextOf(*got_reply), "Благодаря");
}

TEST(Handshake, AcceptReplayedFromAnotherChatIsWrongChat) {
  TestOrg org;
  auto counselor = org.Counselor("c-1");
  auto chat_a = VisitorHandshake::Start(ChatIdOf(1), 0);
  auto chat_b = VisitorHandshake::Start(ChatIdOf(2), 0);
  auto accept_a = CounselorSession::Accept(chat_a.offer(), ChatIdOf(1), 0, org.Credentials(counselor), kNowMs);
  ASSERT_TRUE(accept_a);
  auto result = chat_b.ReceiveAccept(accept_a->accept(), org.Trust(), kNow, kNowMs);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kWrongChat);
  // And the counselor refuses an offer for a chat it does not hold.
  auto wrong = CounselorSession::Accept(chat_b.offer(), ChatIdOf(1), 0, org.Credentials(counselor), kNowMs);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kWrongChat);
}

TEST(Handshake, AcceptForAnotherVisitorOfTheSameChatFailsTheSignature) {
  // The server answers visitor 2's offer with the accept made for visitor 1's offer.
  TestOrg org;
  auto counselor = org.Counselor("c-1");
  auto first = VisitorHandshake::Start(ChatIdOf(1), 0);
  auto second = VisitorHandshake::Start(ChatIdOf(1), 0);
  auto accept = CounselorSession::Accept(first.offer(), ChatIdOf(1), 0, org.Credentials(counselor), kNowMs);
  auto result = second.ReceiveAccept(accept->accept(), org.Trust(), kNow, kNowMs);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kBadHandshakeSignature);
}

TEST(Handshake, SwappedEphemeralKeyIsBadHandshakeSignature) {
  TestOrg org;
  auto counselor = org.Counselor("c-1");
  auto visitor = VisitorHandshake::Start(ChatIdOf(1), 0);
  auto session = CounselorSession::Accept(visitor.offer(), ChatIdOf(1), 0, org.Credentials(counselor), kNowMs);
  Bytes accept = session->accept();
  // A man in the middle substitutes its own kx public key (bytes 23..55).
  std::array<std::uint8_t, 32> attacker_pk{}, attacker_sk{};
  crypto_kx_keypair(attacker_pk.data(), attacker_sk.data());
  std::copy(attacker_pk.begin(), attacker_pk.end(), accept.begin() + 23);
  auto result = visitor.ReceiveAccept(accept, org.Trust(), kNow, kNowMs);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kBadHandshakeSignature);
}

TEST(Handshake, CounselorOfAnotherOrganisationFailsClosed) {
  TestOrg org, other;
  auto impostor = other.Counselor("c-1");
  auto visitor = VisitorHandshake::Start(ChatIdOf(1), 0);
  auto session = CounselorSession::Accept(visitor.offer(), ChatIdOf(1), 0, other.Credentials(impostor), kNowMs);
  auto result = visitor.ReceiveAccept(session->accept(), org.Trust(), kNow, kNowMs);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUntrustedRoot);
}

TEST(Handshake, RevokedCounselorIsRefused) {
  TestOrg org;
  auto counselor = org.Counselor("c-1", 77);
  auto trust = org.Trust();
  trust.revocation_lists.push_back(
      IssueRevocationList(RevocationIssuer::kOrgSigning, kNow, {testing::SerialOf(77)}, org.signing)->encoded);
  auto visitor = VisitorHandshake::Start(ChatIdOf(1), 0);
  auto session = CounselorSession::Accept(visitor.offer(), ChatIdOf(1), 0, org.Credentials(counselor), kNowMs);
  auto result = visitor.ReceiveAccept(session->accept(), trust, kNow, kNowMs);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kRevoked);
}

TEST(Handshake, TransferOnlyToTheAuthorisedCertificate) {
  TestOrg org;
  auto first = org.Counselor("c-1", 1);
  auto colleague = org.Counselor("c-2", 2);
  auto intruder = org.Counselor("c-3", 3);  // valid certificate, but not the one authorised

  auto leg0 = VisitorHandshake::Start(ChatIdOf(1), 0);
  auto counselor0 = CounselorSession::Accept(leg0.offer(), ChatIdOf(1), 0, org.Credentials(first), kNowMs);
  auto visitor0 = leg0.ReceiveAccept(counselor0->accept(), org.Trust(), kNow, kNowMs);
  ASSERT_TRUE(visitor0);
  auto authorise = counselor0->sender().Push(
      Message{kNowMs, TransferMessage{1, colleague.certificate.encoded}}, kNowMs);
  auto received = visitor0->receiver.Receive(authorise->seq, authorise->ciphertext);
  ASSERT_TRUE(received);
  const auto& transfer = std::get<TransferMessage>(received->message.body);
  EXPECT_EQ(transfer.next_leg, 1);

  auto leg1 = VisitorHandshake::Start(ChatIdOf(1), 1, transfer.certificate);
  auto hijack = CounselorSession::Accept(leg1.offer(), ChatIdOf(1), 1, org.Credentials(intruder), kNowMs);
  auto refused = leg1.ReceiveAccept(hijack->accept(), org.Trust(), kNow, kNowMs);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthorizedTransfer);

  auto leg1_again = VisitorHandshake::Start(ChatIdOf(1), 1, transfer.certificate);
  auto rightful = CounselorSession::Accept(leg1_again.offer(), ChatIdOf(1), 1, org.Credentials(colleague), kNowMs);
  EXPECT_TRUE(leg1_again.ReceiveAccept(rightful->accept(), org.Trust(), kNow, kNowMs));
}

TEST(Handshake, LaterLegWithoutAuthorisationIsRefused) {
  TestOrg org;
  auto counselor = org.Counselor("c-1");
  auto visitor = VisitorHandshake::Start(ChatIdOf(1), 1);  // nothing authorised
  auto session = CounselorSession::Accept(visitor.offer(), ChatIdOf(1), 1, org.Credentials(counselor), kNowMs);
  auto result = visitor.ReceiveAccept(session->accept(), org.Trust(), kNow, kNowMs);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnauthorizedTransfer);
}

TEST(Handshake, AfterARequeueAnyCounselorOfTheOrgIsAccepted) {
  TestOrg org, other;
  auto counselor = org.Counselor("c-5");
  auto visitor = VisitorHandshake::Start(ChatIdOf(1), 2);
  visitor.AcceptAnyCounselor();
  auto session = CounselorSession::Accept(visitor.offer(), ChatIdOf(1), 2, org.Credentials(counselor), kNowMs);
  EXPECT_TRUE(visitor.ReceiveAccept(session->accept(), org.Trust(), kNow, kNowMs));
  // Still only the org's counselors.
  auto stranger = other.Counselor("c-6");
  auto again = VisitorHandshake::Start(ChatIdOf(1), 2);
  again.AcceptAnyCounselor();
  auto impostor = CounselorSession::Accept(again.offer(), ChatIdOf(1), 2, other.Credentials(stranger), kNowMs);
  EXPECT_EQ(again.ReceiveAccept(impostor->accept(), org.Trust(), kNow, kNowMs).error().code, ErrorCode::kUntrustedRoot);
}

TEST(Handshake, MalformedHandshakeMessagesAreRejected) {
  TestOrg org;
  auto counselor = org.Counselor("c-1");
  auto visitor = VisitorHandshake::Start(ChatIdOf(1), 0);
  Bytes offer = visitor.offer();
  for (std::size_t length = 0; length < offer.size(); ++length) {
    auto result = CounselorSession::Accept(ByteView(offer).first(length), ChatIdOf(1), 0, org.Credentials(counselor),
                                           kNowMs);
    ASSERT_FALSE(result);
  }
  auto session = CounselorSession::Accept(offer, ChatIdOf(1), 0, org.Credentials(counselor), kNowMs);
  const Bytes& accept = session->accept();
  for (std::size_t length = 0; length < accept.size(); ++length) {
    auto fresh = VisitorHandshake::Start(ChatIdOf(1), 0);
    EXPECT_FALSE(fresh.ReceiveAccept(ByteView(accept).first(length), org.Trust(), kNow, kNowMs));
  }
  auto visitor_session = visitor.ReceiveAccept(accept, org.Trust(), kNow, kNowMs);
  ASSERT_TRUE(visitor_session);
  Bytes start = visitor_session->stream_start;
  start[6] ^= 1;  // chat id
  EXPECT_EQ(session->ReceiveStreamStart(start).error().code, ErrorCode::kWrongChat);
  EXPECT_TRUE(session->ReceiveStreamStart(visitor_session->stream_start));
  EXPECT_EQ(session->ReceiveStreamStart(visitor_session->stream_start).error().code, ErrorCode::kDuplicateFrame);
}

TEST(Handshake, TamperedStreamHeaderMakesFramesUndecryptable) {
  TestOrg org;
  auto counselor = org.Counselor("c-1");
  auto visitor = VisitorHandshake::Start(ChatIdOf(1), 0);
  auto session = CounselorSession::Accept(visitor.offer(), ChatIdOf(1), 0, org.Credentials(counselor), kNowMs);
  Bytes accept = session->accept();
  accept.back() ^= 1;  // c2v header lies outside the signature
  auto visitor_session = visitor.ReceiveAccept(accept, org.Trust(), kNow, kNowMs);
  ASSERT_TRUE(visitor_session);
  auto frame = session->sender().Push(Text("hi"), kNowMs);
  EXPECT_EQ(visitor_session->receiver.Receive(frame->seq, frame->ciphertext).error().code, ErrorCode::kDecryptFailed);
}

}  // namespace
}  // namespace haven::crypto
