#include "storage/stats_store.h"

#include <chrono>
#include <map>

#include "storage/iso_week.h"
#include "tests/unit/storage/stores_fixture.h"

namespace haven::storage {
namespace {

using StatsStoreTest = testing::StoresTest;

StatsEvent Event(std::string outcome, std::optional<std::uint64_t> wait = std::nullopt,
                 std::optional<std::uint64_t> handling = std::nullopt) {
  return {testing::kStart, "violence", "adult", "bg", std::move(outcome), wait, handling};
}

TEST_F(StatsStoreTest, CellsBelowFiveAreSuppressedNeverShown) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(stores_.stats().Record(Event("referred")));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(stores_.stats().Record(Event("listened")));
  ASSERT_TRUE(stores_.stats().Record(Event("ended-early")));
  std::uint32_t week = IsoWeek(testing::kStart);
  auto report = stores_.stats().Report(week, week);
  ASSERT_TRUE(report) << report.error().ToString();
  ASSERT_EQ(report->cells.size(), 3u);
  std::map<std::string, std::optional<std::uint64_t>> by_outcome;
  for (const auto& cell : report->cells) {
    EXPECT_EQ(cell.week, week);
    EXPECT_EQ(cell.category, "violence");
    EXPECT_EQ(cell.age_band, "adult");
    EXPECT_EQ(cell.language, "bg");
    by_outcome[cell.outcome] = cell.count;
  }
  EXPECT_EQ(by_outcome["referred"], 5u);
  EXPECT_EQ(by_outcome["listened"], std::nullopt);
  EXPECT_EQ(by_outcome["ended-early"], std::nullopt);
}

// Two weeks of three chats each: every week alone is suppressed, their month is not.
TEST_F(StatsStoreTest, MonthsSumRawCountsBeforeSuppressing) {
  std::uint64_t week_later = testing::kStart + 7 * 86400;
  ASSERT_EQ(MonthOfIsoWeek(IsoWeek(testing::kStart)), MonthOfIsoWeek(IsoWeek(week_later)));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(stores_.stats().Record(Event("referred", 20)));
    StatsEvent later = Event("referred", 20);
    later.time = week_later;
    ASSERT_TRUE(stores_.stats().Record(later));
  }
  std::uint32_t first = IsoWeek(testing::kStart), second = IsoWeek(week_later);
  auto weekly = stores_.stats().Report(first, second);
  ASSERT_TRUE(weekly);
  ASSERT_EQ(weekly->cells.size(), 2u);
  EXPECT_EQ(weekly->cells[0].count, std::nullopt);
  EXPECT_EQ(weekly->cells[1].count, std::nullopt);
  auto monthly = stores_.stats().Report(first, second, StatsPeriod::kMonth);
  ASSERT_TRUE(monthly);
  ASSERT_EQ(monthly->cells.size(), 1u);
  EXPECT_EQ(monthly->cells[0].week, MonthOfIsoWeek(first));
  EXPECT_EQ(monthly->cells[0].count, 6u);
  ASSERT_EQ(monthly->histograms.size(), 1u);
  EXPECT_EQ(monthly->histograms[0].buckets[0], 6u);
}

TEST(IsoWeek, MonthsAndTextsRoundTrip) {
  EXPECT_EQ(MonthOfIsoWeek(202501), 202501u);
  EXPECT_EQ(MonthOfIsoWeek(202601), 202601u);  // starts 2025-12-29, its Thursday is 2026-01-01
  EXPECT_EQ(MonthOfIsoWeek(202005), 202001u);  // 2020-W05: Thursday 30 January
  EXPECT_EQ(MonthOfIsoWeek(202006), 202002u);
  EXPECT_EQ(ParseIsoWeek("2025-W03"), 202503u);
  EXPECT_EQ(IsoWeekText(*ParseIsoWeek("2025-W53")), "2025-W53");
  for (const char* bad : {"2025-W00", "2025-W54", "2025W03", "2025-W3", "2025-W03x", "abcd-W03"}) {
    EXPECT_FALSE(ParseIsoWeek(bad)) << bad;
  }
  EXPECT_EQ(MonthText(202512), "2025-12");
}

