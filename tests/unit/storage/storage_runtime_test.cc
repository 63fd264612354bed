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

// After a long stop the wall clock cannot be told from one that jumped ahead: shredding
// catches up max_clock_step_seconds per run beyond the real time that passed, unless the
// operator confirms the time.
TEST_F(StorageRuntimeTest, AfterALongStopShreddingWaitsForTheOperatorOrCatchesUp) {
  { ASSERT_TRUE(Open()->stores().conversations().Put(Conversation(ConversationState::kEnded))); }
  clock_.Advance(100 * kSecondsPerDay);
  {
    auto runtime = Open();
    EXPECT_EQ(runtime->keys().horizon_day(), kStart / kSecondsPerDay) << "one step, no more: nothing to shred yet";
    EXPECT_EQ(runtime->CheckHealth().clock, ClockState::kAhead);
    auto report = runtime->RunMaintenance();
    ASSERT_TRUE(report);
    EXPECT_EQ(report->clock, ClockState::kAhead);
    EXPECT_EQ(report->clock_skew_seconds, static_cast<std::int64_t>(100 * kSecondsPerDay - 3600));
  }
  ASSERT_TRUE(StorageRuntime::TrustWallClock(options_.data_dir, clock_));
  auto runtime = Open();
  EXPECT_EQ(runtime->keys().horizon_day(), clock_.Today() - 90);
  EXPECT_EQ(runtime->CheckHealth().clock, ClockState::kTrusted);
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

TEST_F(StorageRuntimeTest, TrustingTheClockNeedsTheDataToBeClosed) {
  auto runtime = Open();
  auto refused = StorageRuntime::TrustWallClock(options_.data_dir, clock_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kDataDirectory);
}

// The field report: started with the clock a year ahead (retention 90 days), stopped, the
// clock corrected. Before, the ratchet destroyed every key inside retention and every new
// visitor was refused for 275 days.
TEST_F(StorageRuntimeTest, AClockAYearAheadDestroysNothingInsideRetention) {
  { ASSERT_TRUE(Open()->stores().conversations().Put(Conversation(ConversationState::kEnded))); }
  clock_.Jump(kStart + 365 * kSecondsPerDay);
  {
    auto runtime = Open();
    for (int run = 0; run < 3; ++run) {  // hourly maintenance, three hours of a wrong clock
      clock_.Advance(3600);
      auto report = runtime->RunMaintenance();
      ASSERT_TRUE(report);
      EXPECT_EQ(report->shredded_days, 0u);
      EXPECT_EQ(report->clock, ClockState::kAhead);
    }
    EXPECT_EQ(runtime->keys().horizon_day(), kStart / kSecondsPerDay) << "yesterday's conversations keep their key";
    ConversationRecord during = Conversation(ConversationState::kWaiting);
    during.chat_id = Bytes(16, 2);
    during.queued_at = clock_.NowSeconds();
    EXPECT_TRUE(runtime->stores().conversations().Put(during)) << "chats go on while the clock is wrong";
  }
  clock_.Jump(kStart + 3 * 3600);  // corrected to the real time
  auto runtime = Open();
  // The trusted time ran one step per run ahead of real time: "behind" until real time passes it.
  EXPECT_EQ(runtime->CheckHealth().clock, ClockState::kBehind);
  auto live = runtime->stores().conversations().Get(Bytes(16, 1));
  ASSERT_TRUE(live);
  EXPECT_TRUE(live->has_value()) << "the conversation from before is readable again";
  ConversationRecord after = Conversation(ConversationState::kWaiting);
  after.chat_id = Bytes(16, 3);
  after.queued_at = clock_.NowSeconds();
  EXPECT_TRUE(runtime->stores().conversations().Put(after)) << "new visitors are taken";
  clock_.Advance(4 * 3600);
  EXPECT_EQ(runtime->CheckHealth().clock, ClockState::kTrusted) << "and the alarm clears by itself";
}

// A clock that went back below a horizon the ratchet already reached (say an operator
// confirmed a wrong time): writes are sealed under a key that exists, and the state says so.
TEST_F(StorageRuntimeTest, AfterTheClockWentBackWritesStillSucceed) {
  { ASSERT_TRUE(Open()); }
  clock_.Jump(kStart + 200 * kSecondsPerDay);
  ASSERT_TRUE(StorageRuntime::TrustWallClock(options_.data_dir, clock_));
  { ASSERT_TRUE(Open()); }  // shreds up to day +110
  clock_.Jump(kStart);
  auto runtime = Open();
  EXPECT_GT(runtime->keys().horizon_day(), clock_.Today());
  EXPECT_EQ(runtime->CheckHealth().clock, ClockState::kBehind);
  ASSERT_TRUE(runtime->stores().conversations().Put(Conversation(ConversationState::kWaiting)));
  auto read = runtime->stores().conversations().Get(Bytes(16, 1));
  ASSERT_TRUE(read) << read.error().ToString();
  EXPECT_TRUE(read->has_value());
  auto report = runtime->RunMaintenance();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->clock, ClockState::kBehind);
}

// Key backups hold master.key alone (README, Storage): a restore with it brings accounts back,
// and no conversation, so an old key backup can never undo shredding.
TEST_F(StorageRuntimeTest, RestoredWithMasterKeyAloneAccountsComeBackConversationsDoNot) {
  {
    auto runtime = Open();
    AccountRecord account;
    account.handle = "maria";
    ASSERT_TRUE(runtime->stores().accounts().Put(account));
    ASSERT_TRUE(runtime->stores().conversations().Put(Conversation(ConversationState::kEnded)));
  }
  std::filesystem::remove(options_.key_dir / kEpochKeyFile);
  clock_.Advance(kSecondsPerDay);
  auto runtime = Open();
  ASSERT_TRUE(runtime);
  EXPECT_TRUE(runtime->stores().accounts().Get("maria")->has_value());
  auto conversation = runtime->stores().conversations().Get(Bytes(16, 1));
  EXPECT_TRUE(!conversation || !conversation->has_value()) << "sealed under an epoch whose key is gone";
  ConversationRecord fresh = Conversation(ConversationState::kWaiting);
  fresh.chat_id = Bytes(16, 2);
  fresh.queued_at = clock_.NowSeconds();
  EXPECT_TRUE(runtime->stores().conversations().Put(fresh)) << "and new ones are stored";
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
