// The join puzzle of protocol.md 11.2: the worked example of the document, what a solution must
// be, and when the server asks for one.
#include "server/helpline/join_puzzle.h"

#include <gtest/gtest.h>

#include <numeric>

namespace haven::helpline {
namespace {

using namespace std::chrono_literals;

// protocol.md 11.2, "Worked example".
JoinPuzzle WorkedExample() {
  JoinPuzzle puzzle;
  std::iota(puzzle.challenge.begin(), puzzle.challenge.end(), std::uint8_t{0});
  puzzle.bits = 8;
  puzzle.solutions = 3;
  return puzzle;
}

TEST(JoinPuzzle, SolvesTheDocumentsWorkedExample) {
  JoinPuzzle puzzle = WorkedExample();
  EXPECT_EQ(Solve(puzzle), (std::vector<std::uint32_t>{77, 276, 350}));
  EXPECT_TRUE(Solves(puzzle, std::vector<std::uint32_t>{77, 276, 350}));
  EXPECT_FALSE(NonceMeets(puzzle, 76));
  EXPECT_FALSE(NonceMeets(puzzle, 78));
}

TEST(JoinPuzzle, RefusesAnythingButDistinctIncreasingSolutionsOfTheRightCount) {
  JoinPuzzle puzzle = WorkedExample();
  EXPECT_FALSE(Solves(puzzle, std::vector<std::uint32_t>{}));
  EXPECT_FALSE(Solves(puzzle, std::vector<std::uint32_t>{77, 276}));             // too few
  EXPECT_FALSE(Solves(puzzle, std::vector<std::uint32_t>{77, 276, 350, 77}));    // too many
  EXPECT_FALSE(Solves(puzzle, std::vector<std::uint32_t>{77, 77, 77}));          // one solution, thrice
  EXPECT_FALSE(Solves(puzzle, std::vector<std::uint32_t>{350, 276, 77}));        // not increasing
  EXPECT_FALSE(Solves(puzzle, std::vector<std::uint32_t>{77, 276, 351}));        // 351 does not meet it
  puzzle.bits = 12;  // 77's hash is 0072…: eight zero bits, not twelve
  EXPECT_FALSE(Solves(puzzle, std::vector<std::uint32_t>{77, 276, 350}));
  puzzle.challenge[31] ^= 1;  // another connection's challenge
  puzzle.bits = 8;
  EXPECT_FALSE(Solves(puzzle, std::vector<std::uint32_t>{77, 276, 350}));
}

TEST(JoinPuzzle, NewPuzzlesHaveFreshChallengesAndTheRulesDifficulty) {
  PuzzleRules rules;
  rules.bits = 30;         // beyond what the protocol allows: clamped
  rules.solutions = 1000;
  JoinPuzzle a = NewJoinPuzzle(rules), b = NewJoinPuzzle(rules);
  EXPECT_NE(a.challenge, b.challenge);
  EXPECT_EQ(a.bits, kMaxPuzzleBits);
  EXPECT_EQ(a.solutions, kMaxPuzzleSolutions);
}

TEST(JoinPuzzle, SolvingTakesAboutSolutionsTimesTwoToTheBitsHashes) {
  PuzzleRules rules;
  rules.bits = 10;
  rules.solutions = 16;
  std::uint64_t last_nonces = 0;
  constexpr int kPuzzles = 20;
  for (int i = 0; i < kPuzzles; ++i) {
    JoinPuzzle puzzle = NewJoinPuzzle(rules);
    auto nonces = Solve(puzzle);
    ASSERT_EQ(nonces.size(), 16u);
    EXPECT_TRUE(Solves(puzzle, nonces));
    last_nonces += nonces.back() + 1u;  // hashes tried
  }
  double mean = static_cast<double>(last_nonces) / kPuzzles;
  // Expected 16 × 1024 = 16384, standard deviation of the mean of 20 about 16384 / 4 / sqrt(20).
  EXPECT_GT(mean, 16384 * 0.7);
  EXPECT_LT(mean, 16384 * 1.3);
}

TEST(JoinPressure, ALongQueueOrManyJoinsInAMinuteAskForPuzzles) {
  PuzzleRules rules;
  rules.from_waiting = 20;
  rules.from_joins_per_minute = 30;
  JoinPressure pressure(rules);
  core::Instant now{std::chrono::sys_days{std::chrono::year{2027} / 1 / 15}};
  EXPECT_FALSE(pressure.High(now, 19));
  EXPECT_TRUE(pressure.High(now, 20));
  for (int i = 0; i < 29; ++i) pressure.Asked(now + std::chrono::milliseconds(i * 1500));  // over 43.5 s
  now += 44s;
  EXPECT_EQ(pressure.JoinsInLastMinute(now), 29u);
  EXPECT_FALSE(pressure.High(now, 0));
  pressure.Asked(now);
  EXPECT_TRUE(pressure.High(now, 0));
  // A minute later only the joins of the last minute count.
  now += 30s;
  EXPECT_LT(pressure.JoinsInLastMinute(now), 30u);
  EXPECT_FALSE(pressure.High(now, 0));
  now += 10min;
  EXPECT_EQ(pressure.JoinsInLastMinute(now), 0u);
}

TEST(JoinPressure, NoSolutionsMeansNeverAsking) {
  PuzzleRules rules;
  rules.from_waiting = 0;
  rules.solutions = 0;
  JoinPressure pressure(rules);
  EXPECT_FALSE(pressure.High(core::Instant{}, 1000));
}

}  // namespace
}  // namespace haven::helpline
