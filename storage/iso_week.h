// ISO 8601 weeks (weeks start on Monday; week 1 holds the year's first Thursday), the unit
// statistics are aggregated by. A week is written as one sortable number, year * 100 + week
// (2025-W03 is 202503), so a range of weeks is a range of record keys.
//
// Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace haven::storage {

// The ISO week that holds `unix_seconds` (UTC).
std::uint32_t IsoWeek(std::uint64_t unix_seconds);
// "2025-W03".
std::string IsoWeekText(std::uint32_t week);
// The week from its text ("2025-W03"), years 2000 to 9999; nullopt for anything else,
// week 53 of a year that has only 52 included.
std::optional<std::uint32_t> ParseIsoWeek(std::string_view text);
// Whether `week` names a real week of years 2000 to 9999 (what ParseIsoWeek accepts).
bool IsIsoWeek(std::uint32_t week);
// The weeks from..to inclusive, in order; empty when to < from. Both must be IsIsoWeek.
std::vector<std::uint32_t> IsoWeeksBetween(std::uint32_t from, std::uint32_t to);
// The month an ISO week belongs to: the month of its Thursday, as year * 100 + month
// (2025-W01 is 202501, 2026-W01 is 202601 although it starts on 2025-12-29).
std::uint32_t MonthOfIsoWeek(std::uint32_t week);
// The first and the last ISO week that belong to `month` (year * 100 + month, years 2000 to
// 9999) by the rule of MonthOfIsoWeek: the weeks of its first and last Thursday.
std::uint32_t FirstIsoWeekOfMonth(std::uint32_t month);
std::uint32_t LastIsoWeekOfMonth(std::uint32_t month);
// "2025-01".
std::string MonthText(std::uint32_t month);

}  // namespace haven::storage
