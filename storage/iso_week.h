// ISO 8601 weeks (weeks start on Monday; week 1 holds the year's first Thursday), the unit
// statistics are aggregated by. A week is written as one sortable number, year * 100 + week
// (2025-W03 is 202503), so a range of weeks is a range of record keys.
//
// Pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace haven::storage {

// The ISO week that holds `unix_seconds` (UTC).
std::uint32_t IsoWeek(std::uint64_t unix_seconds);
// "2025-W03".
std::string IsoWeekText(std::uint32_t week);

}  // namespace haven::storage
