#include "server/auth/login_throttle.h"

#include <algorithm>
#include <cmath>

namespace haven::auth {

bool LoginThrottle::Take(Bucket& bucket, double per_minute, std::uint64_t now) {
  if (!bucket.started) bucket.tokens = per_minute;
  else bucket.tokens = std::min(per_minute, bucket.tokens + static_cast<double>(now - std::min(now, bucket.last)) * per_minute / 60.0);
  bucket.last = now;
  bucket.started = true;
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

std::uint64_t LoginThrottle::Admit(const std::string& handle, const Network& network, std::uint64_t now) {
  std::lock_guard lock(mutex_);
  if (networks_.size() + pairs_.size() + suspects_.size() > policy_.max_entries) Prune(now);
  auto pair = pairs_.find({handle, network});
  if (pair != pairs_.end()) {
    pair->second.last_seen = now;
    if (pair->second.locked_until > now) return pair->second.locked_until - now;
  }
  const double per_minute = std::max(1u, policy_.attempts_per_minute);
  const std::uint64_t wait = static_cast<std::uint64_t>(std::ceil(60.0 / per_minute));
  if (!Take(networks_[network], per_minute, now)) return wait;
  // A network that has failed this account twice shares the account's slower budget.
  if (pair != pairs_.end() && pair->second.failures >= 2) {
    const double suspect = std::max(1u, policy_.suspect_attempts_per_minute);
    if (!Take(suspects_[handle], suspect, now)) return static_cast<std::uint64_t>(std::ceil(60.0 / suspect));
  }
  return 0;
}

LoginThrottle::Failure LoginThrottle::Failed(const std::string& handle, const Network& network, std::uint64_t now) {
  std::lock_guard lock(mutex_);
  if (networks_.size() + pairs_.size() + suspects_.size() > policy_.max_entries) Prune(now);
  Pair& pair = pairs_[{handle, network}];
  pair.last_seen = now;
  ++pair.failures;
  if (pair.failures < policy_.max_failures) return {};
  std::uint32_t over = std::min<std::uint32_t>(pair.failures - policy_.max_failures, 20);
  std::uint64_t wait = std::min(policy_.lockout_base_seconds << over, policy_.lockout_max_seconds);
  pair.locked_until = now + wait;
  return {wait, true};
}

void LoginThrottle::Succeeded(const std::string& handle, const Network& network) {
  std::lock_guard lock(mutex_);
  pairs_.erase({handle, network});
}

std::size_t LoginThrottle::entries() {
  std::lock_guard lock(mutex_);
  return networks_.size() + pairs_.size() + suspects_.size();
}

void LoginThrottle::Prune(std::uint64_t now) {
  // Buckets full again and pairs neither locked nor seen for an hour carry no state worth keeping.
  std::erase_if(networks_, [&](const auto& entry) { return now - std::min(now, entry.second.last) > 60; });
  std::erase_if(suspects_, [&](const auto& entry) { return now - std::min(now, entry.second.last) > 60; });
  std::erase_if(pairs_, [&](const auto& entry) {
    return entry.second.locked_until <= now && now - std::min(now, entry.second.last_seen) > 3600;
  });
  // Still too many (a flood from very many networks at once): forget budgets and unlocked pairs
  // first (a forgotten network merely starts afresh), locks only as a last resort.
  const std::size_t half = policy_.max_entries / 2;
  for (auto it = networks_.begin(); networks_.size() > half / 2 && it != networks_.end();) it = networks_.erase(it);
  for (auto it = suspects_.begin(); suspects_.size() > half / 2 && it != suspects_.end();) it = suspects_.erase(it);
  for (auto it = pairs_.begin(); pairs_.size() > half && it != pairs_.end();) {
    it = it->second.locked_until <= now ? pairs_.erase(it) : std::next(it);
  }
  for (auto it = pairs_.begin(); pairs_.size() > half && it != pairs_.end();) it = pairs_.erase(it);
}

}  // namespace haven::auth
