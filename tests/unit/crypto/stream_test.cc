#include "crypto/stream.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/unit/crypto/test_org.h"

namespace haven::crypto {
namespace {

constexpr std::uint64_t kStartMs = 1'800'000'000'000;

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitSodium()); }
  SecretBytes key_ = SecretBytes::Random(32);
  StreamContext context_{testing::ChatIdOf(9), 0, Direction::kCounselorToVisitor};
  StreamSender sender_{key_, context_, kStartMs};
  StreamReceiver NewReceiver() { return StreamReceiver(key_, sender_.header(), context_); }

  StreamSender::Frame Push(std::string text, std::uint64_t at_ms = kStartMs) {
    return *sender_.Push(Message{at_ms, TextMessage{std::move(text)}}, at_ms);
  }
};

TEST_F(StreamTest, RekeysEverySixteenMessagesAndFinalEnds) {
  auto receiver = NewReceiver();
  for (int i = 1; i <= 40; ++i) {
    auto frame = Push("message " + std::to_string(i));
    EXPECT_EQ(frame.tag, i % 16 == 0 ? StreamTag::kRekey : StreamTag::kMessage) << i;
    auto got = receiver.Receive(frame.seq, frame.ciphertext);
    ASSERT_TRUE(got) << i;
    EXPECT_EQ(got->tag, frame.tag);
  }
  auto end = sender_.Push(Message{kStartMs, EndMessage{EndReason::kEnded}}, kStartMs);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->tag, StreamTag::kFinal);
  EXPECT_FALSE(sender_.Push(Message{kStartMs, TextMessage{"after end"}}, kStartMs));
  EXPECT_FALSE(receiver.CheckComplete());
  ASSERT_TRUE(receiver.Receive(end->seq, end->ciphertext));
  EXPECT_TRUE(receiver.CheckComplete());
  EXPECT_TRUE(receiver.finished());
}

TEST_F(StreamTest, RekeysAfterFiveMinutes) {
  auto receiver = NewReceiver();
  auto first = Push("one", kStartMs + 1000);
  EXPECT_EQ(first.tag, StreamTag::kMessage);
  auto late = Push("two", kStartMs + kRekeyEveryMs);
  EXPECT_EQ(late.tag, StreamTag::kRekey);
  auto next = Push("three", kStartMs + kRekeyEveryMs + 1000);
  EXPECT_EQ(next.tag, StreamTag::kMessage);
  for (auto* frame : {&first, &late, &next}) ASSERT_TRUE(receiver.Receive(frame->seq, frame->ciphertext));
}

TEST_F(StreamTest, CiphertextSizesAreBlockPadded) {
  EXPECT_EQ(Push("x").ciphertext.size(), 256 + kStreamOverhead);
  EXPECT_EQ(Push(std::string(300, 'y')).ciphertext.size(), 512 + kStreamOverhead);
  EXPECT_EQ(Push(std::string(kMaxTextBytes, 'z')).ciphertext.size(), 4096 + kStreamOverhead);
  EXPECT_EQ(sender_.Push(Message{0, TextMessage{std::string(kMaxTextBytes + 1, 'z')}}, kStartMs).error().code,
            ErrorCode::kMessageTooLong);
}

