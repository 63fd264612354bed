#include "server/reports/stats_table.h"

#include <boost/json.hpp>

#include "storage/iso_week.h"

namespace haven::reports {
namespace {

namespace json = boost::json;

std::string PeriodText(std::uint32_t period, storage::StatsPeriod kind) {
  return kind == storage::StatsPeriod::kMonth ? storage::MonthText(period) : storage::IsoWeekText(period);
}

// Codes are [a-z0-9_-] by the config's rule, but a CSV cell is quoted if it ever is not.
std::string CsvCell(std::string_view text) {
  bool plain = text.find_first_of(",\"\r\n") == std::string_view::npos && (text.empty() || text.front() != '=');
  if (plain) return std::string(text);
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::expected<StatsQuery, std::string> ParseStatsQuery(std::string_view from, std::string_view to,
                                                       std::string_view group) {
  auto from_week = storage::ParseIsoWeek(from);
  if (!from_week) return std::unexpected("from must be an ISO week such as 2027-W01");
  auto to_week = storage::ParseIsoWeek(to);
  if (!to_week) return std::unexpected("to must be an ISO week such as 2027-W10");
  if (*to_week < *from_week) return std::unexpected("to must not be before from");
  if (*to_week - *from_week > 1000) return std::unexpected("ask for ten years at most");
  StatsQuery query{*from_week, *to_week, storage::StatsPeriod::kWeek};
  if (group == "month") {
    query.period = storage::StatsPeriod::kMonth;
  } else if (!group.empty() && group != "week") {
    return std::unexpected("group must be week or month");
  }
  return query;
}

std::expected<StatsQuery, std::string> ParseStatsQueryString(std::string_view query) {
  std::string_view from, to, group;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) return std::unexpected("the query is not name=value pairs");
    std::string_view name = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (name == "from") {
      from = value;
    } else if (name == "to") {
      to = value;
    } else if (name == "group") {
      group = value;
    } else {
      return std::unexpected("unknown parameter " + std::string(name.substr(0, 32)));
    }
  }
  return ParseStatsQuery(from, to, group);
}

std::string StatsJson(const storage::StatsReport& report, storage::StatsPeriod period) {
  json::array periods, tables, histograms;
  for (std::uint32_t when : report.periods) periods.emplace_back(PeriodText(when, period));
  for (storage::StatsDimension dimension : storage::kStatsDimensions) {
    json::array rows;
    for (const auto& cell : report.counts) {
      if (cell.dimension != dimension) continue;
      json::value count = nullptr;
      if (cell.count) count = *cell.count;
      rows.push_back(json::object{{"period", PeriodText(cell.period, period)}, {"value", cell.value}, {"count", count}});
    }
    tables.push_back(json::object{{"dimension", storage::StatsDimensionName(dimension)}, {"rows", std::move(rows)}});
  }
  for (const auto& histogram : report.histograms) {
    bool wait = histogram.kind == storage::HistogramKind::kWait;
    json::array bounds, counts;
    for (auto bound : wait ? storage::kWaitBucketBounds : storage::kHandlingBucketBounds) bounds.emplace_back(bound);
    for (const auto& count : histogram.buckets) {
      if (count) {
        counts.emplace_back(*count);
      } else {
        counts.emplace_back(nullptr);
      }
    }
    histograms.push_back(json::object{{"period", PeriodText(histogram.period, period)},
                                      {"kind", wait ? "wait" : "handling"},
                                      {"bounds_seconds", bounds},
                                      {"counts", counts}});
  }
  return json::serialize(json::object{{"periods", periods}, {"tables", tables}, {"histograms", histograms}});
}

std::string StatsCsv(const storage::StatsReport& report, storage::StatsPeriod period) {
  std::string csv = "period,dimension,value,count\r\n";
  for (const auto& cell : report.counts) {
    csv += CsvCell(PeriodText(cell.period, period)) + "," + CsvCell(storage::StatsDimensionName(cell.dimension)) + "," +
           CsvCell(cell.value) + "," + (cell.count ? std::to_string(*cell.count) : std::string(kSuppressedCsvCell)) +
           "\r\n";
  }
  return csv;
}

}  // namespace haven::reports
