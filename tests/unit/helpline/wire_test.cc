// The helpline's wire formats: the binary envelope and the JSON control messages.
#include <gtest/gtest.h>

#include "server/helpline/control_messages.h"
#include "server/helpline/envelope.h"

namespace haven::helpline {
namespace {

core::ChatId Chat(std::uint8_t n) {
  core::ChatId chat;
  chat.bytes.fill(n);
  return chat;
}

TEST(Envelope, RoundTripsAndRejectsMalformedInput) {
  EnvelopeHeader header{EnvelopeType::kData, Chat(7), 3, 0x01020304};
  std::string message = EncodeEnvelope(header, "payload");
  ASSERT_EQ(message.size(), kEnvelopeHeaderSize + 7);
  auto parsed = ParseEnvelope(message);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->chat, Chat(7));
  EXPECT_EQ(parsed->leg, 3);
  EXPECT_EQ(parsed->seq, 0x01020304u);

  for (std::size_t length = 0; length < kEnvelopeHeaderSize + 1; ++length) {
    EXPECT_FALSE(ParseEnvelope(message.substr(0, length))) << length;  // data needs a payload
  }
  EXPECT_TRUE(ParseEnvelope(EncodeEnvelope({EnvelopeType::kAck, Chat(1), 0, 5})));
  EXPECT_FALSE(ParseEnvelope(EncodeEnvelope({EnvelopeType::kAck, Chat(1), 0, 5}, "x")));   // ack has no payload
  EXPECT_FALSE(ParseEnvelope(EncodeEnvelope({EnvelopeType::kData, Chat(1), 0, 0}, "x")));  // seq 0
  EXPECT_FALSE(ParseEnvelope(EncodeEnvelope({EnvelopeType::kData, Chat(1), 0, 1}, std::string(4401, 'x'))));
  std::string unknown = message;
  unknown[0] = 9;
  EXPECT_FALSE(ParseEnvelope(unknown));
}

TEST(ControlMessages, VisitorMessagesParse) {
  auto join = ParseVisitorMessage(R"({"type":"join","profile":{"language":"bg","age_band":"13-17","in_danger":"yes"}})");
  ASSERT_TRUE(join);
  auto& profile = std::get<JoinRequest>(*join).profile;
  EXPECT_EQ(profile.language, core::Language::kBulgarian);
  EXPECT_EQ(profile.age_band, core::AgeBand::k13To17);
  EXPECT_EQ(profile.in_danger, core::DangerAnswer::kYes);
  auto quiet = ParseVisitorMessage(R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""}})");
  ASSERT_TRUE(quiet);
  EXPECT_EQ(std::get<JoinRequest>(*quiet).profile, core::VisitorProfile{});
  EXPECT_TRUE(std::get<JoinRequest>(*quiet).solution.empty());
  auto solved = ParseVisitorMessage(
      R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""},"solution":[0,77,4294967295]})");
  ASSERT_TRUE(solved);
  EXPECT_EQ(std::get<JoinRequest>(*solved).solution, (std::vector<std::uint32_t>{0, 77, 4294967295u}));
  EXPECT_TRUE(ParseVisitorMessage(R"({"type":"leave"})"));
  auto resume = ParseVisitorMessage(std::string(R"({"type":"resume","chat_id":")") + std::string(32, 'a') +
                                    R"(","resume_token":")" + std::string(64, '0') + R"("})");
  ASSERT_TRUE(resume);
  EXPECT_EQ(std::get<ResumeRequest>(*resume).chat.bytes[0], 0xaa);
}

// A sweep of malformed control messages: each is refused with a code, none is guessed at.
TEST(ControlMessages, MalformedVisitorMessagesAreRefused) {
  const char* bad[] = {
      "",
      "not json",
      "[]",
      "42",
      R"({"profile":{}})",
      R"({"type":7})",
      R"({"type":"join"})",
      R"({"type":"join","profile":{"language":"bg","age_band":"13-17"}})",
      R"({"type":"join","profile":{"language":"fr","age_band":"","in_danger":""}})",
      R"({"type":"join","profile":{"language":"bg","age_band":"12","in_danger":""}})",
      R"({"type":"join","profile":{"language":"bg","age_band":"","in_danger":"maybe"}})",
      R"({"type":"join","profile":{"language":"bg","age_band":"","in_danger":"","name":"Ana"}})",
      R"({"type":"join","profile":{"language":"bg","age_band":"","in_danger":""},"extra":1})",
      R"({"type":"resume","chat_id":"zz","resume_token":"00"})",
      R"({"type":"resume","chat_id":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","resume_token":"0000000000000000000000000000000000000000000000000000000000000000"})",
      R"({"type":"leave","why":"x"})",
      R"({"type":"join","profile":[[[[[[[[[[[[1]]]]]]]]]]]]})",
      R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""},"solution":[]})",
      R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""},"solution":[-1]})",
      R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""},"solution":[4294967296]})",
      R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""},"solution":["77"]})",
      R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""},"solution":[7.5]})",
      R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""},"solution":77})",
      R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""},"solution":null})",
  };
  for (const char* text : bad) {
    auto parsed = ParseVisitorMessage(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error(), ControlError::kBadMessage) << text;
  }
  auto unknown = ParseVisitorMessage(R"({"type":"hello"})");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), ControlError::kUnknownType);
}

