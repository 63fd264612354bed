#include "server/helpline/rate_limiter.h"

#include <algorithm>
#include <iterator>

namespace haven::helpline {

bool TokenBucket::TryTake(core::Instant now) {
  if (started_ && now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  }
  started_ = true;
  last_ = std::max(last_, now);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

bool KeyedRateLimiter::TryTake(const Key& key, core::Instant now) {
  auto [it, inserted] = buckets_.try_emplace(key, TokenBucket(rate_, burst_), now);
  it->second.second = now;
  return it->second.first.TryTake(now);
}

void KeyedRateLimiter::Prune(core::Instant now) {
  // A bucket idle for burst / rate seconds is full again: forgetting it changes nothing.
  auto full_after = std::chrono::duration<double>(burst_ / std::max(rate_, 1e-9));
  std::erase_if(buckets_, [&](const auto& entry) { return now - entry.second.second > full_after; });
}

}  // namespace haven::helpline
