// Latencies in nanoseconds, kept as a log-linear histogram: 64 sub-buckets per power of two,
// so a percentile is exact to within 1.6%, in constant memory however many samples arrive.
//
// Not thread-safe.
#pragma once

#include <array>
#include <cstdint>

namespace haven::bench {

class LatencyHistogram {
 public:
  void Record(std::int64_t nanoseconds);
  void Merge(const LatencyHistogram& other);
  void Clear() { *this = LatencyHistogram(); }

  std::uint64_t count() const { return count_; }
  // The value at or below which `fraction` (0..1) of the samples lie; 0 when empty.
  std::int64_t Percentile(double fraction) const;
  std::int64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }

 private:
  static constexpr int kSubBits = 6;
  static constexpr int kBuckets = 64 << kSubBits;
  static int Index(std::uint64_t value);
  static std::int64_t UpperBound(int index);

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::int64_t max_ = 0;
  std::int64_t sum_ = 0;
};

}  // namespace haven::bench
