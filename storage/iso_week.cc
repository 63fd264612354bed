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

std::optional<std::uint32_t> ParseIsoWeek(std::string_view text) {
  unsigned year = 0, week = 0;
  char tail = 0;
  std::string copy(text);
  if (text.size() != 8 || std::sscanf(copy.c_str(), "%4u-W%2u%c", &year, &week, &tail) != 2) return std::nullopt;
  if (year < 2000 || year > 9999 || week < 1 || week > 53) return std::nullopt;
  return year * 100 + week;
}

std::uint32_t MonthOfIsoWeek(std::uint32_t week) {
  using namespace std::chrono;
  // Week 1 holds 4 January; its Monday, then this week's Thursday.
  int iso_year = static_cast<int>(week / 100);
  sys_days january_fourth{year{iso_year} / January / 4};
  int from_monday = static_cast<int>(weekday{january_fourth}.iso_encoding()) - 1;
  sys_days thursday = january_fourth - days{from_monday} + days{3} + weeks{static_cast<int>(week % 100) - 1};
  year_month_day date{thursday};
  return static_cast<std::uint32_t>(static_cast<int>(date.year()) * 100 + static_cast<int>(unsigned(date.month())));
}

std::string MonthText(std::uint32_t month) {
  char text[16];
  std::snprintf(text, sizeof text, "%04u-%02u", month / 100, month % 100);
  return text;
}

}  // namespace haven::storage
