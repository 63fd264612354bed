#include "storage/stats_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "crypto/sealing.h"
#include "storage/iso_week.h"
#include "storage/record_codec.h"

namespace haven::storage {
namespace {

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

// Old (data format 1) keys, in the clear: iso_week:u32 kind:u8 ..., read only by the migration.
constexpr std::uint8_t kOldCounterKind = 3;
constexpr std::uint8_t kOldHistogramKind = 2;
constexpr std::size_t kPaddingBlock = 1024;

char DimensionDigit(StatsDimension dimension) { return static_cast<char>('0' + static_cast<int>(dimension)); }

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

Bytes StatsStore::WeekKey(std::uint32_t week) const {
  auto name = crypto::KeyedName(records_.keys().NamesKey(), "stats week", crypto::ByteWriter().U32(week).bytes());
  return Bytes(name.begin(), name.end());
}

Result<std::optional<std::pair<StatsStore::WeekCounts, std::uint64_t>>> StatsStore::LoadWeek(std::uint32_t week) const {
  auto stored = records_.Get(Family::kStats, WeekKey(week));
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return std::nullopt;
  auto reader = RecordReader::Parse(RecordType::kStatsWeek, (*stored)->payload.bytes());
  if (!reader) return std::unexpected(reader.error());
  auto labels = reader->TextList("labels");
  auto counts = reader->UintList("counts");
  auto wait = reader->UintList("wait");
  auto handling = reader->UintList("handling");
  if (labels.size() != counts.size() || wait.size() != kHistogramBuckets || handling.size() != kHistogramBuckets) {
    return Fail(ErrorCode::kCorrupt, "stats week lists");
  }
  WeekCounts week_counts;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& label = labels[i];
    if (label.size() < 2 || label[1] != ':' || !IsDimension(static_cast<std::uint8_t>(label[0] - '0'))) {
      return Fail(ErrorCode::kCorrupt, "stats week label");
    }
    week_counts.counts[{static_cast<StatsDimension>(label[0] - '0'), label.substr(2)}] = counts[i];
  }
  std::copy(wait.begin(), wait.end(), week_counts.wait.begin());
  std::copy(handling.begin(), handling.end(), week_counts.handling.begin());
  return std::pair{std::move(week_counts), (*stored)->expires_at};
}

Result<void> StatsStore::AddWeekPut(WriteBatch& batch, std::uint32_t week, const WeekCounts& counts, std::uint64_t expires_at) {
  std::vector<std::string> labels;
  std::vector<std::uint64_t> values;
  for (const auto& [cell, count] : counts.counts) {
    labels.push_back(std::string(1, DimensionDigit(cell.first)) + ":" + cell.second);
    values.push_back(count);
  }
  // Padded to a whole number of blocks, so a label new this week (say, a first "child_abuse")
  // does not show as a longer record. The padding's own length prefix may grow with it: a few
  // rounds settle it.
  std::size_t padding = 0;
  for (int round = 0; round < 4; ++round) {
    RecordWriter writer(RecordType::kStatsWeek);
    writer.TextList("labels", labels)
        .UintList("counts", values)
        .UintList("wait", std::vector<std::uint64_t>(counts.wait.begin(), counts.wait.end()))
        .UintList("handling", std::vector<std::uint64_t>(counts.handling.begin(), counts.handling.end()))
        .Binary("padding", Bytes(padding, 0));
    auto payload = writer.Finish();
    if (!payload) return std::unexpected(payload.error());
    std::size_t short_by = (kPaddingBlock - payload->size() % kPaddingBlock) % kPaddingBlock;
    if (short_by == 0) return records_.AddPut(batch, Family::kStats, WeekKey(week), *payload, expires_at);
    padding += short_by;
  }
  return Fail(ErrorCode::kInvalidArgument, "stats week padding did not settle");
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
  auto loaded = LoadWeek(week);
  if (!loaded) return std::unexpected(loaded.error());
  WeekCounts counts;
  if (*loaded) {
    counts = std::move((*loaded)->first);
    expires_at = (*loaded)->second;  // a week's counts expire together
  }
  for (const auto& [dimension, value] : counters) ++counts.counts[{dimension, std::string(value)}];
  if (event.wait_seconds) ++counts.wait[BucketOf(*event.wait_seconds, kWaitBucketBounds)];
  if (event.handling_seconds) ++counts.handling[BucketOf(*event.handling_seconds, kHandlingBucketBounds)];
  WriteBatch batch;
  if (auto put = AddWeekPut(batch, week, counts, expires_at); !put) return put;
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
  for (std::uint32_t week : weeks) {
    auto loaded = LoadWeek(week);
    if (!loaded) return std::unexpected(loaded.error());
    if (!*loaded) continue;
    const WeekCounts& counts = (*loaded)->first;
    for (const auto& [cell, count] : counts.counts) {
      raw.counts[{cell.first, period_of(week), cell.second}] += count;
      raw.values[cell.first].insert(cell.second);
    }
    bool any_wait = std::any_of(counts.wait.begin(), counts.wait.end(), [](auto n) { return n > 0; });
    bool any_handling = std::any_of(counts.handling.begin(), counts.handling.end(), [](auto n) { return n > 0; });
    for (auto [kind, buckets, any] : {std::tuple{HistogramKind::kWait, &counts.wait, any_wait},
                                      std::tuple{HistogramKind::kHandling, &counts.handling, any_handling}}) {
      if (!any) continue;
      auto& sums = raw.histograms[{period_of(week), kind}];
      for (std::size_t i = 0; i < kHistogramBuckets; ++i) sums[i] += (*buckets)[i];
    }
  }

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

Result<std::size_t> StatsStore::MigrateClearKeys() {
  std::lock_guard lock(mutex_);
  std::map<std::uint32_t, std::pair<WeekCounts, std::uint64_t>> weeks;
  std::vector<Bytes> old_keys;
  std::optional<Error> failure;
  auto scanned = records_.ForEach(Family::kStats, KeyRange::All(), [&](ByteView key, const Result<storage::Record>& record) {
    crypto::ByteReader reader(key);
    auto week = reader.U32();
    auto kind = reader.U8();
    // A format-2 key is a 32-byte keyed name; an old one is the week, a kind and at most a label.
    if (key.size() == 32 || !week || !kind || !IsIsoWeek(*week) || (kind != kOldCounterKind && kind != kOldHistogramKind)) return true;
    if (!record && record.error().code == ErrorCode::kShredded) {
      old_keys.emplace_back(key.begin(), key.end());  // expired: unreadable already, and now gone
      return true;
    }
    if (!record) {
      failure = record.error();
      return false;
    }
    auto& [counts, expires_at] = weeks[*week];
    expires_at = std::max(expires_at, record->expires_at);
    if (kind == kOldCounterKind) {
      auto dimension = reader.U8();
      auto length = reader.U8();
      auto value = length ? reader.Take(*length) : std::nullopt;
      auto payload = RecordReader::Parse(RecordType::kStatsCounter, record->payload.bytes());
      if (!payload || !dimension || !IsDimension(*dimension) || !value || !reader.Finished()) {
        failure = Error{ErrorCode::kCorrupt, "old stats counter"};
        return false;
      }
      counts.counts[{static_cast<StatsDimension>(*dimension), std::string(crypto::AsText(*value))}] += payload->Uint("count");
    } else {
      auto histogram = reader.U8();
      auto payload = RecordReader::Parse(RecordType::kStatsHistogram, record->payload.bytes());
      auto buckets = payload ? payload->UintList("buckets") : std::vector<std::uint64_t>{};
      if (!histogram || (*histogram != 1 && *histogram != 2) || buckets.size() != kHistogramBuckets) {
        failure = Error{ErrorCode::kCorrupt, "old stats histogram"};
        return false;
      }
      auto& target = *histogram == 1 ? counts.wait : counts.handling;
      for (std::size_t i = 0; i < kHistogramBuckets; ++i) target[i] += buckets[i];
    }
    old_keys.emplace_back(key.begin(), key.end());
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);
  WriteBatch batch;
  for (const auto& [week, entry] : weeks) {
    if (auto put = AddWeekPut(batch, week, entry.first, entry.second); !put) return std::unexpected(put.error());
  }
  for (const auto& key : old_keys) batch.Delete(Family::kStats, key);
  if (auto written = records_.Write(batch, Durability::kSynced); !written) return std::unexpected(written.error());
  return old_keys.size();
}

}  // namespace haven::storage
