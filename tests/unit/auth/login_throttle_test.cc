#include "server/auth/login_throttle.h"

#include <gtest/gtest.h>

namespace haven::auth {
namespace {

constexpr std::uint64_t kNow = 1'800'000'000;
const LoginThrottle::Network kAttacker{1};
const LoginThrottle::Network kOffice{2};

LoginThrottle Throttle() { return LoginThrottle(LoginThrottlePolicy{}); }

// Fails `handle` from `network` until the pair is locked; returns the seconds of the lock.
std::uint64_t FailUntilLocked(LoginThrottle& throttle, const std::string& handle, const LoginThrottle::Network& network, std::uint64_t& now) {
  for (int i = 0; i < 50; ++i) {
    while (throttle.Admit(handle, network, now) != 0) now += 1;
    auto failure = throttle.Failed(handle, network, now);
    if (failure.started_lock) return failure.locked_for;
  }
  return 0;
}

TEST(LoginThrottle, FailuresLockTheHandleForThatNetworkOnly) {
  LoginThrottle throttle = Throttle();
  std::uint64_t now = kNow;
  EXPECT_EQ(FailUntilLocked(throttle, "c-1", kAttacker, now), 30u);
  EXPECT_GT(throttle.Admit("c-1", kAttacker, now), 0u);
  // The counselor, from the office, is not locked out.
  EXPECT_EQ(throttle.Admit("c-1", kOffice, now), 0u);
  throttle.Succeeded("c-1", kOffice);
  // The lock doubles with each further failure after it, up to the maximum.
  now += 31;
  EXPECT_EQ(throttle.Admit("c-1", kAttacker, now), 0u);
  EXPECT_EQ(throttle.Failed("c-1", kAttacker, now).locked_for, 60u);
}

TEST(LoginThrottle, UnknownHandlesAreTreatedExactlyLikeKnownOnes) {
  // The throttle has no idea which handles exist: five failures lock "nobody" as they lock "c-1".
  LoginThrottle throttle = Throttle();
  std::uint64_t now = kNow, then = kNow;
  EXPECT_EQ(FailUntilLocked(throttle, "c-1", kAttacker, now), FailUntilLocked(throttle, "nobody", kOffice, then));
}

TEST(LoginThrottle, OneNetworkHasABudgetOfAttemptsWhateverTheHandles) {
  LoginThrottle throttle = Throttle();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(throttle.Admit("h-" + std::to_string(i), kAttacker, kNow), 0u) << i;
  EXPECT_EQ(throttle.Admit("h-20", kAttacker, kNow), 3u);  // then one attempt every 3 s
  EXPECT_EQ(throttle.Admit("h-20", kOffice, kNow), 0u);    // other networks are unaffected
  EXPECT_EQ(throttle.Admit("h-20", kAttacker, kNow + 3), 0u);
}

TEST(LoginThrottle, NetworksThatFailedAnAccountTwiceShareOneSlowBudget) {
  LoginThrottle throttle = Throttle();
  // Many attacker networks, each failing c-1 twice, then trying again: together they get only
  // the account's suspect budget (6 a minute).
  int admitted = 0;
  for (std::uint8_t n = 10; n < 30; ++n) {
    LoginThrottle::Network network{n};
    for (int i = 0; i < 2; ++i) {
      ASSERT_EQ(throttle.Admit("c-1", network, kNow), 0u);
      throttle.Failed("c-1", network, kNow);
    }
    if (throttle.Admit("c-1", network, kNow) == 0) ++admitted;
  }
  EXPECT_EQ(admitted, 6);
  // One typo from the office does not make it a suspect.
  ASSERT_EQ(throttle.Admit("c-1", kOffice, kNow), 0u);
  throttle.Failed("c-1", kOffice, kNow);
  EXPECT_EQ(throttle.Admit("c-1", kOffice, kNow), 0u);
}

TEST(LoginThrottle, MemoryStaysBoundedUnderAFloodOfNetworks) {
  LoginThrottlePolicy policy;
  policy.max_entries = 1000;
  LoginThrottle throttle(policy);
  for (std::uint32_t i = 0; i < 20000; ++i) {
    LoginThrottle::Network network{static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i >> 16)};
    throttle.Admit("h", network, kNow + i / 100);
    throttle.Failed("h", network, kNow + i / 100);
    ASSERT_LE(throttle.entries(), policy.max_entries + 2) << i;
  }
}

}  // namespace
}  // namespace haven::auth