// Flipping any single bit of any recorded frame is rejected, and the genuine frame then opens.
TEST_F(StreamTest, EverySingleBitFlipIsRejectedAndTheStreamContinues) {
  std::vector<StreamSender::Frame> frames;
  for (int i = 0; i < 17; ++i) frames.push_back(Push("frame " + std::to_string(i)));  // includes a rekey
  frames.push_back(*sender_.Push(Message{kStartMs, EndMessage{EndReason::kEnded}}, kStartMs));
  auto receiver = NewReceiver();
  int rejected = 0;
  for (const auto& frame : frames) {
    for (std::size_t bit = 0; bit < frame.ciphertext.size() * 8; ++bit) {
      Bytes tampered = frame.ciphertext;
      tampered[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      auto result = receiver.Receive(frame.seq, tampered);
      ASSERT_FALSE(result) << "seq " << frame.seq << " bit " << bit;
      ASSERT_EQ(result.error().code, ErrorCode::kDecryptFailed);
      ++rejected;
    }
    ASSERT_TRUE(receiver.Receive(frame.seq, frame.ciphertext)) << frame.seq;
  }
  EXPECT_TRUE(receiver.CheckComplete());
  EXPECT_GT(rejected, 18 * 2000);
}

TEST_F(StreamTest, FrameMovedToAnotherPositionChatOrDirectionFails) {
  auto frame = Push("hello");
  auto receiver = NewReceiver();
  StreamContext other_chat = context_;
  other_chat.chat_id[0] ^= 1;
  StreamReceiver wrong_chat(key_, sender_.header(), other_chat);
  EXPECT_EQ(wrong_chat.Receive(frame.seq, frame.ciphertext).error().code, ErrorCode::kDecryptFailed);
  StreamContext other_leg = context_;
  other_leg.leg = 1;
  StreamReceiver wrong_leg(key_, sender_.header(), other_leg);
  EXPECT_EQ(wrong_leg.Receive(frame.seq, frame.ciphertext).error().code, ErrorCode::kDecryptFailed);
  EXPECT_TRUE(receiver.Receive(frame.seq, frame.ciphertext));
}

TEST_F(StreamTest, ReorderDuplicateAndGapAreDetected) {
  auto a = Push("a"), b = Push("b"), c = Push("c");
  auto receiver = NewReceiver();
  EXPECT_EQ(receiver.Receive(b.seq, b.ciphertext).error().code, ErrorCode::kFrameGap);  // reorder / drop
  ASSERT_TRUE(receiver.Receive(a.seq, a.ciphertext));
  EXPECT_EQ(receiver.Receive(a.seq, a.ciphertext).error().code, ErrorCode::kDuplicateFrame);
  // A server that renumbers a frame to skip the check still cannot make it decrypt.
  EXPECT_EQ(receiver.Receive(b.seq, c.ciphertext).error().code, ErrorCode::kDecryptFailed);
  ASSERT_TRUE(receiver.Receive(b.seq, b.ciphertext));
  ASSERT_TRUE(receiver.Receive(c.seq, c.ciphertext));
  EXPECT_EQ(receiver.next_seq(), c.seq + 1);
}

TEST_F(StreamTest, TruncationWithoutFinalIsDetected) {
  auto receiver = NewReceiver();
  auto a = Push("a");
  ASSERT_TRUE(receiver.Receive(a.seq, a.ciphertext));
  EXPECT_EQ(receiver.CheckComplete().error().code, ErrorCode::kTruncated);
}

TEST_F(StreamTest, AfterFinalEverythingIsStreamFinished) {
  auto receiver = NewReceiver();
  auto end = *sender_.Push(Message{kStartMs, EndMessage{EndReason::kTransferred}}, kStartMs);
  ASSERT_TRUE(receiver.Receive(end.seq, end.ciphertext));
  EXPECT_EQ(receiver.Receive(end.seq + 1, end.ciphertext).error().code, ErrorCode::kStreamFinished);
  // The FINAL frame again (its ack was lost) is a duplicate to acknowledge, not an error.
  EXPECT_EQ(receiver.Receive(end.seq, end.ciphertext).error().code, ErrorCode::kDuplicateFrame);
}

TEST_F(StreamTest, VisitorMayNotSendTransfer) {
  StreamContext visitor_context{testing::ChatIdOf(9), 0, Direction::kVisitorToCounselor};
  StreamSender visitor(key_, visitor_context, kStartMs);
  StreamReceiver counselor(key_, visitor.header(), visitor_context);
  auto frame = visitor.Push(Message{kStartMs, TransferMessage{1, Bytes{1, 2, 3}}}, kStartMs);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->seq, 3u);
  EXPECT_EQ(counselor.Receive(frame->seq, frame->ciphertext).error().code, ErrorCode::kBadMessage);
}

