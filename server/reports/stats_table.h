// Statistics as the NGO reports them: rows of period x category x age band x language x
// outcome, cells under five suppressed, as JSON for the statistics page and CSV for export
// (the page's download and `haven stats export`).
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

// From "2025-W01", "2025-W10", "week"|"month"; an error sentence naming the bad parameter.
std::expected<StatsQuery, std::string> ParseStatsQuery(std::string_view from, std::string_view to,
                                                       std::string_view group);
// The query string's parameters: from=...&to=...&group=...
std::expected<StatsQuery, std::string> ParseStatsQueryString(std::string_view query);

std::string StatsJson(const storage::StatsReport& report, storage::StatsPeriod period);
// period,category,age_band,language,outcome,count; a suppressed count is written "<5".
std::string StatsCsv(const storage::StatsReport& report, storage::StatsPeriod period);

}  // namespace haven::reports
