#include "storage/trusted_time.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace haven::storage {
namespace {

constexpr std::uint64_t kHour = 3600;
constexpr std::uint64_t kT = 1'750'000'000;

TEST(TrustedTime, WithoutAMarkTheWallClockIsTaken) {
  TrustedTime time(std::nullopt, kT, kHour);
  EXPECT_EQ(time.trusted(), kT);
  EXPECT_EQ(time.StateAt(kT), ClockState::kTrusted);
}

TEST(TrustedTime, AJumpAheadIsAbsorbedOneStepPerCheckBeyondRealTime) {
  TrustedTime time(kT, kT + 365 * 86400, kHour);
  EXPECT_EQ(time.trusted(), kT + kHour);
  EXPECT_EQ(time.SafeNow(kT + 365 * 86400), kT + kHour);
  EXPECT_EQ(time.Check(kT + 365 * 86400 + kHour, kHour), ClockState::kAhead);
  EXPECT_EQ(time.trusted(), kT + 3 * kHour) << "an hour passed, plus one step";
}

TEST(TrustedTime, NormalRunningFollowsTheWallClock) {
  TrustedTime time(kT, kT + 60, kHour);  // a quick restart
  EXPECT_EQ(time.trusted(), kT + 60);
  EXPECT_EQ(time.Check(kT + 60 + kHour, kHour), ClockState::kTrusted);
  EXPECT_EQ(time.trusted(), kT + 60 + kHour);
  EXPECT_EQ(time.Check(kT + 60 + kHour + 120, 100), ClockState::kTrusted) << "NTP nudges are within a step";
  EXPECT_EQ(time.trusted(), kT + 60 + kHour + 120);
}

TEST(TrustedTime, NeverGoesBackAndSaysTheClockIsBehind) {
  TrustedTime time(kT, kT, kHour);
  EXPECT_EQ(time.Check(kT - 86400, 10), ClockState::kBehind);
  EXPECT_EQ(time.trusted(), kT);
  EXPECT_EQ(time.SafeNow(kT - 86400), kT - 86400) << "irreversible work waits for the later of the two";
  EXPECT_EQ(time.StateAt(kT - 600), ClockState::kTrusted) << "within a step";
}

TEST(TrustedTime, TheMarkRoundTrips) {
  auto dir = std::filesystem::temp_directory_path() / ("haven-mark-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  EXPECT_FALSE(*TrustedTime::ReadMark(dir));
  ASSERT_TRUE(TrustedTime::WriteMark(dir, kT));
  ASSERT_TRUE(TrustedTime::WriteMark(dir, kT + 5));
  EXPECT_EQ(**TrustedTime::ReadMark(dir), kT + 5);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace haven::storage
