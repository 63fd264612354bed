#include "server/helpline/operator_history.h"

#include <gtest/gtest.h>

namespace haven::helpline {
namespace {

using namespace std::chrono_literals;

TEST(OperatorHistory, QuarterHoursOfTheLastDay) {
  OperatorHistory history;
  core::Instant start{std::chrono::sys_days{std::chrono::year{2027} / 1 / 15}};
  history.Sample(start, 3, 1);
  history.Sample(start + 1min, 5, 2);
  history.Sample(start + 2min, 1, 2);
  history.Answered(start + 3min);
  history.Abandoned(start + 16min);
  auto buckets = history.Buckets();
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets[0].waiting, 5u);  // the most seen, not the last
  EXPECT_EQ(buckets[0].active, 2u);
  EXPECT_EQ(buckets[0].answered, 1u);
  EXPECT_EQ(buckets[1].abandoned, 1u);
  EXPECT_EQ(buckets[1].at - buckets[0].at, 15 * 60);
  history.Sample(start + 25h, 0, 0);
  EXPECT_LE(history.Buckets().size(), OperatorHistory::kBuckets);
  EXPECT_GT(history.Buckets().front().at, buckets.back().at);  // a day later, the old day is gone
}

}  // namespace
}  // namespace haven::helpline
