#include "bench/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace haven::bench {

// Values below 2^kSubBits have a bucket each; above, the top kSubBits bits after the leading
// one pick the sub-bucket of the value's power of two.
int LatencyHistogram::Index(std::uint64_t value) {
  if (value < (1u << kSubBits)) return static_cast<int>(value);
  int exponent = std::bit_width(value) - 1;  // >= kSubBits
  int sub = static_cast<int>((value >> (exponent - kSubBits)) & ((1u << kSubBits) - 1));
  return ((exponent - kSubBits + 1) << kSubBits) + sub;
}

std::int64_t LatencyHistogram::UpperBound(int index) {
  if (index < (1 << kSubBits)) return index;
  int exponent = (index >> kSubBits) + kSubBits - 1;
  std::uint64_t sub = static_cast<std::uint64_t>(index & ((1 << kSubBits) - 1));
  std::uint64_t low = (std::uint64_t{1} << exponent) | (sub << (exponent - kSubBits));
  return static_cast<std::int64_t>(low + (std::uint64_t{1} << (exponent - kSubBits)) - 1);
}

void LatencyHistogram::Record(std::int64_t nanoseconds) {
  std::uint64_t value = static_cast<std::uint64_t>(std::max<std::int64_t>(nanoseconds, 0));
  ++buckets_[static_cast<std::size_t>(std::min(Index(value), kBuckets - 1))];
  ++count_;
  sum_ += static_cast<std::int64_t>(value);
  max_ = std::max(max_, static_cast<std::int64_t>(value));
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

std::int64_t LatencyHistogram::Percentile(double fraction) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[static_cast<std::size_t>(i)];
    if (seen >= rank) return std::min(UpperBound(i), max_);
  }
  return max_;
}

}  // namespace haven::bench
