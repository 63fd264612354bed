// The KeyValueStore contract, run against both implementations: what MemoryStore promises
// the layers above is what RocksDbStore does.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "storage/memory_store.h"
#include "storage/rocksdb_store.h"
#include "tests/unit/storage/temp_dir.h"

namespace haven::storage {
namespace {

Bytes B(std::string_view text) { return Bytes(text.begin(), text.end()); }

struct MemoryFactory {
  std::unique_ptr<KeyValueStore> Make() { return std::make_unique<MemoryStore>(); }
};

struct RocksDbFactory {
  testing::TempDir dir;
  std::unique_ptr<KeyValueStore> Make() {
    auto store = RocksDbStore::Open(dir.path() / "db", {});
    if (!store) throw std::runtime_error(store.error().ToString());
    return std::move(*store);
  }
};

template <typename Factory>
class KeyValueStoreContract : public ::testing::Test {
 protected:
  void SetUp() override { store_ = factory_.Make(); }
  std::vector<std::pair<Bytes, Bytes>> Scan(Family family, const KeyRange& range) {
    std::vector<std::pair<Bytes, Bytes>> seen;
    auto scanned = store_->ForEach(family, range, [&](ByteView key, ByteView value) {
      seen.emplace_back(Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end()));
      return true;
    });
    EXPECT_TRUE(scanned.has_value());
    return seen;
  }
  Factory factory_;
  std::unique_ptr<KeyValueStore> store_;
};

using Implementations = ::testing::Types<MemoryFactory, RocksDbFactory>;
class Names {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, MemoryFactory> ? "MemoryStore" : "RocksDbStore";
  }
};
TYPED_TEST_SUITE(KeyValueStoreContract, Implementations, Names);

TYPED_TEST(KeyValueStoreContract, PutThenGetReturnsTheValue) {
  ASSERT_TRUE(this->store_->Put(Family::kAccounts, B("k"), B("v1"), Durability::kSynced));
  auto value = this->store_->Get(Family::kAccounts, B("k"));
  ASSERT_TRUE(value.has_value());
  ASSERT_TRUE(value->has_value());
  EXPECT_EQ(**value, B("v1"));
  ASSERT_TRUE(this->store_->Put(Family::kAccounts, B("k"), B("v2"), Durability::kBuffered));
  EXPECT_EQ(**this->store_->Get(Family::kAccounts, B("k")), B("v2"));
}

TYPED_TEST(KeyValueStoreContract, MissingKeyIsNotFoundNotAnError) {
  auto value = this->store_->Get(Family::kSessions, B("absent"));
  ASSERT_TRUE(value.has_value());
  EXPECT_FALSE(value->has_value());
}

TYPED_TEST(KeyValueStoreContract, FamiliesAreSeparate) {
  ASSERT_TRUE(this->store_->Put(Family::kAccounts, B("k"), B("a"), Durability::kSynced));
  ASSERT_TRUE(this->store_->Put(Family::kAudit, B("k"), B("b"), Durability::kSynced));
  EXPECT_EQ(**this->store_->Get(Family::kAccounts, B("k")), B("a"));
  EXPECT_EQ(**this->store_->Get(Family::kAudit, B("k")), B("b"));
  EXPECT_FALSE(this->store_->Get(Family::kStats, B("k"))->has_value());
}

TYPED_TEST(KeyValueStoreContract, DeleteRemovesAndDeletingTheAbsentSucceeds) {
  ASSERT_TRUE(this->store_->Put(Family::kStats, B("k"), B("v"), Durability::kSynced));
  ASSERT_TRUE(this->store_->Delete(Family::kStats, B("k"), Durability::kSynced));
  EXPECT_FALSE(this->store_->Get(Family::kStats, B("k"))->has_value());
  EXPECT_TRUE(this->store_->Delete(Family::kStats, B("never"), Durability::kBuffered));
}

TYPED_TEST(KeyValueStoreContract, EmptyKeysAndValuesAndBinaryBytesRoundTrip) {
  Bytes binary = {0x00, 0xff, 0x00, 0x7f};
  ASSERT_TRUE(this->store_->Put(Family::kAudit, binary, {}, Durability::kSynced));
  ASSERT_TRUE(this->store_->Put(Family::kAudit, {}, binary, Durability::kSynced));
  EXPECT_EQ(**this->store_->Get(Family::kAudit, binary), Bytes{});
  EXPECT_EQ(**this->store_->Get(Family::kAudit, Bytes{}), binary);
}

