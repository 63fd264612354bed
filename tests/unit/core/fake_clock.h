// Time for core tests: starts at a fixed instant and moves only when told.
#pragma once

#include "server/core/instant.h"

namespace haven::core::testing {

class FakeClock {
 public:
  Instant now() const { return now_; }
  void Advance(Duration by) { now_ += by; }

 private:
  Instant now_{std::chrono::sys_days{std::chrono::year{2027} / 1 / 15}};
};

}  // namespace haven::core::testing
