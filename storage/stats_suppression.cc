#include "storage/stats_suppression.h"

namespace haven::storage {

std::optional<std::uint64_t> SuppressSmallCount(std::uint64_t count) {
  if (count > 0 && count < kMinimumReportedCount) return std::nullopt;
  return count;
}

std::vector<std::optional<std::uint64_t>> SuppressTable(std::span<const std::uint64_t> counts, bool total_known) {
  std::vector<std::optional<std::uint64_t>> shown;
  shown.reserve(counts.size());
  for (std::uint64_t count : counts) shown.push_back(SuppressSmallCount(count));
  if (!total_known) return shown;
  auto hidden_sum = [&] {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) sum += shown[i] ? 0 : counts[i];
    return sum;
  };
  while (!SuppressSmallCount(hidden_sum())) {
    std::optional<std::size_t> smallest;
    for (std::size_t i = 0; i < shown.size(); ++i) {
      if (shown[i] && *shown[i] > 0 && (!smallest || *shown[i] < *shown[*smallest])) smallest = i;
    }
    // None: only suppressed cells are not 0, so they add up to the total; a total below five
    // must be hidden itself, which is the caller's part.
    if (!smallest) break;
    shown[*smallest] = std::nullopt;
  }
  return shown;
}

}  // namespace haven::storage
