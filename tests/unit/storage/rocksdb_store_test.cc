// What RocksDbStore adds to the KeyValueStore contract: persistence, the discard filter,
// checkpoints, read-only opening.
#include "storage/rocksdb_store.h"

#include <gtest/gtest.h>

#include "tests/unit/storage/temp_dir.h"

namespace haven::storage {
namespace {

Bytes B(std::string_view text) { return Bytes(text.begin(), text.end()); }

class RocksDbStoreTest : public ::testing::Test {
 protected:
  std::filesystem::path db() const { return dir_.path() / "db"; }
  std::unique_ptr<RocksDbStore> Open(RocksDbOptions options = {}) {
    auto store = RocksDbStore::Open(db(), std::move(options));
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }
  std::size_t Count(const KeyValueStore& store, Family family) {
    std::size_t count = 0;
    EXPECT_TRUE(store.ForEach(family, KeyRange::All(), [&](ByteView, ByteView) { return ++count, true; }));
    return count;
  }
  testing::TempDir dir_;
};

TEST_F(RocksDbStoreTest, RecordsSurviveReopening) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Put(Family::kAccounts, B("k"), B("synced"), Durability::kSynced));
    ASSERT_TRUE(store->Put(Family::kAudit, B("k"), B("buffered"), Durability::kBuffered));
  }
  EXPECT_TRUE(RocksDbStore::Exists(db()));
  auto store = Open();
  EXPECT_EQ(**store->Get(Family::kAccounts, B("k")), B("synced"));
  EXPECT_EQ(**store->Get(Family::kAudit, B("k")), B("buffered"));
}

TEST_F(RocksDbStoreTest, TheDiscardPolicyRunsOnEveryRecordAtCompaction) {
  RocksDbOptions options;
  options.automatic_compaction = false;
  options.discard = [](Family family, ByteView value) {
    return family == Family::kSessions && !value.empty() && value[0] == 'x';
  };
  auto store = Open(options);
  ASSERT_TRUE(store->Put(Family::kSessions, B("1"), B("xdrop"), Durability::kBuffered));
  ASSERT_TRUE(store->Put(Family::kSessions, B("2"), B("keep"), Durability::kBuffered));
  ASSERT_TRUE(store->Put(Family::kAudit, B("3"), B("xkept-in-another-family"), Durability::kBuffered));
  EXPECT_EQ(Count(*store, Family::kSessions), 2u) << "the store itself never hides anything";
  ASSERT_TRUE(store->Compact(Family::kSessions));
  ASSERT_TRUE(store->Compact(Family::kAudit));
  EXPECT_EQ(Count(*store, Family::kSessions), 1u);
  EXPECT_TRUE(store->Get(Family::kSessions, B("2"))->has_value());
  EXPECT_TRUE(store->Get(Family::kAudit, B("3"))->has_value());
}

// A dropped newest version must not bring back an older one from a lower level.
TEST_F(RocksDbStoreTest, DroppingTheNewestVersionDoesNotResurrectAnOlderOne) {
  RocksDbOptions options;
  options.automatic_compaction = false;
  options.discard = [](Family, ByteView value) { return !value.empty() && value[0] == 'x'; };
  auto store = Open(options);
  ASSERT_TRUE(store->Put(Family::kStats, B("k"), B("old"), Durability::kBuffered));
  ASSERT_TRUE(store->Compact(Family::kStats));  // "old" now sits in the bottom level
  ASSERT_TRUE(store->Put(Family::kStats, B("k"), B("xnew"), Durability::kBuffered));
  ASSERT_TRUE(store->Compact(Family::kStats));
  EXPECT_FALSE(store->Get(Family::kStats, B("k"))->has_value());
}

TEST_F(RocksDbStoreTest, ACheckpointIsAConsistentPrivateCopy) {
  auto store = Open();
  ASSERT_TRUE(store->Put(Family::kAccounts, B("k"), B("v"), Durability::kSynced));
  ASSERT_TRUE(store->CreateCheckpoint(dir_.path() / "backup"));
  EXPECT_EQ(std::filesystem::status(dir_.path() / "backup").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  ASSERT_TRUE(store->Put(Family::kAccounts, B("k"), B("changed later"), Durability::kSynced));
  auto copy = RocksDbStore::Open(dir_.path() / "backup", {});
  ASSERT_TRUE(copy);
  EXPECT_EQ(**(*copy)->Get(Family::kAccounts, B("k")), B("v"));
  EXPECT_FALSE(store->CreateCheckpoint(dir_.path() / "backup")) << "an existing directory is refused";
}

TEST_F(RocksDbStoreTest, ReadOnlyOpeningWritesNothing) {
  { ASSERT_TRUE(Open()->Put(Family::kAccounts, B("k"), B("v"), Durability::kSynced)); }
  RocksDbOptions read_only;
  read_only.read_only = true;
  auto store = Open(read_only);
  EXPECT_EQ(**store->Get(Family::kAccounts, B("k")), B("v"));
  EXPECT_FALSE(store->Put(Family::kAccounts, B("k"), B("w"), Durability::kSynced));
  EXPECT_FALSE(RocksDbStore::Open(dir_.path() / "nothing-here", read_only));
}

TEST_F(RocksDbStoreTest, ACorruptTableIsATypedErrorNotACrash) {
  {
    auto store = Open();
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(store->Put(Family::kConversations, B("key" + std::to_string(i)), Bytes(100, 'v'),
                             Durability::kBuffered));
    }
    ASSERT_TRUE(store->Compact(Family::kConversations));
  }
  // Flip bytes in the middle of every table file.
  for (const auto& entry : std::filesystem::directory_iterator(db())) {
    if (entry.path().extension() != ".sst") continue;
    std::FILE* file = std::fopen(entry.path().c_str(), "r+b");
    ASSERT_NE(file, nullptr);
    std::fseek(file, 200, SEEK_SET);
    std::fputs("CORRUPTION!CORRUPTION!", file);
    std::fclose(file);
  }
  auto store = RocksDbStore::Open(db(), {});
  if (!store) {
    EXPECT_EQ(store.error().code, ErrorCode::kCorrupt) << store.error().ToString();
    return;
  }
  int errors = 0;
  for (int i = 0; i < 200; ++i) {
    auto value = (*store)->Get(Family::kConversations, B("key" + std::to_string(i)));
    if (!value) {
      EXPECT_EQ(value.error().code, ErrorCode::kCorrupt) << value.error().ToString();
      ++errors;
    }
  }
  auto scanned = (*store)->ForEach(Family::kConversations, KeyRange::All(), [](ByteView, ByteView) { return true; });
  EXPECT_GT(errors + (scanned ? 0 : 1), 0);
}

}  // namespace
}  // namespace haven::storage
