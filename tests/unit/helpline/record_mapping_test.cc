// How an ended chat becomes what storage keeps: here, its one statistics event.
#include "server/helpline/record_mapping.h"

#include <gtest/gtest.h>

namespace haven::helpline {
namespace {

using namespace std::chrono_literals;

core::ConversationRecord EndedChat() {
  core::ConversationRecord record;
  record.state = core::ChatState::kEnded;
  record.profile = {core::Language::kBulgarian, core::AgeBand::kUnspecified, core::DangerAnswer::kNo};
  record.queued_at = core::Instant(std::chrono::sys_days{std::chrono::year{2027} / 1 / 15});
  record.accepted_at = record.queued_at + 40s;
  record.ended_at = record.queued_at + 1000s;
  record.end_reason = core::EndReason::kCounselorEnded;
  return record;
}

// A chat with two topics is one conversation: one event carrying both topics and its times once.
TEST(RecordMapping, OneStatisticsEventPerChatWithEveryTopic) {
  WrapUpRequest wrap_up{{}, {"physical_violence", "online_violence"}, core::AgeBand::k13To17, "support_given", false};
  auto record = EndedChat();
  storage::StatsEvent event = StatsEventFor(record, &wrap_up, *record.ended_at + 5s);
  EXPECT_EQ(event.categories, (std::vector<std::string>{"physical_violence", "online_violence"}));
  EXPECT_EQ(event.age_band, "13-17");  // the wrap-up's answer wins over the unanswered pre-chat one
  EXPECT_EQ(event.language, "bg");
  EXPECT_EQ(event.outcome, "support_given");
  EXPECT_EQ(event.time, UnixSeconds(*record.ended_at));
  EXPECT_EQ(event.wait_seconds, 40u);
  EXPECT_EQ(event.handling_seconds, 960u);
}

TEST(RecordMapping, AChatWithoutAWrapUpIsUncategorisedWithItsEndReason) {
  auto record = EndedChat();
  record.accepted_at.reset();
  record.end_reason = core::EndReason::kAbandoned;
  storage::StatsEvent event = StatsEventFor(record, nullptr, *record.ended_at);
  EXPECT_EQ(event.categories, std::vector<std::string>{"uncategorised"});
  EXPECT_EQ(event.age_band, "unspecified");
  EXPECT_EQ(event.outcome, "abandoned");
  EXPECT_FALSE(event.wait_seconds);
  EXPECT_FALSE(event.handling_seconds);
  WrapUpRequest no_topics{{}, {}, core::AgeBand::kUnspecified, "support_given", false};
  EXPECT_EQ(StatsEventFor(EndedChat(), &no_topics, *record.ended_at).categories, std::vector<std::string>{"uncategorised"});
}

}  // namespace
}  // namespace haven::helpline
