// The last 24 hours of the helpline in 15-minute buckets, for the operator view's charts:
// the most visitors waiting and chats active seen in each, and how many were answered and
// abandoned. Counts only; nothing names anyone.
//
// Pure data structure; not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "server/core/instant.h"

namespace haven::helpline {

class OperatorHistory {
 public:
  struct Bucket {
    std::int64_t at = 0;  // unix seconds at the bucket's start
    std::uint32_t waiting = 0;
    std::uint32_t active = 0;
    std::uint32_t answered = 0;
    std::uint32_t abandoned = 0;
    bool operator==(const Bucket&) const = default;
  };

  static constexpr std::int64_t kBucketSeconds = 15 * 60;
  static constexpr std::size_t kBuckets = 96;  // 24 hours

  void Sample(core::Instant now, std::size_t waiting, std::size_t active);
  void Answered(core::Instant now) { ++Current(now).answered; }
  void Abandoned(core::Instant now) { ++Current(now).abandoned; }
  // Oldest first; buckets in which nothing was sampled are absent.
  std::vector<Bucket> Buckets() const { return {buckets_.begin(), buckets_.end()}; }

 private:
  Bucket& Current(core::Instant now);
  std::deque<Bucket> buckets_;
};

}  // namespace haven::helpline