TEST_F(StreamTest, EachSideSendsOnlyItsOwnKinds) {
  StreamContext visitor_context{testing::ChatIdOf(9), 0, Direction::kVisitorToCounselor};
  Message history{kStartMs, HistoryMessage{{{HistorySpeaker::kVisitor, 1, "hi"}}}};
  Message quick_exit{kStartMs, EndMessage{EndReason::kQuickExit}};
  for (const Message& message : {history, quick_exit}) {
    // From the visitor: delivered.
    StreamSender visitor(key_, visitor_context, kStartMs);
    StreamReceiver counselor(key_, visitor.header(), visitor_context);
    auto frame = visitor.Push(message, kStartMs);
    ASSERT_TRUE(frame);
    auto delivered = counselor.Receive(frame->seq, frame->ciphertext);
    ASSERT_TRUE(delivered);
    EXPECT_EQ(delivered->message, message);
    // From a counselor: the visitor's widget drops the stream.
    StreamSender counselor_sender(key_, context_, kStartMs);
    StreamReceiver receiver(key_, counselor_sender.header(), context_);
    auto wrong = counselor_sender.Push(message, kStartMs);
    ASSERT_TRUE(wrong);
    EXPECT_EQ(receiver.Receive(wrong->seq, wrong->ciphertext).error().code, ErrorCode::kBadMessage);
  }
}

TEST(Message, HistoryGrammar) {
  std::string longest(kMaxTextBytes, 'x');
  Message two{7, HistoryMessage{{{HistorySpeaker::kVisitor, 100, "Помогнете"}, {HistorySpeaker::kCounselor, 200, "Тук съм."}}}};
  EXPECT_EQ(*ParseMessage(*EncodeMessage(two)), two);
  Message one_long{7, HistoryMessage{{{HistorySpeaker::kCounselor, 1, longest}}}};
  EXPECT_EQ(*ParseMessage(*EncodeMessage(one_long)), one_long);
  // At most 4095 bytes: 9 + (11 + 4000) + (11 + 64) fits, one byte more must be split.
  Message fits{7, HistoryMessage{{{HistorySpeaker::kVisitor, 1, longest}, {HistorySpeaker::kVisitor, 2, std::string(64, 'y')}}}};
  EXPECT_TRUE(EncodeMessage(fits));
  Message too_big{7, HistoryMessage{{{HistorySpeaker::kVisitor, 1, longest}, {HistorySpeaker::kVisitor, 2, std::string(65, 'y')}}}};
  EXPECT_EQ(EncodeMessage(too_big).error().code, ErrorCode::kMessageTooLong);
  EXPECT_EQ(EncodeMessage(Message{7, HistoryMessage{}}).error().code, ErrorCode::kBadMessage);
  EXPECT_EQ(EncodeMessage(Message{7, HistoryMessage{{{HistorySpeaker::kVisitor, 1, ""}}}}).error().code,
            ErrorCode::kBadMessage);
  Bytes wire = *EncodeMessage(two);
  Bytes bad_from = wire;
  bad_from[9] = 3;  // the first entry's speaker
  EXPECT_FALSE(ParseMessage(bad_from));
  Bytes trailing = wire;
  trailing.push_back(1);
  EXPECT_FALSE(ParseMessage(trailing));
  Bytes cut = wire;
  cut.pop_back();
  EXPECT_FALSE(ParseMessage(cut));
  Bytes empty_history(wire.begin(), wire.begin() + 9);  // kind and sent_at only
  EXPECT_FALSE(ParseMessage(empty_history));
}

TEST(Message, GrammarRoundTripAndRejection) {
  Message text{42, TextMessage{"Здравей"}};
  EXPECT_EQ(*ParseMessage(*EncodeMessage(text)), text);
  Message transfer{43, TransferMessage{2, Bytes{9, 9, 9}}};
  EXPECT_EQ(*ParseMessage(*EncodeMessage(transfer)), transfer);
  Message end{44, EndMessage{EndReason::kTransferred}};
  EXPECT_EQ(*ParseMessage(*EncodeMessage(end)), end);
  EXPECT_EQ(EncodeMessage(Message{0, TextMessage{""}}).error().code, ErrorCode::kBadMessage);
  EXPECT_EQ(EncodeMessage(Message{0, TextMessage{"\xff"}}).error().code, ErrorCode::kBadMessage);
  Bytes unknown_kind = *EncodeMessage(text);
  unknown_kind[0] = 9;
  EXPECT_FALSE(ParseMessage(unknown_kind));
  Bytes bad_reason = *EncodeMessage(end);
  bad_reason.back() = 4;
  EXPECT_FALSE(ParseMessage(bad_reason));
  bad_reason.back() = 0;
  EXPECT_FALSE(ParseMessage(bad_reason));
  Bytes short_transfer = *EncodeMessage(transfer);
  short_transfer.pop_back();
  EXPECT_FALSE(ParseMessage(short_transfer));
}

}  // namespace
}  // namespace haven::crypto
