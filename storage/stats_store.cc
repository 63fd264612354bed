#include "storage/stats_store.h"

#include <map>
#include <tuple>

#include <algorithm>

#include "storage/iso_week.h"
#include "storage/record_codec.h"

namespace haven::storage {
namespace {

constexpr std::uint8_t kCounterKind = 1;
constexpr std::uint8_t kHistogramKind = 2;
constexpr std::size_t kMaxLabel = 32;

bool IsLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabel) return false;
  for (char c : label) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

Bytes CounterKey(std::uint32_t week, const StatsEvent& event) {
  crypto::ByteWriter key;
  key.U32(week).U8(kCounterKind);
  for (const std::string* label : {&event.category, &event.age_band, &event.language, &event.outcome}) {
    key.U8(static_cast<std::uint8_t>(label->size())).Append(*label);
  }
  return key.Take();
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

std::optional<std::uint64_t> Suppressed(std::uint64_t count) {
  if (count > 0 && count < kMinimumReportedCount) return std::nullopt;
  return count;
}

}  // namespace

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
  for (const std::string* label : {&event.category, &event.age_band, &event.language, &event.outcome}) {
    if (!IsLabel(*label)) {
      return Fail(ErrorCode::kInvalidArgument, "statistics labels are 1 to 32 of A-Z a-z 0-9 _ . -");
    }
  }
  std::uint32_t week = IsoWeek(event.time);
  std::uint64_t now = records_.clock().NowSeconds();
  std::uint64_t expires_at =
      std::max(now, event.time) + std::uint64_t{retention_.stats_retention_days} * kSecondsPerDay;

  std::lock_guard lock(mutex_);
  WriteBatch batch;
  if (auto added = AddToCounts(batch, RecordType::kStatsCounter, CounterKey(week, event), 0, 1, expires_at); !added) {
    return added;
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
  // Raw counts are summed per period first and suppressed only then: suppressing weeks and
  // adding them up would hide what a month can show, or show what a week must hide.
  using CellKey = std::tuple<std::uint32_t, std::string, std::string, std::string, std::string>;
  std::map<CellKey, std::uint64_t> cell_counts;
  std::map<std::pair<std::uint32_t, int>, std::array<std::uint64_t, kHistogramBuckets>> histogram_counts;
  auto period_of = [period](std::uint32_t week) { return period == StatsPeriod::kMonth ? MonthOfIsoWeek(week) : week; };
  StatsReport report;
  if (from_week > to_week) return report;
  KeyRange range{crypto::ByteWriter().U32(from_week).Take(), {}};
  if (to_week < 0xffffffffu) range.end = crypto::ByteWriter().U32(to_week + 1).Take();
  std::optional<Error> failure;
  auto scanned = records_.ForEach(Family::kStats, range, [&](ByteView key, const Result<storage::Record>& record) {
    if (!record) {
      failure = record.error();
      return false;
    }
    crypto::ByteReader reader(key);
    auto week = reader.U32();
    auto kind = reader.U8();
    if (!week || !kind) {
      failure = Error{ErrorCode::kCorrupt, "stats key"};
      return false;
    }
    if (kind == kCounterKind) {
      StatsCell cell;
      cell.week = period_of(*week);
      bool labels_ok = true;
      for (std::string* label : {&cell.category, &cell.age_band, &cell.language, &cell.outcome}) {
        auto length = reader.U8();
        auto text = length ? reader.Take(*length) : std::nullopt;
        labels_ok = labels_ok && text.has_value();
        if (text) *label = std::string(crypto::AsText(*text));
      }
      auto payload = RecordReader::Parse(RecordType::kStatsCounter, record->payload.bytes());
      if (!payload || !labels_ok || !reader.Finished()) {
        failure = payload ? Error{ErrorCode::kCorrupt, "stats counter key"} : payload.error();
        return false;
      }
      cell_counts[CellKey{cell.week, cell.category, cell.age_band, cell.language, cell.outcome}] += payload->Uint("count");
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
    auto& sums = histogram_counts[{period_of(*week), *histogram_kind}];
    for (std::size_t i = 0; i < kHistogramBuckets; ++i) sums[i] += counts[i];
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);
  for (const auto& [key, count] : cell_counts) {
    const auto& [when, category, age_band, language, outcome] = key;
    report.cells.push_back(StatsCell{when, category, age_band, language, outcome, Suppressed(count)});
  }
  for (const auto& [key, sums] : histogram_counts) {
    StatsHistogram histogram;
    histogram.week = key.first;
    histogram.kind = static_cast<HistogramKind>(key.second);
    for (std::size_t i = 0; i < kHistogramBuckets; ++i) histogram.buckets[i] = Suppressed(sums[i]);
    report.histograms.push_back(histogram);
  }
  return report;
}

}  // namespace haven::storage
