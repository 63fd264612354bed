// Token buckets: `rate` tokens a second up to `burst`. Used per connection (control messages,
// frames) and per ClientKey (new visitor connections). Time is passed in, so tests drive it.
#pragma once

#include <array>
#include <cstdint>
#include <map>

#include "server/core/instant.h"

namespace haven::helpline {

class TokenBucket {
 public:
  TokenBucket(double rate_per_second, double burst) : rate_(rate_per_second), burst_(burst), tokens_(burst) {}
  // Takes one token if there is one.
  bool TryTake(core::Instant now);

 private:
  double rate_;
  double burst_;
  double tokens_;
  core::Instant last_{};
  bool started_ = false;
};

// One bucket per key, pruned of keys that have been idle long enough to be full again.
class KeyedRateLimiter {
 public:
  using Key = std::array<std::uint8_t, 16>;
  KeyedRateLimiter(double rate_per_second, double burst) : rate_(rate_per_second), burst_(burst) {}
  bool TryTake(const Key& key, core::Instant now);
  void Prune(core::Instant now);
  std::size_t size() const { return buckets_.size(); }

 private:
  double rate_;
  double burst_;
  std::map<Key, std::pair<TokenBucket, core::Instant>> buckets_;
};

}  // namespace haven::helpline
