// An honest estimate of the wait, from how long recent chats took and how many chats the
// counselors on duty can hold at once.
//
// Model: with C chat slots on duty and a typical handling time H, a slot frees up every H / C
// on average. A visitor with P chats ahead of it (and F slots free right now) waits about
// max(0, P + 1 - F) * H / C. The range uses the 25th and 75th percentile of recent handling
// times for H, rounded out to whole minutes, so the widget never shows false precision.
#pragma once

#include <deque>

#include "server/core/effects.h"
#include "server/core/instant.h"

namespace haven::core {

class WaitEstimator {
 public:
  WaitEstimator(Duration assumed_handle_time, std::size_t samples);
  void RecordHandlingTime(Duration handled);
  // `ahead`: chats served before this one; `slots`: total capacity on duty; `free_slots`:
  // capacity not in use by anyone right now.
  WaitEstimate Estimate(std::size_t ahead, int slots, int free_slots) const;

 private:
  Duration Percentile(double fraction) const;
  Duration assumed_;
  std::size_t samples_;
  std::deque<Duration> recent_;
};

}  // namespace haven::core
