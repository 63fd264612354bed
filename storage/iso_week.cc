#include "storage/iso_week.h"

#include <chrono>
#include <cstdio>

namespace haven::storage {
namespace {

using namespace std::chrono;

std::uint32_t IsoWeekOfDay(sys_days day) {
  // The Thursday of the same ISO week decides its year.
  int from_monday = static_cast<int>(weekday{day}.iso_encoding()) - 1;
  sys_days thursday = day - days{from_monday} + days{3};
  year iso_year = year_month_day{thursday}.year();
  sys_days january_first{iso_year / January / 1};
  int week = static_cast<int>((thursday - january_first).count() / 7) + 1;
  return static_cast<std::uint32_t>(static_cast<int>(iso_year) * 100 + week);
}

// The Thursday of `week` (which need not exist: week 53 of a 52-week year is week 1 of the next).
sys_days ThursdayOf(std::uint32_t week) {
  // Week 1 holds 4 January; its Monday, then this week's Thursday.
  int iso_year = static_cast<int>(week / 100);
  sys_days january_fourth{year{iso_year} / January / 4};
  int from_monday = static_cast<int>(weekday{january_fourth}.iso_encoding()) - 1;
  return january_fourth - days{from_monday} + days{3} + weeks{static_cast<int>(week % 100) - 1};
}

std::uint32_t MonthNumber(year_month_day date) {
  return static_cast<std::uint32_t>(static_cast<int>(date.year()) * 100 + static_cast<int>(unsigned(date.month())));
}

}  // namespace

std::uint32_t IsoWeek(std::uint64_t unix_seconds) {
  return IsoWeekOfDay(sys_days{days{static_cast<std::int64_t>(unix_seconds / 86400)}});
}

std::string IsoWeekText(std::uint32_t week) {
  char text[16];
  std::snprintf(text, sizeof text, "%04u-W%02u", week / 100, week % 100);
  return text;
}

bool IsIsoWeek(std::uint32_t week) {
  std::uint32_t year = week / 100, number = week % 100;
  if (year < 2000 || year > 9999 || number < 1 || number > 53) return false;
  return IsoWeekOfDay(ThursdayOf(week)) == week;
}

std::optional<std::uint32_t> ParseIsoWeek(std::string_view text) {
  unsigned year = 0, week = 0;
  char tail = 0;
  std::string copy(text);
  if (text.size() != 8 || std::sscanf(copy.c_str(), "%4u-W%2u%c", &year, &week, &tail) != 2) return std::nullopt;
  if (!IsIsoWeek(year * 100 + week)) return std::nullopt;
  return year * 100 + week;
}

std::vector<std::uint32_t> IsoWeeksBetween(std::uint32_t from, std::uint32_t to) {
  std::vector<std::uint32_t> weeks;
  for (sys_days thursday = ThursdayOf(from); from <= to; thursday += days{7}) {
    std::uint32_t week = IsoWeekOfDay(thursday);
    if (week > to) break;
    weeks.push_back(week);
  }
  return weeks;
}

std::uint32_t MonthOfIsoWeek(std::uint32_t week) { return MonthNumber(year_month_day{ThursdayOf(week)}); }

std::uint32_t FirstIsoWeekOfMonth(std::uint32_t month) {
  sys_days first{year{static_cast<int>(month / 100)} / static_cast<int>(month % 100) / 1};
  return IsoWeekOfDay(first + (Thursday - weekday{first}));
}

std::uint32_t LastIsoWeekOfMonth(std::uint32_t month) {
  sys_days last_thursday{year{static_cast<int>(month / 100)} / static_cast<int>(month % 100) / Thursday[last]};
  return IsoWeekOfDay(last_thursday);
}

std::string MonthText(std::uint32_t month) {
  char text[16];
  std::snprintf(text, sizeof text, "%04u-%02u", month / 100, month % 100);
  return text;
}

}  // namespace haven::storage
