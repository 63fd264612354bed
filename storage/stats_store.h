// StatsStore: anonymous statistics, counted when a conversation ends so that no
// per-conversation record is needed for them.
//
//   counter    ISO week x dimension x value -> count, one dimension at a time:
//                conversations  (value "")  +1 per conversation
//                category                   +1 per distinct wrap-up topic of the conversation
//                age_band, language, outcome +1 each per conversation
//   histogram  ISO week x (wait | handling) -> counts in fixed buckets of seconds, +1 per
//              conversation that has the time
//
// No cross-tabulation is kept: nothing records which age band went with which topic or
// outcome, so no combination of answers can single a person out, whoever reads the store.
//
// A week is one sealed record under a keyed name (schema.cc, kStatsWeek): no key, value or
// log entry says which week, which label or how many without the storage keys, and each
// conversation rewrites the whole week rather than adding a record per counter (before data
// format 2, keys such as "outcome=support_given" were in the clear, one write per increment,
// so a quiet week gave each chat's profile to whoever held the disk). The record is padded to
// a multiple of 1024 bytes. Labels come from the server's fixed vocabularies, which Record
// checks ([A-Za-z0-9_.+-], 1..32 bytes).
//
// Report sums raw counts per period (week or month) inside storage and suppresses them there
// (stats_suppression.h, k = 5), so raw small counts never leave the store.
//
// Thread-safety: any thread. Record is a read-modify-write; one mutex serialises them.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/retention.h"
#include "storage/schema.h"
#include "storage/sealed_records.h"
#include "storage/stats_suppression.h"

namespace haven::storage {

// One ended conversation, as statistics see it.
struct StatsEvent {
  std::uint64_t time = 0;               // when it ended: picks the ISO week
  std::vector<std::string> categories;  // its wrap-up topics: 1 to kMaxStatsCategories, repeats counted once
  std::string age_band;
  std::string language;
  std::string outcome;
  std::optional<std::uint64_t> wait_seconds;      // queued until accepted
  std::optional<std::uint64_t> handling_seconds;  // accepted until ended
};

inline constexpr std::size_t kMaxStatsCategories = 16;

// Persisted in counter keys: never renumber.
enum class StatsDimension : std::uint8_t {
  kConversations = 1,
  kCategory = 2,
  kAgeBand = 3,
  kLanguage = 4,
  kOutcome = 5,
};
// The order of a report's tables.
inline constexpr std::array<StatsDimension, 5> kStatsDimensions = {
    StatsDimension::kConversations, StatsDimension::kCategory, StatsDimension::kAgeBand, StatsDimension::kLanguage,
    StatsDimension::kOutcome};
// "conversations", "category", "age_band", "language", "outcome".
std::string_view StatsDimensionName(StatsDimension dimension);

enum class HistogramKind : std::uint8_t { kWait = 1, kHandling = 2 };

// Upper bounds (inclusive, seconds) of each bucket but the last, which holds the rest.
inline constexpr std::array<std::uint64_t, 8> kWaitBucketBounds = {30, 60, 120, 300, 600, 900, 1800, 3600};
inline constexpr std::array<std::uint64_t, 8> kHandlingBucketBounds = {300, 600, 1200, 1800, 2700, 3600, 5400, 7200};
inline constexpr std::size_t kHistogramBuckets = 9;

// The most weeks one report covers (about nineteen years).
inline constexpr std::size_t kMaxReportWeeks = 1000;

// The unit a report sums over: ISO weeks (year * 100 + week) or months (year * 100 + month).
// A month is the sum of the ISO weeks whose Thursday falls in it (MonthOfIsoWeek), always all
// of them: a report by month widens the weeks asked for to whole months, so the same month
// never shows two different figures.
enum class StatsPeriod { kWeek, kMonth };

// One cell of a one-dimension table.
struct StatsCount {
  StatsDimension dimension = StatsDimension::kConversations;
  std::uint32_t period = 0;            // a week or a month, as the report was asked for
  std::string value;                   // "" for conversations
  std::optional<std::uint64_t> count;  // nullopt: suppressed
};

struct StatsHistogram {
  std::uint32_t period = 0;
  HistogramKind kind = HistogramKind::kWait;
  std::array<std::optional<std::uint64_t>, kHistogramBuckets> buckets;  // nullopt: suppressed
};

// Suppressed one-dimension tables; no total across periods (it would let a reader subtract
// the shown periods from it).
struct StatsReport {
  std::vector<std::uint32_t> periods;  // every period asked for, in order, with data or not
  // By dimension (kStatsDimensions order), then period, then value. Dense: every period has a
  // cell for every value its dimension has anywhere in the report (0 where none), and
  // conversations a cell for every period.
  std::vector<StatsCount> counts;
  std::vector<StatsHistogram> histograms;  // by period, then kind; only periods with any
};

class StatsStore {
 public:
  StatsStore(SealedRecords& records, const RetentionSettings& retention)
      : records_(records), retention_(retention) {}

  // Adds one conversation to its week's counters and histograms in one synced write.
  // invalid_argument for a label outside the vocabulary rule, no category or too many.
  Result<void> Record(const StatsEvent& event);
  // Weeks from_week..to_week inclusive (IsoWeek numbers, both IsIsoWeek, at most
  // kMaxReportWeeks; invalid_argument otherwise), by week or by whole month. Suppression:
  // conversations, each histogram and the age band, language and outcome tables (each
  // partitions the period's conversations) primary and complementary; category primary only.
  // A record that does not open stops the report with its error.
  Result<StatsReport> Report(std::uint32_t from_week, std::uint32_t to_week,
                             StatsPeriod period = StatsPeriod::kWeek) const;

  // Data format 1 -> 2 (`haven storage migrate`): folds every clear-keyed counter and histogram
  // into its week's sealed record and deletes them. Returns how many old records there were.
  Result<std::size_t> MigrateClearKeys();

  // One week as it is sealed (public for the migration and the tests).
  struct WeekCounts {
    std::map<std::pair<StatsDimension, std::string>, std::uint64_t> counts;
    std::array<std::uint64_t, kHistogramBuckets> wait{};
    std::array<std::uint64_t, kHistogramBuckets> handling{};
  };
  Bytes WeekKey(std::uint32_t week) const;

 private:
  // The week's counts and when they expire; nullopt when the week has none.
  Result<std::optional<std::pair<WeekCounts, std::uint64_t>>> LoadWeek(std::uint32_t week) const;
  Result<void> AddWeekPut(WriteBatch& batch, std::uint32_t week, const WeekCounts& counts, std::uint64_t expires_at);

  SealedRecords& records_;
  RetentionSettings retention_;
  std::mutex mutex_;
};

}  // namespace haven::storage
