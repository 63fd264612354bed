// Statistics as the NGO reports them: one-dimension tables (conversations, category, age
// band, language, outcome) per week or month, suppressed in storage (storage/stats_store.h),
// as JSON for the statistics page and CSV for export (the page's download and
// `haven stats export`); formats in docs/protocol.md 11.5.
//
// One dimension at a time on purpose: no cross-tabulation is kept or produced, so no
// combination of answers can single a person out. No total across periods either: with the
// periods beside it, it would give away a hidden period by subtraction.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "storage/stats_store.h"

namespace haven::reports {

struct StatsQuery {
  std::uint32_t from_week = 0;  // IsoWeek numbers, inclusive
  std::uint32_t to_week = 0;
  storage::StatsPeriod period = storage::StatsPeriod::kWeek;
};

// How the CSV writes a suppressed count. Not "<5": a cell hidden so that a small one cannot be
// worked out by subtraction counts five or more.
inline constexpr std::string_view kSuppressedCsvCell = "suppressed";

// From "2025-W01", "2025-W10", "week"|"month"; an error sentence naming the bad parameter.
std::expected<StatsQuery, std::string> ParseStatsQuery(std::string_view from, std::string_view to,
                                                       std::string_view group);
// The query string's parameters: from=...&to=...&group=...
std::expected<StatsQuery, std::string> ParseStatsQueryString(std::string_view query);

// {"periods", "tables", "histograms"}.
std::string StatsJson(const storage::StatsReport& report, storage::StatsPeriod period);
// period,dimension,value,count with a header row, CRLF line ends, RFC 4180 quoting; a
// suppressed count is written kSuppressedCsvCell. Histograms are not in the CSV.
std::string StatsCsv(const storage::StatsReport& report, storage::StatsPeriod period);

}  // namespace haven::reports
