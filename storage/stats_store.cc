#include "storage/stats_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "storage/iso_week.h"
#include "storage/record_codec.h"

namespace haven::storage {
namespace {

// The byte after the week in a stats key. 0x01 was the four-way counter (category x age band
// x language x outcome) of the first format: retired, never reused; a report meeting one
// fails as corrupt rather than misread it.
constexpr std::uint8_t kCounterKind = 3;
constexpr std::uint8_t kHistogramKind = 2;
constexpr std::size_t kMaxLabel = 32;

bool IsLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabel) return false;
  for (char c : label) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-' || c == '+';  // '+': the age band "61+"
    if (!ok) return false;
  }
  return true;
}

bool IsDimension(std::uint8_t byte) {
  return byte >= static_cast<std::uint8_t>(StatsDimension::kConversations) &&
         byte <= static_cast<std::uint8_t>(StatsDimension::kOutcome);
}

Bytes CounterKey(std::uint32_t week, StatsDimension dimension, std::string_view value) {
  return crypto::ByteWriter()
      .U32(week)
      .U8(kCounterKind)
      .U8(static_cast<std::uint8_t>(dimension))
      .U8(static_cast<std::uint8_t>(value.size()))
      .Append(value)
      .Take();
}

Bytes HistogramKey(std::uint32_t week, HistogramKind kind) {
  return crypto::ByteWriter().U32(week).U8(kHistogramKind).U8(static_cast<std::uint8_t>(kind)).Take();
}

std::size_t BucketOf(std::uint64_t seconds, const std::array<std::uint64_t, 8>& bounds) {
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (seconds <= bounds[i]) return i;
  }
  return bounds.size();
}

// Raw sums of one report, per period, before anything is suppressed.
struct RawSums {
  std::map<std::tuple<StatsDimension, std::uint32_t, std::string>, std::uint64_t> counts;
  std::map<StatsDimension, std::set<std::string>> values;  // every value seen, per dimension
  std::map<std::pair<std::uint32_t, HistogramKind>, std::array<std::uint64_t, kHistogramBuckets>> histograms;

  std::uint64_t Count(StatsDimension dimension, std::uint32_t period, const std::string& value) const {
    auto found = counts.find({dimension, period, value});
    return found == counts.end() ? 0 : found->second;
  }
};

}  // namespace

std::string_view StatsDimensionName(StatsDimension dimension) {
  switch (dimension) {
    case StatsDimension::kConversations: return "conversations";
    case StatsDimension::kCategory: return "category";
    case StatsDimension::kAgeBand: return "age_band";
    case StatsDimension::kLanguage: return "language";
    case StatsDimension::kOutcome: return "outcome";
  }
  return "unknown";
}

Result<void> StatsStore::AddToCounts(WriteBatch& batch, RecordType type, const Bytes& key, std::size_t index,
                                     std::size_t size, std::uint64_t expires_at) {
  const bool counter = type == RecordType::kStatsCounter;
  std::vector<std::uint64_t> counts(size, 0);
  auto existing = records_.Get(Family::kStats, key);
  if (!existing) return std::unexpected(existing.error());
  if (*existing) {
    auto reader = RecordReader::Parse(type, (*existing)->payload.bytes());
    if (!reader) return std::unexpected(reader.error());
    if (counter) {
      counts[0] = reader->Uint("count");
    } else {
      counts = reader->UintList("buckets");
      if (counts.size() != size) return Fail(ErrorCode::kCorrupt, "histogram bucket count");
    }
    expires_at = (*existing)->expires_at;  // a week's cells expire together
  }
  ++counts[index];
  RecordWriter writer(type);
  if (counter) {
    writer.Uint("count", counts[0]);
  } else {
    writer.UintList("buckets", counts);
  }
  auto payload = writer.Finish();
  if (!payload) return std::unexpected(payload.error());
  return records_.AddPut(batch, Family::kStats, key, *payload, expires_at);
}

Result<void> StatsStore::Record(const StatsEvent& event) {
  // Repeated topics count once: a set, which also keeps every key once in the batch.
  std::set<std::string_view> categories(event.categories.begin(), event.categories.end());
  if (categories.empty() || categories.size() > kMaxStatsCategories) {
    return Fail(ErrorCode::kInvalidArgument, "a conversation has 1 to 16 statistics categories");
  }
  std::vector<std::pair<StatsDimension, std::string_view>> counters = {{StatsDimension::kConversations, ""}};
  for (std::string_view category : categories) counters.emplace_back(StatsDimension::kCategory, category);
  counters.emplace_back(StatsDimension::kAgeBand, event.age_band);
  counters.emplace_back(StatsDimension::kLanguage, event.language);
  counters.emplace_back(StatsDimension::kOutcome, event.outcome);
  for (const auto& [dimension, value] : counters) {
    if (dimension != StatsDimension::kConversations && !IsLabel(value)) {
      return Fail(ErrorCode::kInvalidArgument, "statistics labels are 1 to 32 of A-Z a-z 0-9 _ . - +");
    }
  }
  std::uint32_t week = IsoWeek(event.time);
  std::uint64_t now = records_.clock().NowSeconds();
  std::uint64_t expires_at =
      std::max(now, event.time) + std::uint64_t{retention_.stats_retention_days} * kSecondsPerDay;

  std::lock_guard lock(mutex_);
  WriteBatch batch;
  for (const auto& [dimension, value] : counters) {
    auto added = AddToCounts(batch, RecordType::kStatsCounter, CounterKey(week, dimension, value), 0, 1, expires_at);
    if (!added) return added;
  }
  if (event.wait_seconds) {
    auto added = AddToCounts(batch, RecordType::kStatsHistogram, HistogramKey(week, HistogramKind::kWait),
                             BucketOf(*event.wait_seconds, kWaitBucketBounds), kHistogramBuckets, expires_at);
    if (!added) return added;
  }
  if (event.handling_seconds) {
    auto added = AddToCounts(batch, RecordType::kStatsHistogram, HistogramKey(week, HistogramKind::kHandling),
                             BucketOf(*event.handling_seconds, kHandlingBucketBounds), kHistogramBuckets, expires_at);
    if (!added) return added;
  }
  return records_.Write(batch, Durability::kSynced);
}

