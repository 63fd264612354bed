// StatsStore: anonymous statistics, aggregated when a conversation ends so that no
// per-conversation record is needed for them.
//
//   counter    ISO week x category x age band x language x outcome -> count
//   histogram  ISO week x (wait | handling) -> counts in fixed buckets of seconds
//
// Keys are in the clear (schema.cc: week first, so a report is one range scan); they hold
// only the week and short labels from the server's fixed vocabularies, which Record checks
// ([A-Za-z0-9_.-], 1..32 bytes) so free text can never end up in a key. Counts are sealed.
//
// Report applies k-anonymity: a cell or bucket counting 1 to 4 conversations is reported as
// suppressed, never as its number. Totals are not reported, so a suppressed cell cannot be
// recovered by subtraction from this report alone.
//
// Thread-safety: any thread. Record is a read-modify-write; one mutex serialises them.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/retention.h"
#include "storage/schema.h"
#include "storage/sealed_records.h"

namespace haven::storage {

// One ended conversation, as statistics see it.
struct StatsEvent {
  std::uint64_t time = 0;  // when it ended: picks the ISO week
  std::string category;
  std::string age_band;
  std::string language;
  std::string outcome;
  std::optional<std::uint64_t> wait_seconds;      // queued until accepted
  std::optional<std::uint64_t> handling_seconds;  // accepted until ended
};

enum class HistogramKind : std::uint8_t { kWait = 1, kHandling = 2 };

// Upper bounds (inclusive, seconds) of each bucket but the last, which holds the rest.
inline constexpr std::array<std::uint64_t, 8> kWaitBucketBounds = {30, 60, 120, 300, 600, 900, 1800, 3600};
inline constexpr std::array<std::uint64_t, 8> kHandlingBucketBounds = {300, 600, 1200, 1800, 2700, 3600, 5400, 7200};
inline constexpr std::size_t kHistogramBuckets = 9;
// Smallest count a report shows.
inline constexpr std::uint64_t kMinimumReportedCount = 5;

// The unit a report sums over: ISO weeks (year * 100 + week) or the months those weeks fall in
// (year * 100 + month; a week belongs to the month of its Thursday).
enum class StatsPeriod { kWeek, kMonth };

struct StatsCell {
  std::uint32_t week = 0;  // the period: a week or a month, as the report was asked for
  std::string category;
  std::string age_band;
  std::string language;
  std::string outcome;
  std::optional<std::uint64_t> count;  // nullopt: suppressed (1 to 4)
};

struct StatsHistogram {
  std::uint32_t week = 0;  // the period, as in StatsCell
  HistogramKind kind = HistogramKind::kWait;
  std::array<std::optional<std::uint64_t>, kHistogramBuckets> buckets;  // nullopt: suppressed
};

struct StatsReport {
  std::vector<StatsCell> cells;            // by week, then labels
  std::vector<StatsHistogram> histograms;  // by week, then kind
};

class StatsStore {
 public:
  StatsStore(SealedRecords& records, const RetentionSettings& retention)
      : records_(records), retention_(retention) {}

  // Adds one conversation to its week's counter and histograms in one synced write.
  // invalid_argument for a label outside the vocabulary rule.
  Result<void> Record(const StatsEvent& event);
  // Weeks from_week..to_week inclusive (IsoWeek numbers). A cell or bucket that does not
  // open stops the report with its error.
  Result<StatsReport> Report(std::uint32_t from_week, std::uint32_t to_week,
                             StatsPeriod period = StatsPeriod::kWeek) const;

 private:
  // Adds `by` to the uint list at `key` (created expiring at `expires_at`) inside `batch`.
  Result<void> AddToCounts(WriteBatch& batch, RecordType type, const Bytes& key, std::size_t index,
                           std::size_t size, std::uint64_t expires_at);

  SealedRecords& records_;
  RetentionSettings retention_;
  std::mutex mutex_;
};

}  // namespace haven::storage
