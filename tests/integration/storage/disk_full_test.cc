// A full disk: writes fail with disk_full (which the server answers with BUSY), nothing
// crashes, nothing acknowledged is lost or damaged, and writing resumes by itself once
// space is back.
#include <gtest/gtest.h>
#include <rocksdb/env.h>

#include <limits>
#include <thread>

#include "storage/storage_runtime.h"
#include "tests/integration/storage/fault_file_system.h"
#include "tests/unit/storage/temp_dir.h"

namespace haven::storage {
namespace {

constexpr std::uint64_t kStart = 1'750'000'000;

class StorageDiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitSodium());
    options_.data_dir = dir_.path() / "data";
    options_.key_dir = dir_.path() / "keys";
    options_.env = env_.get();
  }
  std::unique_ptr<StorageRuntime> Open() {
    auto runtime = StorageRuntime::Open(options_, clock_);
    EXPECT_TRUE(runtime) << runtime.error().ToString();
    return runtime ? std::move(*runtime) : nullptr;
  }
  static AccountRecord Account(int i) {
    AccountRecord account;
    account.handle = "counselor-" + std::to_string(i);
    account.login_verifier = Bytes(32, static_cast<std::uint8_t>(i));
    return account;
  }

  testing::TempDir dir_;
  ManualClock clock_{kStart};
  std::shared_ptr<testing::FaultFileSystem> fs_ = std::make_shared<testing::FaultFileSystem>();
  std::unique_ptr<rocksdb::Env> env_ = rocksdb::NewCompositeEnv(fs_);
  StorageOptions options_;
};

TEST_F(StorageDiskFullTest, WritesFailWithDiskFullAndResumeWhenSpaceReturns) {
  auto runtime = Open();
  AccountStore& accounts = runtime->stores().accounts();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(accounts.Put(Account(i)));

  fs_->SetDiskFull(true);
  for (int i = 10; i < 20; ++i) {
    auto written = accounts.Put(Account(i));
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().code, ErrorCode::kDiskFull) << written.error().ToString();
  }
  EXPECT_FALSE(runtime->AcceptsWrites()) << "/readyz reports this";
  auto audit = runtime->stores().audit().Append("admin", "account.invite", "x");
  ASSERT_FALSE(audit);
  EXPECT_EQ(audit.error().code, ErrorCode::kDiskFull);
  auto maintained = runtime->RunMaintenance();
  EXPECT_FALSE(maintained);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(**accounts.Get(Account(i).handle), Account(i)) << "reads go on while the disk is full";
  }

  fs_->SetDiskFull(false);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // failed reopens are retried every 250 ms
  auto resumed = accounts.Put(Account(20));
  ASSERT_TRUE(resumed) << "the next write resumes the database: " << resumed.error().ToString();
  EXPECT_TRUE(runtime->AcceptsWrites());
  ASSERT_TRUE(runtime->stores().audit().Append("admin", "account.invite", "y"));
  ASSERT_TRUE(runtime->RunMaintenance());

  runtime.reset();
  runtime = Open();
  ASSERT_TRUE(runtime);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(**runtime->stores().accounts().Get(Account(i).handle), Account(i));
  EXPECT_TRUE(runtime->stores().accounts().Get(Account(20).handle)->has_value());
  auto list = runtime->stores().accounts().List();
  ASSERT_TRUE(list) << list.error().ToString();
  EXPECT_EQ(list->size(), 11u) << "no refused write reappears";
  EXPECT_TRUE(runtime->stores().audit().Verify()->intact());
}

// The disk fills during a flush and compaction rather than a foreground write.
TEST_F(StorageDiskFullTest, AFullDiskDuringCompactionDamagesNothing) {
  auto runtime = Open();
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(runtime->stores().records().Put(Family::kStats, crypto::ByteWriter().U32(i).Take(), Bytes(100, 1),
                                                kStart + 60 + i, Durability::kBuffered));
  }
  fs_->SetDiskFull(true);
  auto maintained = runtime->RunMaintenance();
  ASSERT_FALSE(maintained);
  EXPECT_EQ(maintained.error().code, ErrorCode::kDiskFull) << maintained.error().ToString();
  fs_->SetDiskFull(false);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto resumed = runtime->stores().accounts().Put(Account(1));
  ASSERT_TRUE(resumed) << resumed.error().ToString();
  clock_.Advance(160);
  ASSERT_TRUE(runtime->RunMaintenance());
  std::size_t physical = 0;
  ASSERT_TRUE(runtime->database().ForEach(Family::kStats, KeyRange::All(), [&](ByteView, ByteView) {
    return ++physical, true;
  }));
  EXPECT_EQ(physical, 99u) << "records 0..100 expired at +160 s";
  runtime.reset();
  EXPECT_TRUE(Open());
}

// A server restarted while its volume is full opens read-only rather than failing to start
// (and being restarted in a loop): reads work, writes say disk_full, and writing comes back
// by itself once there is room.
TEST_F(StorageDiskFullTest, OpeningOnAFullDiskServesReadsAndResumesWithSpace) {
  auto runtime = Open();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(runtime->stores().accounts().Put(Account(i)));
  runtime.reset();

  fs_->SetDiskFull(true);
  runtime = Open();
  ASSERT_TRUE(runtime);
  EXPECT_FALSE(runtime->AcceptsWrites());
  EXPECT_FALSE(runtime->CheckHealth().room_for_new_chats);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(**runtime->stores().accounts().Get(Account(i).handle), Account(i));
  auto refused = runtime->stores().accounts().Put(Account(9));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kDiskFull) << refused.error().ToString();

  fs_->SetDiskFull(false);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // failed reopens are retried every 250 ms
  EXPECT_TRUE(runtime->AcceptsWrites());
  ASSERT_TRUE(runtime->stores().accounts().Put(Account(9)));
  EXPECT_TRUE(runtime->stores().accounts().Get(Account(9).handle)->has_value());
}

TEST_F(StorageDiskFullTest, HealthKeepsAReserveForTheChatsInProgress) {
  options_.reserve_free_bytes = std::numeric_limits<std::uint64_t>::max();  // more than any volume has
  auto runtime = Open();
  StorageHealth health = runtime->CheckHealth();
  EXPECT_TRUE(health.writable);
  EXPECT_GT(health.free_bytes, 0u);
  EXPECT_FALSE(health.room_for_new_chats) << "below the reserve, though writes still work";
  ASSERT_TRUE(runtime->stores().accounts().Put(Account(1)));
}

}  // namespace
}  // namespace haven::storage