Result<StatsReport> StatsStore::Report(std::uint32_t from_week, std::uint32_t to_week, StatsPeriod period) const {
  if (!IsIsoWeek(from_week) || !IsIsoWeek(to_week) || to_week < from_week) {
    return Fail(ErrorCode::kInvalidArgument, "a report needs two ISO weeks, the first not after the last");
  }
  if (period == StatsPeriod::kMonth) {
    from_week = FirstIsoWeekOfMonth(MonthOfIsoWeek(from_week));
    to_week = LastIsoWeekOfMonth(MonthOfIsoWeek(to_week));
  }
  std::vector<std::uint32_t> weeks = IsoWeeksBetween(from_week, to_week);
  if (weeks.size() > kMaxReportWeeks) return Fail(ErrorCode::kInvalidArgument, "a report covers at most 1000 weeks");
  auto period_of = [period](std::uint32_t week) { return period == StatsPeriod::kMonth ? MonthOfIsoWeek(week) : week; };
  StatsReport report;
  for (std::uint32_t week : weeks) {
    if (report.periods.empty() || report.periods.back() != period_of(week)) report.periods.push_back(period_of(week));
  }

  // Raw counts are summed per period first and suppressed only then: suppressing weeks and
  // adding them up would hide what a month can show, or show what a week must hide.
  RawSums raw;
  KeyRange range{crypto::ByteWriter().U32(from_week).Take(), crypto::ByteWriter().U32(to_week + 1).Take()};
  std::optional<Error> failure;
  auto scanned = records_.ForEach(Family::kStats, range, [&](ByteView key, const Result<storage::Record>& record) {
    if (!record) {
      failure = record.error();
      return false;
    }
    crypto::ByteReader reader(key);
    auto week = reader.U32();
    auto kind = reader.U8();
    if (!week || !kind || !IsIsoWeek(*week)) {
      failure = Error{ErrorCode::kCorrupt, "stats key"};
      return false;
    }
    if (kind == kCounterKind) {
      auto dimension = reader.U8();
      auto length = reader.U8();
      auto value = length ? reader.Take(*length) : std::nullopt;
      auto payload = RecordReader::Parse(RecordType::kStatsCounter, record->payload.bytes());
      if (!payload || !dimension || !IsDimension(*dimension) || !value || !reader.Finished()) {
        failure = payload ? Error{ErrorCode::kCorrupt, "stats counter key"} : payload.error();
        return false;
      }
      auto named = static_cast<StatsDimension>(*dimension);
      std::string text(crypto::AsText(*value));
      raw.counts[{named, period_of(*week), text}] += payload->Uint("count");
      raw.values[named].insert(std::move(text));
      return true;
    }
    auto histogram_kind = reader.U8();
    auto payload = RecordReader::Parse(RecordType::kStatsHistogram, record->payload.bytes());
    if (kind != kHistogramKind || !histogram_kind || (*histogram_kind != 1 && *histogram_kind != 2) ||
        !reader.Finished() || !payload) {
      failure = payload ? Error{ErrorCode::kCorrupt, "stats key"} : payload.error();
      return false;
    }
    auto counts = payload->UintList("buckets");
    if (counts.size() != kHistogramBuckets) {
      failure = Error{ErrorCode::kCorrupt, "histogram bucket count"};
      return false;
    }
    auto& sums = raw.histograms[{period_of(*week), static_cast<HistogramKind>(*histogram_kind)}];
    for (std::size_t i = 0; i < kHistogramBuckets; ++i) sums[i] += counts[i];
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);

  raw.values[StatsDimension::kConversations] = {""};
  for (StatsDimension dimension : kStatsDimensions) {
    const auto& values = raw.values[dimension];
    for (std::uint32_t when : report.periods) {
      // Age band, language and outcome each partition the period's conversations, so each
      // table adds up to the conversations count shown beside it: complementary suppression
      // whenever that count is shown (0, or five and more). Categories do not add up to it - a
      // conversation counts once in each of its topics - so there is no sum to subtract from
      // and primary suppression is enough. The conversations table is a single cell.
      std::uint64_t total = raw.Count(StatsDimension::kConversations, when, "");
      bool total_shown = SuppressSmallCount(total).has_value();
      bool partitions = dimension == StatsDimension::kAgeBand || dimension == StatsDimension::kLanguage ||
                        dimension == StatsDimension::kOutcome;
      std::vector<std::uint64_t> counts;
      for (const auto& value : values) counts.push_back(raw.Count(dimension, when, value));
      auto shown = SuppressTable(counts, partitions && total_shown);
      std::size_t i = 0;
      for (const auto& value : values) report.counts.push_back(StatsCount{dimension, when, value, shown[i++]});
    }
  }
  for (const auto& [key, sums] : raw.histograms) {
    // The buckets add up to the period's answered conversations, which the outcome table can
    // give (conversations minus those abandoned or expired while waiting): complementary
    // suppression always.
    StatsHistogram histogram;
    histogram.period = key.first;
    histogram.kind = key.second;
    auto shown = SuppressTable(sums, true);
    std::copy(shown.begin(), shown.end(), histogram.buckets.begin());
    report.histograms.push_back(histogram);
  }
  return report;
}

}  // namespace haven::storage
