// Small-count suppression for the statistics report (k = 5): which counts of a one-dimension
// table may be shown. Raw counts go in, shown counts or "suppressed" (nullopt) come out; the
// report never lets a raw count below five leave storage.
//
//   primary        a count of 1 to 4 is suppressed. 0 is shown: it names nobody.
//   complementary  when the table's cells add up to a total that is shown (or can be worked
//                  out from what is shown), the total minus the shown cells gives the sum of
//                  the suppressed ones: with exactly one suppressed cell, that cell itself;
//                  with two cells of 1, both. So while the suppressed cells add up to 1..4,
//                  the smallest other non-zero cell (the first in table order among equals)
//                  is suppressed as well. One suppressed cell therefore always has a second,
//                  and what a reader can subtract is never a count below five.
//
// A complementarily suppressed cell counts five or more but looks like any other suppressed
// cell, on purpose: telling them apart would say which hidden cell is the small one.
//
// Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace haven::storage {

// Smallest count a report shows.
inline constexpr std::uint64_t kMinimumReportedCount = 5;

// 1 to 4 suppressed, anything else shown.
std::optional<std::uint64_t> SuppressSmallCount(std::uint64_t count);

// The cells of one table as shown. `total_known`: the cells partition a total that the reader
// sees or can work out, so complementary suppression applies; otherwise primary only.
std::vector<std::optional<std::uint64_t>> SuppressTable(std::span<const std::uint64_t> counts, bool total_known);

}  // namespace haven::storage
