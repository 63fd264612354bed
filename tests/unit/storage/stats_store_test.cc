#include "storage/stats_store.h"

#include <chrono>
#include <map>
#include <set>

#include "storage/iso_week.h"
#include "storage/record_codec.h"
#include "tests/unit/storage/stores_fixture.h"

namespace haven::storage {
namespace {

using StatsStoreTest = testing::StoresTest;
using Shown = std::optional<std::uint64_t>;
constexpr auto kHidden = std::nullopt;

StatsEvent Event(std::string outcome, std::optional<std::uint64_t> wait = std::nullopt,
                 std::optional<std::uint64_t> handling = std::nullopt) {
  return {testing::kStart, {"violence"}, "adult", "bg", std::move(outcome), wait, handling};
}

// One period's table of `dimension`: value -> count as reported.
std::map<std::string, Shown> Table(const StatsReport& report, StatsDimension dimension, std::uint32_t period) {
  std::map<std::string, Shown> table;
  for (const auto& cell : report.counts) {
    if (cell.dimension == dimension && cell.period == period) table[cell.value] = cell.count;
  }
  return table;
}

Shown Conversations(const StatsReport& report, std::uint32_t period) {
  return Table(report, StatsDimension::kConversations, period).at("");
}

class StatsReportTest : public StatsStoreTest {
 protected:
  void Record(int times, const StatsEvent& event) {
    for (int i = 0; i < times; ++i) ASSERT_TRUE(stores_.stats().Record(event));
  }
  StatsReport WeekReport() {
    auto report = stores_.stats().Report(week_, week_);
    EXPECT_TRUE(report) << report.error().ToString();
    return report ? *report : StatsReport{};
  }
  std::uint32_t week_ = IsoWeek(testing::kStart);
};

TEST_F(StatsReportTest, AChatWithTwoTopicsCountsOnceAndOnceInEachTopic) {
  StatsEvent two_topics = Event("referred");
  two_topics.categories = {"violence", "stalking", "violence"};  // a repeat counts once
  Record(5, two_topics);
  auto report = WeekReport();
  EXPECT_EQ(report.periods, std::vector<std::uint32_t>{week_});
  EXPECT_EQ(Conversations(report, week_), 5u);
  EXPECT_EQ(Table(report, StatsDimension::kCategory, week_), (std::map<std::string, Shown>{{"stalking", 5}, {"violence", 5}}));
  EXPECT_EQ(Table(report, StatsDimension::kAgeBand, week_), (std::map<std::string, Shown>{{"adult", 5}}));
  EXPECT_EQ(Table(report, StatsDimension::kLanguage, week_), (std::map<std::string, Shown>{{"bg", 5}}));
  EXPECT_EQ(Table(report, StatsDimension::kOutcome, week_), (std::map<std::string, Shown>{{"referred", 5}}));
  // Tables in their fixed order.
  ASSERT_EQ(report.counts.size(), 6u);
  EXPECT_EQ(report.counts.front().dimension, StatsDimension::kConversations);
  EXPECT_EQ(report.counts.back().dimension, StatsDimension::kOutcome);
}

// What the store holds: one sealed record per week under a keyed name, whose counters keep one
// dimension each, never a combination of two; and no label, week or count in any key or value
// as stored (before data format 2 the keys read "outcome=referred", one write per increment).
TEST_F(StatsReportTest, TheStoreKeepsOneSealedRecordPerWeekAndOneDimensionPerCounter) {
  StatsEvent two_topics = Event("canaryoutcome", 20, 400);
  two_topics.categories = {"canarytopic", "stalking"};
  two_topics.language = "canarylanguage";
  Record(1, two_topics);
  std::size_t records = 0;
  auto scanned = stores_.records().ForEach(Family::kStats, KeyRange::All(), [&](ByteView key, const Result<storage::Record>& record) {
    ++records;
    EXPECT_EQ(Bytes(key.begin(), key.end()), stores_.stats().WeekKey(week_));
    auto reader = RecordReader::Parse(RecordType::kStatsWeek, record->payload.bytes());
    EXPECT_TRUE(reader);
    for (const auto& label : reader->TextList("labels")) {
      EXPECT_EQ(label[1], ':') << label;  // "<one dimension>:<one value>"
    }
    EXPECT_EQ(reader->TextList("labels"), (std::vector<std::string>{"1:", "2:canarytopic", "2:stalking", "3:adult", "4:canarylanguage", "5:canaryoutcome"}));
    EXPECT_EQ(record->payload.size() % 1024, 0u) << "padded, so that a new label does not show in the size";
    return true;
  });
  ASSERT_TRUE(scanned);
  EXPECT_EQ(records, 1u);
  // As stored: nothing readable.
  std::string raw;
  ASSERT_TRUE(store_.ForEach(Family::kStats, KeyRange::All(), [&](ByteView key, ByteView value) {
    raw += std::string(crypto::AsText(key)) + std::string(crypto::AsText(value));
    return true;
  }));
  for (const char* canary : {"canarytopic", "canaryoutcome", "canarylanguage", "stalking", "adult"}) {
    EXPECT_EQ(raw.find(canary), std::string::npos) << canary;
  }
}

TEST_F(StatsReportTest, CountsBelowFiveAreSuppressedAndZeroIsShown) {
  Record(5, Event("referred"));
  Record(4, Event("listened"));
  Record(1, Event("ended-early"));
  StatsEvent next_week = Event("abandoned");
  next_week.time += 7 * kSecondsPerDay;
  Record(1, next_week);
  auto report = WeekReport();
  EXPECT_EQ(Conversations(report, week_), 10u);
  // The hidden cells add up to five: nothing more to hide. A value seen only in another week
  // of the report is 0 here and shown as 0.
  EXPECT_EQ(Table(report, StatsDimension::kOutcome, week_),
            (std::map<std::string, Shown>{{"referred", 5}, {"listened", kHidden}, {"ended-early", kHidden}}));
  auto two_weeks = stores_.stats().Report(week_, IsoWeek(next_week.time));
  ASSERT_TRUE(two_weeks);
  EXPECT_EQ(Table(*two_weeks, StatsDimension::kOutcome, week_).at("abandoned"), 0u);
  EXPECT_EQ(Conversations(*two_weeks, IsoWeek(next_week.time)), kHidden);
}

// Seven chats, one of them "listened": total 7 minus referred 6 would give it away, so
// referred, the smallest other cell, is hidden too. Categories do not add up to the total.
TEST_F(StatsReportTest, OneHiddenCellBesideAShownTotalHidesASecond) {
  Record(6, Event("referred"));
  StatsEvent other = Event("listened");
  other.categories = {"stalking"};
  Record(1, other);
  auto report = WeekReport();
  EXPECT_EQ(Conversations(report, week_), 7u);
  EXPECT_EQ(Table(report, StatsDimension::kOutcome, week_),
            (std::map<std::string, Shown>{{"listened", kHidden}, {"referred", kHidden}}));
  EXPECT_EQ(Table(report, StatsDimension::kCategory, week_),
            (std::map<std::string, Shown>{{"stalking", kHidden}, {"violence", 6}}))
      << "category: primary suppression only";
  EXPECT_EQ(Table(report, StatsDimension::kAgeBand, week_), (std::map<std::string, Shown>{{"adult", 7}}));
}

TEST_F(StatsReportTest, TheSmallestOtherCellIsHiddenAndZerosAreNot) {
  Record(9, Event("referred"));
  Record(6, Event("listened"));
  Record(1, Event("ended-early"));
  StatsEvent english = Event("referred");
  english.language = "en";
  Record(7, english);
  StatsEvent next_week = Event("abandoned");
  next_week.time += 7 * kSecondsPerDay;
  Record(5, next_week);
  auto report = stores_.stats().Report(week_, IsoWeek(next_week.time));
  ASSERT_TRUE(report);
  EXPECT_EQ(Conversations(*report, week_), 23u);
  EXPECT_EQ(Table(*report, StatsDimension::kOutcome, week_),
            (std::map<std::string, Shown>{{"abandoned", 0}, {"ended-early", kHidden}, {"listened", kHidden}, {"referred", 16}}));
  EXPECT_EQ(Table(*report, StatsDimension::kLanguage, week_), (std::map<std::string, Shown>{{"bg", 16}, {"en", 7}}));
  EXPECT_EQ(Table(*report, StatsDimension::kOutcome, IsoWeek(next_week.time)),
            (std::map<std::string, Shown>{{"abandoned", 5}, {"ended-early", 0}, {"listened", 0}, {"referred", 0}}));
}

// Two hidden cells of one each: the total minus the rest would say both are 1.
TEST_F(StatsReportTest, HiddenCellsThatAddUpToLessThanFiveHideAnother) {
  Record(8, Event("referred"));
  Record(1, Event("listened"));
  Record(1, Event("ended-early"));
  auto report = WeekReport();
  EXPECT_EQ(Conversations(report, week_), 10u);
  EXPECT_EQ(Table(report, StatsDimension::kOutcome, week_),
            (std::map<std::string, Shown>{{"ended-early", kHidden}, {"listened", kHidden}, {"referred", kHidden}}));
}

TEST_F(StatsReportTest, ATotalBelowFiveIsHiddenWithEveryCell) {
  Record(3, Event("referred"));
  auto report = WeekReport();
  EXPECT_EQ(Conversations(report, week_), kHidden);
  for (auto dimension : {StatsDimension::kCategory, StatsDimension::kAgeBand, StatsDimension::kLanguage,
                         StatsDimension::kOutcome}) {
    for (const auto& [value, count] : Table(report, dimension, week_)) EXPECT_EQ(count, kHidden) << value;
  }
}

TEST(StatsSuppression, PrimaryAndComplementary) {
  using Cells = std::vector<Shown>;
  auto suppress = [](std::vector<std::uint64_t> counts, bool total_known) { return SuppressTable(counts, total_known); };
  EXPECT_EQ(suppress({0, 4, 5, 1}, false), (Cells{0, kHidden, 5, kHidden}));
  EXPECT_EQ(suppress({0, 4, 5, 1}, true), (Cells{0, kHidden, 5, kHidden})) << "hidden cells add up to five";
  EXPECT_EQ(suppress({7, 2, 0, 6}, false), (Cells{7, kHidden, 0, 6}));
  EXPECT_EQ(suppress({7, 2, 0, 6}, true), (Cells{7, kHidden, 0, kHidden}));
  EXPECT_EQ(suppress({6, 6, 3}, true), (Cells{kHidden, 6, kHidden})) << "the first among equals";
  EXPECT_EQ(suppress({0, 3, 0}, true), (Cells{0, kHidden, 0})) << "nothing else to hide";
  EXPECT_EQ(suppress({5, 9}, true), (Cells{5, 9}));
  EXPECT_EQ(suppress({}, true), Cells{});
}

// Two weeks of three chats each: every week alone is suppressed, their month is not.
TEST_F(StatsReportTest, MonthsSumRawCountsBeforeSuppressing) {
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
  EXPECT_EQ(weekly->periods, (std::vector<std::uint32_t>{first, second}));
  EXPECT_EQ(Conversations(*weekly, first), kHidden);
  EXPECT_EQ(Conversations(*weekly, second), kHidden);
  auto monthly = stores_.stats().Report(first, second, StatsPeriod::kMonth);
  ASSERT_TRUE(monthly);
  std::uint32_t month = MonthOfIsoWeek(first);
  EXPECT_EQ(monthly->periods, std::vector<std::uint32_t>{month});
  EXPECT_EQ(Conversations(*monthly, month), 6u);
  EXPECT_EQ(Table(*monthly, StatsDimension::kOutcome, month).at("referred"), 6u);
  ASSERT_EQ(monthly->histograms.size(), 1u);
  EXPECT_EQ(monthly->histograms[0].period, month);
  EXPECT_EQ(monthly->histograms[0].buckets[0], 6u);
}

// A month always sums all its weeks, whatever part of it was asked for, so no two reports
// show the same month with different figures.
TEST_F(StatsReportTest, AMonthIsAlwaysTheWholeMonth) {
  // 2025-06: weeks 23 (Thursday 5 June) to 26 (Thursday 26 June); week 27's Thursday is 3 July.
  std::uint64_t june_week_23 = testing::kStart - 7 * kSecondsPerDay;  // Sunday 8 June: week 23
  ASSERT_EQ(IsoWeek(june_week_23), 202523u);
  std::uint64_t june_week_26 = testing::kStart + 14 * kSecondsPerDay;  // Sunday 29 June: week 26
  ASSERT_EQ(IsoWeek(june_week_26), 202526u);
  for (std::uint64_t time : {june_week_23, testing::kStart, june_week_26}) {
    StatsEvent event = Event("referred");
    event.time = time;
    Record(2, event);
  }
  auto monthly = stores_.stats().Report(202524, 202524, StatsPeriod::kMonth);
  ASSERT_TRUE(monthly);
  EXPECT_EQ(monthly->periods, std::vector<std::uint32_t>{202506});
  EXPECT_EQ(Conversations(*monthly, 202506), 6u);
  auto spanning = stores_.stats().Report(202526, 202527, StatsPeriod::kMonth);
  ASSERT_TRUE(spanning);
  EXPECT_EQ(spanning->periods, (std::vector<std::uint32_t>{202506, 202507}));
  EXPECT_EQ(Conversations(*spanning, 202506), 6u);
  EXPECT_EQ(Conversations(*spanning, 202507), 0u);
}

TEST_F(StatsReportTest, HistogramsCountWaitAndHandlingInFixedBucketsWithSuppression) {
  Record(6, Event("referred", 20, 1000));
  Record(5, Event("referred", 45, 1000));
  Record(2, Event("referred", 5000, 100000));
  auto report = WeekReport();
  ASSERT_EQ(report.histograms.size(), 2u);
  const auto& wait = report.histograms[0];
  EXPECT_EQ(wait.kind, HistogramKind::kWait);
  EXPECT_EQ(wait.buckets[0], 6u);       // <= 30 s
  EXPECT_EQ(wait.buckets[1], kHidden);  // <= 60 s: 5, hidden beside the 2
  EXPECT_EQ(wait.buckets[2], 0u);
  EXPECT_EQ(wait.buckets[8], kHidden);  // > 3600 s: 2
  const auto& handling = report.histograms[1];
  EXPECT_EQ(handling.kind, HistogramKind::kHandling);
  EXPECT_EQ(handling.buckets[2], kHidden);  // <= 1200 s: 11, the only other bucket
  EXPECT_EQ(handling.buckets[8], kHidden);
  EXPECT_EQ(handling.buckets[0], 0u);
}

TEST_F(StatsReportTest, ReportCoversExactlyTheWeeksAsked) {
  Record(1, Event("referred"));
  StatsEvent next_week = Event("referred");
  next_week.time += 7 * kSecondsPerDay;
  Record(1, next_week);
  std::uint32_t following = IsoWeek(next_week.time);
  auto values = [&](std::uint32_t from, std::uint32_t to) {
    auto report = stores_.stats().Report(from, to);
    EXPECT_TRUE(report);
    std::size_t cells = 0;
    for (const auto& cell : report->counts) cells += cell.dimension == StatsDimension::kOutcome;
    return std::pair{report->periods.size(), cells};
  };
  EXPECT_EQ(values(week_, week_), std::pair(std::size_t{1}, std::size_t{1}));
  EXPECT_EQ(values(following, following), std::pair(std::size_t{1}, std::size_t{1}));
  EXPECT_EQ(values(week_, following), std::pair(std::size_t{2}, std::size_t{2}));
  EXPECT_EQ(values(following + 1, following + 20), std::pair(std::size_t{20}, std::size_t{0}))
      << "empty weeks are periods with no values";
  auto empty = stores_.stats().Report(following + 1, following + 1);
  ASSERT_TRUE(empty);
  EXPECT_EQ(Conversations(*empty, following + 1), 0u);
}

TEST_F(StatsReportTest, ReportsNeedRealWeeksInOrder) {
  for (auto [from, to] : {std::pair{week_ + 1, week_}, std::pair{202553u, 202553u}, std::pair{0u, week_},
                          std::pair{week_, 0xffffffffu}, std::pair{200001u, 204001u}}) {
    auto report = stores_.stats().Report(from, to);
    ASSERT_FALSE(report) << from << ".." << to;
    EXPECT_EQ(report.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST_F(StatsStoreTest, LabelsMustComeFromAVocabularyNotFreeText) {
  StatsEvent free_text = Event("she said her husband");
  EXPECT_EQ(stores_.stats().Record(free_text).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(stores_.stats().Record(Event("")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(stores_.stats().Record(Event(std::string(33, 'a'))).error().code, ErrorCode::kInvalidArgument);
  StatsEvent free_topic = Event("referred");
  free_topic.categories = {"violence", "her name is"};
  EXPECT_EQ(stores_.stats().Record(free_topic).error().code, ErrorCode::kInvalidArgument);
  StatsEvent no_topic = Event("referred");
  no_topic.categories.clear();
  EXPECT_EQ(stores_.stats().Record(no_topic).error().code, ErrorCode::kInvalidArgument);
  StatsEvent many = Event("referred");
  many.categories.clear();
  for (int i = 0; i <= 16; ++i) many.categories.push_back("topic-" + std::to_string(i));
  EXPECT_EQ(stores_.stats().Record(many).error().code, ErrorCode::kInvalidArgument);
  many.categories.pop_back();
  EXPECT_TRUE(stores_.stats().Record(many));
  StatsEvent oldest = Event("referred");
  oldest.age_band = "61+";  // core::AgeBandCode's name for over 60
  EXPECT_TRUE(stores_.stats().Record(oldest));
}

// Data format 1 kept clear-keyed counters; the migration folds them into the sealed week and
// deletes them, and the report then reads the same numbers.
TEST_F(StatsStoreTest, TheMigrationFoldsClearKeyedCountersIntoTheSealedWeek) {
  std::uint32_t week = IsoWeek(testing::kStart);
  auto put_counter = [&](std::uint8_t dimension, std::string_view value, std::uint64_t n) {
    crypto::ByteWriter key;
    key.U32(week).U8(3).U8(dimension).U8(static_cast<std::uint8_t>(value.size())).Append(value);
    RecordWriter count(RecordType::kStatsCounter);
    count.Uint("count", n);
    ASSERT_TRUE(stores_.records().Put(Family::kStats, key.Take(), *count.Finish(), testing::kStart + 86400 * 400, Durability::kSynced));
  };
  put_counter(1, "", 6);
  put_counter(2, "violence", 6);
  put_counter(3, "adult", 6);
  put_counter(4, "bg", 6);
  put_counter(5, "referred", 6);
  RecordWriter histogram(RecordType::kStatsHistogram);
  histogram.UintList("buckets", {6, 0, 0, 0, 0, 0, 0, 0, 0});
  ASSERT_TRUE(stores_.records().Put(Family::kStats, crypto::ByteWriter().U32(week).U8(2).U8(1).Take(), *histogram.Finish(),
                                    testing::kStart + 86400 * 400, Durability::kSynced));
  auto migrated = stores_.stats().MigrateClearKeys();
  ASSERT_TRUE(migrated);
  EXPECT_EQ(*migrated, 6u);
  std::size_t records = 0;
  ASSERT_TRUE(stores_.records().ForEach(Family::kStats, KeyRange::All(), [&](ByteView key, const Result<storage::Record>&) {
    ++records;
    EXPECT_EQ(key.size(), 32u) << "only the keyed week is left";
    return true;
  }));
  EXPECT_EQ(records, 1u);
  auto report = stores_.stats().Report(week, week);
  ASSERT_TRUE(report);
  EXPECT_EQ(Conversations(*report, week), 6u);
  EXPECT_EQ(Table(*report, StatsDimension::kOutcome, week), (std::map<std::string, Shown>{{"referred", 6}}));
  ASSERT_EQ(report->histograms.size(), 1u);
  EXPECT_EQ(report->histograms[0].buckets[0], 6u);
  // Nothing to do the second time.
  EXPECT_EQ(*stores_.stats().MigrateClearKeys(), 0u);
}

TEST_F(StatsStoreTest, CountersExpireAfterFiveYears) {
  ASSERT_TRUE(stores_.stats().Record(Event("referred")));
  std::uint32_t week = IsoWeek(testing::kStart);
  auto outcomes = [&] {
    auto report = stores_.stats().Report(week, week);
    EXPECT_TRUE(report);
    return Table(*report, StatsDimension::kOutcome, week).size();
  };
  clock_.Advance(1826 * kSecondsPerDay - 1);
  EXPECT_EQ(outcomes(), 1u);
  clock_.Advance(1);
  EXPECT_EQ(outcomes(), 0u);
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

TEST(IsoWeek, MonthsAndTextsRoundTrip) {
  EXPECT_EQ(MonthOfIsoWeek(202501), 202501u);
  EXPECT_EQ(MonthOfIsoWeek(202601), 202601u);  // starts 2025-12-29, its Thursday is 2026-01-01
  EXPECT_EQ(MonthOfIsoWeek(202005), 202001u);  // 2020-W05: Thursday 30 January
  EXPECT_EQ(MonthOfIsoWeek(202006), 202002u);
  EXPECT_EQ(ParseIsoWeek("2025-W03"), 202503u);
  EXPECT_EQ(IsoWeekText(*ParseIsoWeek("2026-W53")), "2026-W53");  // 2026 starts on a Thursday
  for (const char* bad : {"2025-W00", "2025-W53", "2025-W54", "2025W03", "2025-W3", "2025-W03x", "abcd-W03", "1999-W10"}) {
    EXPECT_FALSE(ParseIsoWeek(bad)) << bad;
  }
  EXPECT_EQ(MonthText(202512), "2025-12");
}

TEST(IsoWeek, RangesAndTheWeeksOfAMonth) {
  EXPECT_EQ(IsoWeeksBetween(202651, 202702), (std::vector<std::uint32_t>{202651, 202652, 202653, 202701, 202702}));
  EXPECT_EQ(IsoWeeksBetween(202551, 202602), (std::vector<std::uint32_t>{202551, 202552, 202601, 202602}));
  EXPECT_EQ(IsoWeeksBetween(202510, 202510), std::vector<std::uint32_t>{202510});
  EXPECT_TRUE(IsoWeeksBetween(202511, 202510).empty());
  EXPECT_TRUE(IsIsoWeek(202053) && !IsIsoWeek(202153) && !IsIsoWeek(202500) && !IsIsoWeek(197001));
  EXPECT_EQ(FirstIsoWeekOfMonth(202506), 202523u);  // Thursday 5 June
  EXPECT_EQ(LastIsoWeekOfMonth(202506), 202526u);   // Thursday 26 June
  EXPECT_EQ(FirstIsoWeekOfMonth(202601), 202601u);  // Thursday 1 January, in a week starting 2025-12-29
  EXPECT_EQ(LastIsoWeekOfMonth(202512), 202552u);
  EXPECT_EQ(LastIsoWeekOfMonth(202612), 202653u);   // Thursday 31 December
  for (std::uint32_t week : IsoWeeksBetween(202001, 203052)) {
    std::uint32_t month = MonthOfIsoWeek(week);
    EXPECT_LE(FirstIsoWeekOfMonth(month), week);
    EXPECT_GE(LastIsoWeekOfMonth(month), week);
  }
}

}  // namespace
}  // namespace haven::storage