TEST_F(StatsStoreTest, HistogramsCountWaitAndHandlingInFixedBuckets) {
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(stores_.stats().Record(Event("referred", 20, 1000)));
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(stores_.stats().Record(Event("referred", 5000, 100000)));
  std::uint32_t week = IsoWeek(testing::kStart);
  auto report = stores_.stats().Report(week, week);
  ASSERT_TRUE(report);
  ASSERT_EQ(report->histograms.size(), 2u);
  const auto& wait = report->histograms[0];
  EXPECT_EQ(wait.kind, HistogramKind::kWait);
  EXPECT_EQ(wait.buckets[0], 6u);                    // <= 30 s
  EXPECT_EQ(wait.buckets[1], 0u);
  EXPECT_EQ(wait.buckets[8], std::nullopt);          // > 3600 s: 2, suppressed
  const auto& handling = report->histograms[1];
  EXPECT_EQ(handling.kind, HistogramKind::kHandling);
  EXPECT_EQ(handling.buckets[2], 6u);                // <= 1200 s
  EXPECT_EQ(handling.buckets[8], std::nullopt);
}

TEST_F(StatsStoreTest, ReportCoversExactlyTheWeeksAsked) {
  ASSERT_TRUE(stores_.stats().Record(Event("referred")));
  StatsEvent next_week = Event("referred");
  next_week.time += 7 * kSecondsPerDay;
  ASSERT_TRUE(stores_.stats().Record(next_week));
  std::uint32_t week = IsoWeek(testing::kStart);
  std::uint32_t following = IsoWeek(next_week.time);
  EXPECT_EQ(stores_.stats().Report(week, week)->cells.size(), 1u);
  EXPECT_EQ(stores_.stats().Report(following, following)->cells.size(), 1u);
  EXPECT_EQ(stores_.stats().Report(week, following)->cells.size(), 2u);
  EXPECT_EQ(stores_.stats().Report(following + 1, following + 50)->cells.size(), 0u);
}

TEST_F(StatsStoreTest, LabelsMustComeFromAVocabularyNotFreeText) {
  StatsEvent free_text = Event("she said her husband");
  EXPECT_EQ(stores_.stats().Record(free_text).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(stores_.stats().Record(Event("")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(stores_.stats().Record(Event(std::string(33, 'a'))).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(StatsStoreTest, CountersExpireAfterFiveYears) {
  ASSERT_TRUE(stores_.stats().Record(Event("referred")));
  std::uint32_t week = IsoWeek(testing::kStart);
  clock_.Advance(1826 * kSecondsPerDay - 1);
  EXPECT_EQ(stores_.stats().Report(week, week)->cells.size(), 1u);
  clock_.Advance(1);
  EXPECT_EQ(stores_.stats().Report(week, week)->cells.size(), 0u);
}

TEST(IsoWeek, MatchesTheCalendar) {
  auto at = [](int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return static_cast<std::uint64_t>(sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count()) * 86400 + 43200;
  };
  EXPECT_EQ(IsoWeek(at(2025, 6, 15)), 202524u);
  EXPECT_EQ(IsoWeek(at(2025, 6, 16)), 202525u);  // Monday starts a week
  EXPECT_EQ(IsoWeek(at(2021, 1, 3)), 202053u);   // belongs to 2020's week 53
  EXPECT_EQ(IsoWeek(at(2024, 12, 30)), 202501u);  // belongs to 2025's week 1
  EXPECT_EQ(IsoWeek(at(2026, 1, 1)), 202601u);
  EXPECT_EQ(IsoWeek(0), 197001u);
  EXPECT_EQ(IsoWeekText(202503), "2025-W03");
}

}  // namespace
}  // namespace haven::storage
