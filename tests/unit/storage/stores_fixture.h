// The typed stores over a MemoryStore with a manual clock: the fast set-up the layers above
// storage use in their own tests.
#pragma once

#include <gtest/gtest.h>

#include "storage/memory_store.h"
#include "storage/stores.h"

namespace haven::storage::testing {

inline constexpr std::uint64_t kStart = 1'750'000'000;  // Sunday 2025-06-15, 15:06 UTC

class StoresTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto::InitSodium()); }
  ManualClock clock_{kStart};
  MemoryStore store_;
  std::unique_ptr<KeyRing> keys_ = KeyRing::InMemory(clock_.Today());
  Stores stores_{store_, *keys_, clock_, RetentionSettings{}};
};

}  // namespace haven::storage::testing
