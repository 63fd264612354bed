#include "server/helpline/join_puzzle.h"

#include <sodium.h>

#include <algorithm>

namespace haven::helpline {
namespace {

constexpr char kLabel[] = "Haven puzzle v1";  // sizeof includes the zero byte the label ends with

constexpr std::size_t kInputSize = sizeof kLabel + 32 + 4;

bool LeadingZeroBits(const std::array<std::uint8_t, 32>& digest, std::uint32_t bits) {
  std::size_t whole = bits / 8;
  for (std::size_t i = 0; i < whole; ++i) {
    if (digest[i] != 0) return false;
  }
  std::uint32_t rest = bits % 8;
  return rest == 0 || (digest[whole] >> (8 - rest)) == 0;
}

std::int64_t SecondOf(core::Instant now) {
  return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
}

}  // namespace

JoinPuzzle NewJoinPuzzle(const PuzzleRules& rules) {
  JoinPuzzle puzzle;
  randombytes_buf(puzzle.challenge.data(), puzzle.challenge.size());
  puzzle.bits = std::min(rules.bits, kMaxPuzzleBits);
  puzzle.solutions = std::min(rules.solutions, kMaxPuzzleSolutions);
  return puzzle;
}

bool NonceMeets(const JoinPuzzle& puzzle, std::uint32_t nonce) {
  std::array<std::uint8_t, kInputSize> input{};
  std::copy_n(kLabel, sizeof kLabel, input.begin());
  std::copy(puzzle.challenge.begin(), puzzle.challenge.end(), input.begin() + sizeof kLabel);
  for (int i = 0; i < 4; ++i) input[kInputSize - 1 - i] = static_cast<std::uint8_t>(nonce >> (8 * i));
  std::array<std::uint8_t, 32> digest{};
  crypto_generichash(digest.data(), digest.size(), input.data(), input.size(), nullptr, 0);
  return LeadingZeroBits(digest, puzzle.bits);
}

bool Solves(const JoinPuzzle& puzzle, std::span<const std::uint32_t> nonces) {
  if (nonces.size() != puzzle.solutions) return false;
  for (std::size_t i = 1; i < nonces.size(); ++i) {
    if (nonces[i] <= nonces[i - 1]) return false;
  }
  return std::ranges::all_of(nonces, [&](std::uint32_t nonce) { return NonceMeets(puzzle, nonce); });
}

std::vector<std::uint32_t> Solve(const JoinPuzzle& puzzle) {
  std::vector<std::uint32_t> found;
  for (std::uint64_t nonce = 0; found.size() < puzzle.solutions && nonce <= UINT32_MAX; ++nonce) {
    if (NonceMeets(puzzle, static_cast<std::uint32_t>(nonce))) found.push_back(static_cast<std::uint32_t>(nonce));
  }
  return found;
}

void JoinPressure::Asked(core::Instant now) {
  std::int64_t second = SecondOf(now);
  std::size_t bucket = static_cast<std::size_t>(second % static_cast<std::int64_t>(kBuckets));
  if (seconds_[bucket] != second) {
    seconds_[bucket] = second;
    counts_[bucket] = 0;
  }
  if (counts_[bucket] < UINT32_MAX) ++counts_[bucket];
}

std::uint32_t JoinPressure::JoinsInLastMinute(core::Instant now) const {
  std::int64_t second = SecondOf(now);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    if (second - seconds_[i] < static_cast<std::int64_t>(kBuckets) && seconds_[i] <= second) total += counts_[i];
  }
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(total, UINT32_MAX));
}

bool JoinPressure::High(core::Instant now, std::size_t waiting) const {
  if (rules_.solutions == 0) return false;
  return waiting >= rules_.from_waiting || JoinsInLastMinute(now) >= rules_.from_joins_per_minute;
}

}  // namespace haven::helpline
