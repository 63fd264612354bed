#include "server/helpline/operator_history.h"

#include <algorithm>

namespace haven::helpline {

OperatorHistory::Bucket& OperatorHistory::Current(core::Instant now) {
  std::int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::int64_t start = seconds - seconds % kBucketSeconds;
  if (buckets_.empty() || buckets_.back().at < start) buckets_.push_back(Bucket{start});
  while (!buckets_.empty() && buckets_.front().at <= start - static_cast<std::int64_t>(kBuckets) * kBucketSeconds) {
    buckets_.pop_front();
  }
  return buckets_.back();
}

void OperatorHistory::Sample(core::Instant now, std::size_t waiting, std::size_t active) {
  Bucket& bucket = Current(now);
  bucket.waiting = std::max(bucket.waiting, static_cast<std::uint32_t>(waiting));
  bucket.active = std::max(bucket.active, static_cast<std::uint32_t>(active));
}

}  // namespace haven::helpline
