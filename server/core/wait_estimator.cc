#include "server/core/wait_estimator.h"

#include <algorithm>
#include <vector>

namespace haven::core {

WaitEstimator::WaitEstimator(Duration assumed_handle_time, std::size_t samples)
    : assumed_(assumed_handle_time), samples_(samples) {}

void WaitEstimator::RecordHandlingTime(Duration handled) {
  recent_.push_back(handled);
  while (recent_.size() > samples_) recent_.pop_front();
}

Duration WaitEstimator::Percentile(double fraction) const {
  if (recent_.empty()) return assumed_;
  std::vector<Duration> sorted(recent_.begin(), recent_.end());
  std::sort(sorted.begin(), sorted.end());
  auto index = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[index];
}

WaitEstimate WaitEstimator::Estimate(std::size_t ahead, int slots, int free_slots) const {
  if (slots <= 0) return WaitEstimate{};
  auto waiting_for = static_cast<std::int64_t>(ahead) + 1 - std::max(free_slots, 0);
  if (waiting_for <= 0) return WaitEstimate{true, Duration(0), std::chrono::minutes(1)};
  auto per_slot = [&](Duration handle) { return handle * waiting_for / slots; };
  auto floor_minute = [](Duration d) { return std::chrono::floor<std::chrono::minutes>(d); };
  auto ceil_minute = [](Duration d) { return std::chrono::ceil<std::chrono::minutes>(d); };
  Duration low = floor_minute(per_slot(Percentile(0.25)));
  Duration high = ceil_minute(per_slot(Percentile(0.75)));
  if (high <= low) high = low + std::chrono::minutes(1);
  return WaitEstimate{true, low, high};
}

}  // namespace haven::core
