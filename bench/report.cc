#include "bench/report.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace haven::bench {

std::string Count(double value) {
  auto whole = static_cast<long long>(std::llround(value));
  std::string digits = std::to_string(whole < 0 ? -whole : whole);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return whole < 0 ? "-" + out : out;
}

std::string Fixed(double value, int decimals) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(decimals) << value;
  return out.str();
}

std::string Duration(std::int64_t nanoseconds) {
  double value = static_cast<double>(nanoseconds);
  if (value < 1e3) return Fixed(value, 0) + " ns";
  if (value < 1e6) return Fixed(value / 1e3, value < 1e4 ? 2 : 0) + " µs";
  if (value < 1e9) return Fixed(value / 1e6, 2) + " ms";
  return Fixed(value / 1e9, 2) + " s";
}

std::string Megabytes(std::int64_t bytes) { return Fixed(static_cast<double>(bytes) / (1 << 20), 1) + " MiB"; }

void Report::Value(const std::string& name, const std::string& value) { lines_.emplace_back(name, value); }

void Report::Latency(const std::string& name, const LatencyHistogram& histogram) {
  Value(name, Duration(histogram.Percentile(0.5)) + " / " + Duration(histogram.Percentile(0.99)) + " / " +
                  Duration(histogram.Percentile(0.999)) + "  (max " + Duration(histogram.max()) + ", " +
                  Count(static_cast<double>(histogram.count())) + " samples)");
}

void Report::Target(const std::string& name, double value, bool at_least, double target, const std::string& shown,
                    const std::string& target_shown) {
  bool met = at_least ? value >= target : value <= target;
  Value(name, shown + "   target " + (at_least ? ">= " : "<= ") + target_shown + (met ? "   MET" : "   MISSED"));
}

void Report::Note(const std::string& text) { notes_.push_back(text); }

void Report::Check(const std::string& name, bool passed, const std::string& detail) {
  if (!passed) failed_ = true;
  Value(name, std::string(passed ? "ok" : "FAILED") + (detail.empty() ? "" : "  (" + detail + ")"));
}

void Report::Settings(const std::map<std::string, std::string>& settings) {
  std::string text = "server config changed from the defaults:";
  for (const auto& [key, value] : settings) {
    if (key == "metrics.token") continue;
    text += " " + key + "=" + value;
  }
  Note(text);
}

void Report::OtherLoad(double cores) {
  if (cores > 0.05) {
    Note("DISTURBED: other programs used " + Fixed(cores * 100, 0) +
         "% of a core while this was measured (the two cores are shared); run it again on a quiet machine");
  } else {
    Note("other programs used " + Fixed(std::max(cores, 0.0) * 100, 0) + "% of a core while this was measured");
  }
}

void Report::Print(std::ostream& out) const {
  out << "\n== " << title_ << " ==\n";
  std::size_t width = 0;
  for (const auto& [name, value] : lines_) width = std::max(width, name.size());
  for (const auto& [name, value] : lines_) out << "  " << std::left << std::setw(static_cast<int>(width) + 2) << name << value << "\n";
  for (const auto& note : notes_) out << "  note: " << note << "\n";
  out.flush();
}

}  // namespace haven::bench
