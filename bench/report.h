// What a benchmark mode prints: its measurements, each target with MET or MISSED, notes, and
// the correctness checks whose failure makes haven-bench exit non-zero. Targets are never
// asserted: a missed target is a finding, a lost or duplicated message is a bug.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "bench/latency_histogram.h"

namespace haven::bench {

// 1234567 -> "1,234,567"
std::string Count(double value);
// nanoseconds -> "812 µs", "2.41 ms"
std::string Duration(std::int64_t nanoseconds);
std::string Fixed(double value, int decimals);
std::string Megabytes(std::int64_t bytes);

class Report {
 public:
  explicit Report(std::string title) : title_(std::move(title)) {}

  void Value(const std::string& name, const std::string& value);
  void Latency(const std::string& name, const LatencyHistogram& histogram);
  // A target: `at_least` says whether `value` must be >= or <= `target`. `shown` and
  // `target_shown` are the value and target as printed.
  void Target(const std::string& name, double value, bool at_least, double target, const std::string& shown,
              const std::string& target_shown);
  void Note(const std::string& text);
  // A correctness check; a failed one makes failed() true.
  void Check(const std::string& name, bool passed, const std::string& detail = "");
  void Settings(const std::map<std::string, std::string>& settings);
  // Notes how much CPU other programs took during the measurement, warning when it matters.
  void OtherLoad(double cores);

  bool failed() const { return failed_; }
  void Print(std::ostream& out) const;

 private:
  std::string title_;
  std::vector<std::pair<std::string, std::string>> lines_;
  std::vector<std::string> notes_;
  bool failed_ = false;
};

}  // namespace haven::bench