TYPED_TEST(KeyValueStoreContract, ForEachVisitsARangeInByteOrder) {
  for (const char* key : {"b2", "a1", "b1", "c", "b\xff", "b"}) {
    ASSERT_TRUE(this->store_->Put(Family::kStats, B(key), B(std::string("v") + key), Durability::kBuffered));
  }
  auto prefixed = this->Scan(Family::kStats, KeyRange::Prefix(B("b")));
  std::vector<Bytes> keys;
  for (auto& [key, value] : prefixed) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<Bytes>{B("b"), B("b1"), B("b2"), B("b\xff")}));
  EXPECT_EQ(prefixed[1].second, B("vb1"));

  auto all = this->Scan(Family::kStats, KeyRange::All());
  EXPECT_EQ(all.size(), 6u);
  EXPECT_EQ(all.front().first, B("a1"));
  EXPECT_EQ(all.back().first, B("c"));

  auto bounded = this->Scan(Family::kStats, KeyRange{B("a2"), B("b2")});
  ASSERT_EQ(bounded.size(), 2u);
  EXPECT_EQ(bounded[0].first, B("b"));
  EXPECT_EQ(bounded[1].first, B("b1"));
  EXPECT_TRUE(this->Scan(Family::kStats, KeyRange{B("c"), B("a")}).empty());
  EXPECT_TRUE(this->Scan(Family::kAccounts, KeyRange::All()).empty());
}

TYPED_TEST(KeyValueStoreContract, ForEachStopsWhenTheVisitorSaysSo) {
  for (const char* key : {"1", "2", "3"}) {
    ASSERT_TRUE(this->store_->Put(Family::kAudit, B(key), B("v"), Durability::kBuffered));
  }
  int visited = 0;
  ASSERT_TRUE(this->store_->ForEach(Family::kAudit, KeyRange::All(), [&](ByteView, ByteView) { return ++visited < 2; }));
  EXPECT_EQ(visited, 2);
}

TYPED_TEST(KeyValueStoreContract, ABatchAppliesInOrderAndAtOnce) {
  ASSERT_TRUE(this->store_->Put(Family::kSessions, B("old"), B("x"), Durability::kSynced));
  WriteBatch batch;
  batch.Put(Family::kSessions, B("a"), B("1"));
  batch.Put(Family::kConversations, B("b"), B("2"));
  batch.Delete(Family::kSessions, B("old"));
  batch.Put(Family::kSessions, B("a"), B("3"));  // the later operation wins
  ASSERT_TRUE(this->store_->Write(batch, Durability::kSynced));
  EXPECT_EQ(**this->store_->Get(Family::kSessions, B("a")), B("3"));
  EXPECT_EQ(**this->store_->Get(Family::kConversations, B("b")), B("2"));
  EXPECT_FALSE(this->store_->Get(Family::kSessions, B("old"))->has_value());
  EXPECT_TRUE(this->store_->Write(WriteBatch(), Durability::kSynced));
}

// Readers never see half a batch: every batch writes the same counter to two keys.
TYPED_TEST(KeyValueStoreContract, ConcurrentReadersNeverSeeHalfABatch) {
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!done) {
      std::vector<Bytes> values;
      auto scanned = this->store_->ForEach(Family::kStats, KeyRange::All(), [&](ByteView, ByteView value) {
        values.emplace_back(value.begin(), value.end());
        return true;
      });
      if (scanned && values.size() == 2 && values[0] != values[1]) ++torn;
    }
  });
  for (int i = 0; i < 300; ++i) {
    WriteBatch batch;
    batch.Put(Family::kStats, B("x"), B(std::to_string(i)));
    batch.Put(Family::kStats, B("y"), B(std::to_string(i)));
    ASSERT_TRUE(this->store_->Write(batch, Durability::kBuffered));
  }
  done = true;
  reader.join();
  EXPECT_EQ(torn.load(), 0);
}

TYPED_TEST(KeyValueStoreContract, AVisitorMayWriteToTheStore) {
  ASSERT_TRUE(this->store_->Put(Family::kAudit, B("a"), B("1"), Durability::kBuffered));
  ASSERT_TRUE(this->store_->ForEach(Family::kAudit, KeyRange::All(), [&](ByteView key, ByteView) {
    EXPECT_TRUE(this->store_->Put(Family::kAccounts, key, B("copied"), Durability::kBuffered));
    return true;
  }));
  EXPECT_EQ(**this->store_->Get(Family::kAccounts, B("a")), B("copied"));
}

TEST(KeyRange, PrefixEndIsTheNextKeyAfterEveryExtension) {
  EXPECT_EQ(KeyRange::Prefix(B("ab")).end, B("ac"));
  EXPECT_EQ(KeyRange::Prefix(Bytes{'a', 0xff}).end, B("b"));
  EXPECT_TRUE(KeyRange::Prefix(Bytes{0xff, 0xff}).end.empty());
  EXPECT_TRUE(KeyRange::Prefix(B("ab")).Contains(B("ab\xff\xff")));
  EXPECT_FALSE(KeyRange::Prefix(B("ab")).Contains(B("ac")));
}

}  // namespace
}  // namespace haven::storage
