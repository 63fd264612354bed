// The client puzzle of protocol.md 11.2: while the queue or the join rate is under pressure, a
// visitor's `welcome` carries a challenge and its `join` must carry a proof of work for it, so
// that a flood of joins costs the flooder CPU time rather than costing a real visitor her place.
//
// The challenge belongs to one connection (it lives in that connection's memory and nowhere
// else), and a connection joins at most once, so a solution cannot be replayed and the server
// stores nothing. Checking a solution costs `solutions` hashes; finding one costs
// solutions × 2^bits hashes on average. Asking for many easy solutions instead of one hard one
// keeps the solving time steady: its spread is 1/sqrt(solutions) of its mean.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "server/core/instant.h"

namespace haven::helpline {

struct PuzzleRules {
  std::uint32_t from_waiting = 20;           // waiting visitors at or above which joins need a puzzle
  std::uint32_t from_joins_per_minute = 30;  // joins asked in the last minute, all networks together
  std::uint32_t bits = 14;                   // leading zero bits of each solution's hash
  std::uint32_t solutions = 16;              // solutions asked for; 0: never ask
  std::chrono::milliseconds timeout{30000};  // a visitor given a puzzle must join this soon
};

inline constexpr std::uint32_t kMaxPuzzleBits = 24;
inline constexpr std::uint32_t kMaxPuzzleSolutions = 64;

struct JoinPuzzle {
  std::array<std::uint8_t, 32> challenge{};
  std::uint32_t bits = 0;
  std::uint32_t solutions = 0;
};

// A fresh random challenge at the rules' difficulty.
JoinPuzzle NewJoinPuzzle(const PuzzleRules& rules);

// True if `nonce` alone meets the puzzle: H("Haven puzzle v1\0" ‖ challenge ‖ u32(nonce))
// begins with `bits` zero bits.
bool NonceMeets(const JoinPuzzle& puzzle, std::uint32_t nonce);

// True if `nonces` are exactly `solutions` strictly increasing nonces that each meet it.
bool Solves(const JoinPuzzle& puzzle, std::span<const std::uint32_t> nonces);

// The smallest solution: the first `solutions` nonces from 0 up that meet the puzzle. What an
// honest client does, here for tests and for measuring what a flood costs (haven-bench abuse).
std::vector<std::uint32_t> Solve(const JoinPuzzle& puzzle);

// Whether joins are under pressure now: the queue is long or many joins came in the last
// minute. Joins are counted in one-second buckets, so memory stays fixed whatever the flood.
class JoinPressure {
 public:
  explicit JoinPressure(PuzzleRules rules) : rules_(rules) {}
  // A visitor asked to join (whatever the answer): floods count even when refused.
  void Asked(core::Instant now);
  std::uint32_t JoinsInLastMinute(core::Instant now) const;
  // True when a visitor connecting now should get a puzzle.
  bool High(core::Instant now, std::size_t waiting) const;
  const PuzzleRules& rules() const { return rules_; }

 private:
  static constexpr std::size_t kBuckets = 60;
  PuzzleRules rules_;
  std::array<std::uint32_t, kBuckets> counts_{};
  std::array<std::int64_t, kBuckets> seconds_{};  // which second each bucket counts
};

}  // namespace haven::helpline
