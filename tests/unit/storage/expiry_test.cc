// Expiry holds before compaction: 100,000 records with random lifetimes on real RocksDB,
// automatic compaction off, the clock moved forward in steps. At every step each record is
// read: not one expired record may be returned and not one live record may be missing.
// Then maintenance compacts, and the same must hold, with the expired records physically
// gone from the database.
#include <gtest/gtest.h>

#include <random>

#include "storage/record_format.h"
#include "storage/storage_runtime.h"
#include "tests/unit/storage/temp_dir.h"

namespace haven::storage {
namespace {

constexpr std::uint64_t kStart = 1'750'000'000;
constexpr int kRecords = 100'000;

struct Written {
  Family family;
  Bytes key;
  std::uint64_t expires_at;
};

class ExpiryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitSodium());
    StorageOptions options;
    options.data_dir = dir_.path() / "data";
    options.key_dir = dir_.path() / "keys";
    options.automatic_compaction = false;
    auto runtime = StorageRuntime::Open(options, clock_);
    ASSERT_TRUE(runtime) << runtime.error().ToString();
    runtime_ = std::move(*runtime);
  }

  void WriteRandomRecords() {
    std::mt19937_64 random(20250615);
    const Family families[] = {Family::kSessions, Family::kConversations, Family::kStats, Family::kAudit};
    SealedRecords& records = runtime_->stores().records();
    WriteBatch batch;
    for (int i = 0; i < kRecords; ++i) {
      Family family = families[random() % 4];
      std::uint64_t ttl = 1 + random() % (10 * kSecondsPerDay);
      Bytes key = crypto::ByteWriter().U32(static_cast<std::uint32_t>(i)).Take();
      Bytes payload(24, static_cast<std::uint8_t>(i));
      ASSERT_TRUE(records.AddPut(batch, family, key, payload, kStart + ttl));
      written_.push_back({family, key, kStart + ttl});
      if (batch.operations().size() == 1000) {
        ASSERT_TRUE(records.Write(batch, Durability::kBuffered));
        batch = WriteBatch();
      }
    }
    ASSERT_TRUE(records.Write(batch, Durability::kBuffered));
  }

  // Reads every record by key and by scan; returns how many are live.
  std::size_t CheckEveryRecord() {
    const SealedRecords& records = runtime_->stores().records();
    std::uint64_t now = clock_.NowSeconds();
    std::size_t expired_returned = 0, live_hidden = 0, errors = 0, live = 0;
    for (const auto& record : written_) {
      bool should_be_live = now < record.expires_at;
      live += should_be_live;
      auto read = records.Get(record.family, record.key);
      if (!read) {
        ++errors;
      } else if (read->has_value() && !should_be_live) {
        ++expired_returned;
      } else if (!read->has_value() && should_be_live) {
        ++live_hidden;
      } else if (read->has_value() && (*read)->payload.bytes()[0] != record.key[3]) {
        ++errors;
      }
    }
    EXPECT_EQ(expired_returned, 0u) << "at +" << now - kStart << " s";
    EXPECT_EQ(live_hidden, 0u) << "at +" << now - kStart << " s";
    EXPECT_EQ(errors, 0u);
    std::size_t scanned = 0;
    for (Family family : {Family::kSessions, Family::kConversations, Family::kStats, Family::kAudit}) {
      EXPECT_TRUE(records.ForEach(family, KeyRange::All(), [&](ByteView, const Result<Record>& record) {
        EXPECT_TRUE(record.has_value());
        EXPECT_LT(now, record ? record->expires_at : 0);
        ++scanned;
        return true;
      }));
    }
    EXPECT_EQ(scanned, live);
    return live;
  }

  std::size_t PhysicalRecords() {
    std::size_t count = 0;
    for (Family family : kAllFamilies) {
      EXPECT_TRUE(runtime_->database().ForEach(family, KeyRange::All(), [&](ByteView, ByteView) {
        ++count;
        return true;
      }));
    }
    return count;
  }

  testing::TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<StorageRuntime> runtime_;
  std::vector<Written> written_;
};

TEST_F(ExpiryTest, NoExpiredReadAndNoHiddenLiveRecordBeforeOrAfterCompaction) {
  WriteRandomRecords();
  for (std::uint64_t step : {std::uint64_t{3600}, 2 * kSecondsPerDay, 5 * kSecondsPerDay}) {
    clock_.Set(kStart + step);
    std::size_t live = CheckEveryRecord();
    EXPECT_GT(live, 0u);
    EXPECT_LT(live, static_cast<std::size_t>(kRecords));
    EXPECT_EQ(PhysicalRecords(), static_cast<std::size_t>(kRecords)) << "nothing compacted yet";
  }
  auto maintained = runtime_->RunMaintenance();
  ASSERT_TRUE(maintained) << maintained.error().ToString();
  std::size_t live = CheckEveryRecord();
  EXPECT_EQ(PhysicalRecords(), live) << "compaction dropped exactly the expired records";

  clock_.Set(kStart + 11 * kSecondsPerDay);
  EXPECT_EQ(CheckEveryRecord(), 0u);
  ASSERT_TRUE(runtime_->RunMaintenance());
  EXPECT_EQ(PhysicalRecords(), 0u);
}

}  // namespace
}  // namespace haven::storage
