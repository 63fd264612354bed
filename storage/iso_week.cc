#include "storage/iso_week.h"

#include <chrono>
#include <cstdio>

namespace haven::storage {

std::uint32_t IsoWeek(std::uint64_t unix_seconds) {
  using namespace std::chrono;
  sys_days day{days{static_cast<std::int64_t>(unix_seconds / 86400)}};
  // The Thursday of the same ISO week decides its year.
  weekday wd{day};
  int from_monday = static_cast<int>(wd.iso_encoding()) - 1;
  sys_days thursday = day - days{from_monday} + days{3};
  year iso_year = year_month_day{thursday}.year();
  sys_days january_first{iso_year / January / 1};
  int week = static_cast<int>((thursday - january_first).count() / 7) + 1;
  return static_cast<std::uint32_t>(static_cast<int>(iso_year) * 100 + week);
}

std::string IsoWeekText(std::uint32_t week) {
  char text[16];
  std::snprintf(text, sizeof text, "%04u-W%02u", week / 100, week % 100);
  return text;
}

}  // namespace haven::storage