TEST(ControlMessages, CounselorMessagesParseStrictly) {
  std::string chat(32, '1');
  EXPECT_TRUE(ParseCounselorMessage(R"({"type":"auth","ticket":")" + std::string(64, 'f') + R"("})"));
  EXPECT_TRUE(ParseCounselorMessage(R"({"type":"duty","state":"away"})"));
  EXPECT_TRUE(ParseCounselorMessage(R"({"type":"take_next"})"));
  EXPECT_TRUE(ParseCounselorMessage(R"({"type":"answer_offer","chat_id":")" + chat + R"(","accept":true})"));
  EXPECT_TRUE(ParseCounselorMessage(R"({"type":"transfer","chat_id":")" + chat + R"(","to":"c-2"})"));
  // A handover note (§8.1) is opaque: only its size and its hex are checked.
  auto noted = ParseCounselorMessage(R"({"type":"transfer","chat_id":")" + chat + R"(","to":"c-2","note":")" +
                                     std::string(2 * kMinHandoverNoteBytes, 'a') + R"("})");
  ASSERT_TRUE(noted);
  EXPECT_EQ(std::get<TransferRequest>(*noted).note, std::vector<std::uint8_t>(kMinHandoverNoteBytes, 0xaa));
  EXPECT_TRUE(std::get<TransferRequest>(*ParseCounselorMessage(R"({"type":"transfer","chat_id":")" + chat +
                                                               R"(","to":"c-2"})"))
                  .note.empty());
  EXPECT_TRUE(ParseCounselorMessage(R"({"type":"end","chat_id":")" + chat + R"("})"));
  auto release = ParseCounselorMessage(R"({"type":"release","chat_id":")" + chat + R"("})");
  ASSERT_TRUE(release);
  EXPECT_TRUE(std::holds_alternative<ReleaseRequest>(*release));
  EXPECT_FALSE(ParseCounselorMessage(R"({"type":"release","chat_id":")" + chat + R"(","extra":1})"));
  auto wrap = ParseCounselorMessage(R"({"type":"wrap_up","chat_id":")" + chat +
                                    R"(","categories":["physical_violence","child_witness"],"age_band":"26-40","outcome":"support_given","referral":true})");
  ASSERT_TRUE(wrap);
  EXPECT_EQ(std::get<WrapUpRequest>(*wrap).categories.size(), 2u);
  const std::string bad[] = {
      R"({"type":"duty","state":"sleeping"})",
      R"({"type":"answer_offer","chat_id":")" + chat + R"(","accept":"yes"})",
      R"({"type":"answer_offer","chat_id":")" + chat + R"("})",
      R"({"type":"transfer","chat_id":")" + chat + R"(","to":""})",
      R"({"type":"transfer","chat_id":")" + chat + R"(","to":"c-2","note":")" + std::string(2 * kMinHandoverNoteBytes - 2, 'a') + R"("})",
      R"({"type":"transfer","chat_id":")" + chat + R"(","to":"c-2","note":")" + std::string(2 * kMaxHandoverNoteBytes + 2, 'a') + R"("})",
      R"({"type":"transfer","chat_id":")" + chat + R"(","to":"c-2","note":")" + std::string(2 * kMinHandoverNoteBytes, 'A') + R"("})",
      R"({"type":"transfer","chat_id":")" + chat + R"(","to":"c-2","note":""})",
      R"({"type":"transfer","chat_id":")" + chat + R"(","to":"c-2","note":null})",
      R"({"type":"end","chat_id":"12"})",
      R"({"type":"wrap_up","chat_id":")" + chat + R"(","categories":["Bad Code"],"age_band":"","outcome":"x","referral":false})",
      R"({"type":"wrap_up","chat_id":")" + chat + R"(","categories":[],"age_band":"","outcome":"x","referral":false,"notes":"free text"})",
      R"({"type":"auth","ticket":"00"})",
  };
  for (const auto& text : bad) {
    auto parsed = ParseCounselorMessage(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error(), ControlError::kBadMessage) << text;
  }
}

}  // namespace
}  // namespace haven::helpline
