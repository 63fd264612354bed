#include "storage/storage_runtime.h"

#include <gtest/gtest.h>

#include <atomic>

#include "storage/inventory.h"
#include "tests/unit/storage/temp_dir.h"

namespace haven::storage {
namespace {

constexpr std::uint64_t kStart = 1'750'000'000;

ConversationRecord Conversation(ConversationState state) {
  ConversationRecord record;
  record.chat_id = Bytes(16, 1);
  record.state = state;
  record.queued_at = kStart;
  return record;
}

class StorageRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitSodium());
    options_.data_dir = dir_.path() / "data";
    options_.key_dir = dir_.path() / "keys";
  }
  std::unique_ptr<StorageRuntime> Open() {
    auto runtime = StorageRuntime::Open(options_, clock_);
    EXPECT_TRUE(runtime) << runtime.error().ToString();
    return runtime ? std::move(*runtime) : nullptr;
  }
  testing::TempDir dir_;
  ManualClock clock_{kStart};
  StorageOptions options_;
};

TEST_F(StorageRuntimeTest, EveryStoreSurvivesARestart) {
  {
    auto runtime = Open();
    AccountRecord account;
    account.handle = "maria";
    ASSERT_TRUE(runtime->stores().accounts().Put(account));
    ASSERT_TRUE(runtime->stores().conversations().Put(Conversation(ConversationState::kWaiting)));
    ASSERT_TRUE(runtime->stores().audit().Append("admin", "account.invite", "maria"));
  }
  clock_.Advance(3 * kSecondsPerDay);
  auto runtime = Open();
  EXPECT_TRUE(runtime->stores().accounts().Get("maria")->has_value());
  auto waiting = runtime->stores().conversations().ListLive();
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->conversations.size(), 1u);
  EXPECT_TRUE(runtime->stores().audit().Verify()->intact());
}

TEST_F(StorageRuntimeTest, TheDataDirectoryIsLockedWhileOpen) {
  auto runtime = Open();
  auto second = StorageRuntime::Open(options_, clock_);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kDataDirectory);
  EXPECT_NE(second.error().detail.find("in use"), std::string::npos);
}

TEST_F(StorageRuntimeTest, RefusesKeysInsideTheData) {
  options_.key_dir = options_.data_dir / "keys";
  auto runtime = StorageRuntime::Open(options_, clock_);
  ASSERT_FALSE(runtime);
  EXPECT_EQ(runtime.error().code, ErrorCode::kKeyFile);
}

TEST_F(StorageRuntimeTest, RefusesToMakeNewKeysForExistingData) {
  { ASSERT_TRUE(Open()); }
  options_.key_dir = dir_.path() / "other-keys";
  auto runtime = StorageRuntime::Open(options_, clock_);
  ASSERT_FALSE(runtime);
  EXPECT_EQ(runtime.error().code, ErrorCode::kKeyFile);
  EXPECT_FALSE(std::filesystem::exists(options_.key_dir / kMasterKeyFile));
}

TEST_F(StorageRuntimeTest, OpeningAfterLongDowntimeShredsAtOnce) {
  { ASSERT_TRUE(Open()->stores().conversations().Put(Conversation(ConversationState::kEnded))); }
  clock_.Advance(100 * kSecondsPerDay);
  auto runtime = Open();
  EXPECT_EQ(runtime->keys().horizon_day(), clock_.Today() - 90);
  auto inventory = TakeInventory(runtime->database(), clock_.NowSeconds(), runtime->keys().horizon_day());
  ASSERT_TRUE(inventory);
  EXPECT_EQ((*inventory)[2].family, Family::kConversations);
  EXPECT_EQ((*inventory)[2].expired, 1u);
  auto report = runtime->RunMaintenance();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->shredded_days, 0u) << "the open already did it";
  inventory = TakeInventory(runtime->database(), clock_.NowSeconds(), runtime->keys().horizon_day());
  EXPECT_EQ((*inventory)[2].expired, 0u);
}

TEST_F(StorageRuntimeTest, InventoryCountsFromHeadersAlone) {
  auto runtime = Open();
  AccountRecord account;
  account.handle = "maria";
  ASSERT_TRUE(runtime->stores().accounts().Put(account));
  ASSERT_TRUE(runtime->stores().sessions().PutSession(Bytes(32, 1), "maria"));
  ASSERT_TRUE(runtime->stores().sessions().PutTicket(Bytes(32, 2), "maria"));
  ASSERT_TRUE(runtime->database().Put(Family::kStats, Bytes{1}, Bytes{9, 9}, Durability::kSynced));
  clock_.Advance(61);
  auto inventory = TakeInventory(runtime->database(), clock_.NowSeconds(), runtime->keys().horizon_day());
  ASSERT_TRUE(inventory);
  ASSERT_EQ(inventory->size(), 5u);
  const auto& accounts = (*inventory)[0];
  EXPECT_EQ(accounts.live, 1u);
  EXPECT_EQ(accounts.never_expiring, 1u);
  EXPECT_FALSE(accounts.oldest_expiry);
  const auto& sessions = (*inventory)[1];
  EXPECT_EQ(sessions.live, 1u);
  EXPECT_EQ(sessions.expired, 1u);
  EXPECT_EQ(sessions.oldest_expiry, kStart + 43200);
  EXPECT_EQ((*inventory)[3].unreadable, 1u);
}

}  // namespace
}  // namespace haven::storage
