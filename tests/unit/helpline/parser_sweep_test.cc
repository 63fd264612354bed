// Bad input of any kind, many times over, for what the server reads off a WebSocket: the binary
// envelope and every JSON control message, each mutated at random (tests/unit/mutator.h) and
// replaced by noise. Every input must parse or be refused with a control error code, never
// crash or read out of bounds (the asan preset runs this too). Seeded: a failure names its round.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "server/helpline/control_messages.h"
#include "server/helpline/envelope.h"
#include "tests/unit/mutator.h"

namespace haven::helpline {
namespace {

constexpr int kRounds = 20000;

std::string AsString(const std::vector<std::uint8_t>& bytes) { return std::string(bytes.begin(), bytes.end()); }

template <typename Check>
void Sweep(std::string_view valid, std::uint64_t seed, Check check) {
  haven::testing::Mutator mutator(seed);
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(valid.data()), valid.size());
  for (int round = 0; round < kRounds; ++round) {
    std::string input = AsString(round % 8 == 7 ? mutator.Noise(valid.size() + 16) : mutator.Mutate(bytes));
    SCOPED_TRACE("seed " + std::to_string(seed) + " round " + std::to_string(round));
    check(input);
  }
}

TEST(ParserSweep, Envelope) {
  core::ChatId chat;
  chat.bytes.fill(7);
  const std::string valid[] = {
      EncodeEnvelope({EnvelopeType::kData, chat, 1, 2}, std::string(296, 'c')),
      EncodeEnvelope({EnvelopeType::kAck, chat, 0, 9}),
      EncodeEnvelope({EnvelopeType::kResend, chat, 3, 1}),
  };
  std::uint64_t seed = 1;
  for (const std::string& message : valid) {
    Sweep(message, seed++, [](const std::string& input) {
      auto parsed = ParseEnvelope(input);
      if (!parsed) return;
      // What parses re-encodes to the same bytes: the header is read exactly, the rest is payload.
      const std::string_view payload = std::string_view(input).substr(kEnvelopeHeaderSize);
      EXPECT_EQ(EncodeEnvelope(*parsed, payload), input);
      EXPECT_GE(parsed->seq, 1u);
      EXPECT_LE(payload.size(), kMaxEnvelopePayload);
    });
  }
}

TEST(ParserSweep, VisitorControlMessages) {
  const std::string_view valid[] = {
      R"({"type":"join","profile":{"language":"bg","age_band":"13-17","in_danger":"yes"}})",
      R"({"type":"resume","chat_id":"07070707070707070707070707070707","resume_token":"0101010101010101010101010101010101010101010101010101010101010101"})",
      R"({"type":"leave"})",
  };
  std::uint64_t seed = 10;
  for (std::string_view message : valid) {
    ASSERT_TRUE(ParseVisitorMessage(message)) << message;
    Sweep(message, seed++, [](const std::string& input) {
      auto parsed = ParseVisitorMessage(input);
      if (!parsed) {
        EXPECT_FALSE(ControlErrorName(parsed.error()).empty());
      }
    });
  }
}

TEST(ParserSweep, CounselorControlMessages) {
  const std::string chat = std::string(32, 'a');
  const std::string valid[] = {
      R"({"type":"auth","ticket":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})",
      R"({"type":"duty","state":"available"})",
      R"({"type":"take_next"})",
      R"({"type":"answer_offer","chat_id":")" + chat + R"(","accept":true})",
      R"({"type":"transfer","chat_id":")" + chat + R"(","to":"c-maria"})",
      R"({"type":"answer_transfer","chat_id":")" + chat + R"(","accept":false})",
      R"({"type":"end","chat_id":")" + chat + R"("})",
      R"({"type":"release","chat_id":")" + chat + R"("})",
      R"({"type":"wrap_up","chat_id":")" + chat +
          R"(","categories":["child_witness","psychological_violence"],"age_band":"13-17","outcome":"safety_plan","referral":true})",
      R"({"type":"colleagues"})",
      R"({"type":"watch"})",
  };
  std::uint64_t seed = 20;
  for (const std::string& message : valid) {
    ASSERT_TRUE(ParseCounselorMessage(message)) << message;
    Sweep(message, seed++, [](const std::string& input) {
      auto parsed = ParseCounselorMessage(input);
      if (!parsed) {
        EXPECT_FALSE(ControlErrorName(parsed.error()).empty());
      }
    });
  }
}

}  // namespace
}  // namespace haven::helpline
