#include "storage/clock.h"

#include <chrono>

namespace haven::storage {

std::uint64_t SystemClock::NowSeconds() const {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count());
}

std::uint64_t SystemClock::MonotonicSeconds() const {
  auto since_start = std::chrono::steady_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(since_start).count());
}

}  // namespace haven::storage
