#include "storage/sealed_records.h"

#include <gtest/gtest.h>

#include "crypto/sealing.h"
#include "storage/memory_store.h"
#include "storage/record_format.h"

namespace haven::storage {
namespace {

constexpr std::uint64_t kStart = 1'750'000'000;  // 2025-06-15
constexpr std::uint64_t kHour = 3600;

Bytes B(std::string_view text) { return Bytes(text.begin(), text.end()); }

class SealedRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto::InitSodium()); }
  Bytes Raw(Family family, std::string_view key) { return **store_.Get(family, B(key)); }
  void SetRaw(Family family, std::string_view key, const Bytes& value) {
    ASSERT_TRUE(store_.Put(family, B(key), value, Durability::kBuffered));
  }
  ManualClock clock_{kStart};
  MemoryStore store_;
  std::unique_ptr<KeyRing> keys_ = KeyRing::InMemory(clock_.Today());
  SealedRecords records_{store_, *keys_, clock_};
};

TEST_F(SealedRecordsTest, PutThenGetGivesThePayloadAndHeader) {
  ASSERT_TRUE(records_.Put(Family::kAccounts, B("k"), B("payload"), kStart + kHour, Durability::kSynced));
  auto record = records_.Get(Family::kAccounts, B("k"));
  ASSERT_TRUE(record.has_value()) << record.error().ToString();
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ(crypto::AsText((*record)->payload.bytes()), "payload");
  EXPECT_EQ((*record)->created_at, kStart);
  EXPECT_EQ((*record)->expires_at, kStart + kHour);
  EXPECT_EQ((*record)->key_epoch, 0u);
  EXPECT_EQ(Raw(Family::kAccounts, "k").size(), kHeaderSize + crypto::kSealOverhead + 7);
}

TEST_F(SealedRecordsTest, ConversationsCarryTheirCreationDayAsEpoch) {
  ASSERT_TRUE(records_.Put(Family::kConversations, B("c"), B("meta"), kStart + kHour, Durability::kSynced));
  auto record = records_.Get(Family::kConversations, B("c"));
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->key_epoch, kStart / kSecondsPerDay);
}

TEST_F(SealedRecordsTest, TheClearTextIsNowhereInTheStoredValue) {
  ASSERT_TRUE(records_.Put(Family::kConversations, B("c"), B("CANARY-PAYLOAD"), kStart + kHour, Durability::kSynced));
  std::string raw = std::string(crypto::AsText(Raw(Family::kConversations, "c")));
  EXPECT_EQ(raw.find("CANARY"), std::string::npos);
}

TEST_F(SealedRecordsTest, AnExpiredRecordIsNotFoundByGetOrForEach) {
  ASSERT_TRUE(records_.Put(Family::kSessions, B("short"), B("x"), kStart + 60, Durability::kSynced));
  ASSERT_TRUE(records_.Put(Family::kSessions, B("long"), B("y"), kStart + kHour, Durability::kSynced));
  clock_.Advance(59);
  EXPECT_TRUE(records_.Get(Family::kSessions, B("short"))->has_value());
  clock_.Advance(1);
  EXPECT_FALSE(records_.Get(Family::kSessions, B("short"))->has_value());
  std::vector<Bytes> seen;
  ASSERT_TRUE(records_.ForEach(Family::kSessions, KeyRange::All(), [&](ByteView key, const Result<Record>& record) {
    EXPECT_TRUE(record.has_value());
    seen.emplace_back(key.begin(), key.end());
    return true;
  }));
  EXPECT_EQ(seen, std::vector<Bytes>{B("long")});
}

TEST_F(SealedRecordsTest, RefusesToWriteARecordThatHasAlreadyExpired) {
  auto put = records_.Put(Family::kAudit, B("k"), B("x"), kStart, Durability::kSynced);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SealedRecordsTest, AValueMovedToAnotherKeyOrFamilyDoesNotOpen) {
  ASSERT_TRUE(records_.Put(Family::kAccounts, B("alice"), B("admin"), kNeverExpires, Durability::kSynced));
  SetRaw(Family::kAccounts, "mallory", Raw(Family::kAccounts, "alice"));
  EXPECT_EQ(records_.Get(Family::kAccounts, B("mallory")).error().code, ErrorCode::kWrongKey);
  SetRaw(Family::kAudit, "alice", Raw(Family::kAccounts, "alice"));
  EXPECT_EQ(records_.Get(Family::kAudit, B("alice")).error().code, ErrorCode::kWrongKey);
}

TEST_F(SealedRecordsTest, ExtendingTheExpiryInTheClearHeaderMakesTheValueFail) {
  ASSERT_TRUE(records_.Put(Family::kSessions, B("s"), B("x"), kStart + 60, Durability::kSynced));
  Bytes value = Raw(Family::kSessions, "s");
  Bytes extended = crypto::ByteWriter().U64(kNeverExpires).Take();
  std::copy(extended.begin(), extended.end(), value.begin() + 9);
  SetRaw(Family::kSessions, "s", value);
  clock_.Advance(120);
  EXPECT_EQ(records_.Get(Family::kSessions, B("s")).error().code, ErrorCode::kWrongKey);
}

// Whatever single byte is changed, the read is a typed error or (when the change makes
// the record look expired) not found - never the record, never a crash.
TEST_F(SealedRecordsTest, EveryAlteredByteIsDetected) {
  ASSERT_TRUE(records_.Put(Family::kConversations, B("c"), B("metadata"), kStart + kHour, Durability::kSynced));
  Bytes original = Raw(Family::kConversations, "c");
  for (std::size_t i = 0; i < original.size(); ++i) {
    Bytes altered = original;
    altered[i] ^= 0x20;
    SetRaw(Family::kConversations, "c", altered);
    auto record = records_.Get(Family::kConversations, B("c"));
    if (record) {
      EXPECT_FALSE(record->has_value()) << "byte " << i;
    } else {
      auto code = record.error().code;
      EXPECT_TRUE(code == ErrorCode::kWrongKey || code == ErrorCode::kCorrupt || code == ErrorCode::kUnknownVersion)
          << "byte " << i << ": " << record.error().ToString();
    }
  }
}

TEST_F(SealedRecordsTest, MalformedValuesAreTypedErrors) {
  SetRaw(Family::kStats, "empty", {});
  EXPECT_EQ(records_.Get(Family::kStats, B("empty")).error().code, ErrorCode::kCorrupt);
  SetRaw(Family::kStats, "short", Bytes(kHeaderSize + 3, 0x01));
  EXPECT_EQ(records_.Get(Family::kStats, B("short")).error().code, ErrorCode::kCorrupt);
  Bytes future(100, 0);
  future[0] = 2;
  SetRaw(Family::kStats, "v2", future);
  EXPECT_EQ(records_.Get(Family::kStats, B("v2")).error().code, ErrorCode::kUnknownVersion);
  // An epoch in a family without epochs.
  Bytes header = EncodeHeader({kValueVersion, kStart, kNeverExpires, 7});
  header.resize(header.size() + crypto::kSealOverhead, 0);
  SetRaw(Family::kStats, "epoch", header);
  EXPECT_EQ(records_.Get(Family::kStats, B("epoch")).error().code, ErrorCode::kCorrupt);
}

TEST_F(SealedRecordsTest, AKeyEpochFarInTheFutureIsCorruptAndCheap) {
  Bytes value = EncodeHeader({kValueVersion, kStart, kNeverExpires, 0xfffffff0});
  value.resize(value.size() + crypto::kSealOverhead, 0);
  SetRaw(Family::kConversations, "far", value);
  EXPECT_EQ(records_.Get(Family::kConversations, B("far")).error().code, ErrorCode::kCorrupt);
}

TEST_F(SealedRecordsTest, AnotherKeyRingOpensNothing) {
  ASSERT_TRUE(records_.Put(Family::kAccounts, B("a"), B("x"), kNeverExpires, Durability::kSynced));
  ASSERT_TRUE(records_.Put(Family::kConversations, B("c"), B("x"), kStart + kHour, Durability::kSynced));
  auto other_keys = KeyRing::InMemory(clock_.Today());
  SealedRecords other(store_, *other_keys, clock_);
  EXPECT_EQ(other.Get(Family::kAccounts, B("a")).error().code, ErrorCode::kWrongKey);
  EXPECT_EQ(other.Get(Family::kConversations, B("c")).error().code, ErrorCode::kWrongKey);
}

TEST_F(SealedRecordsTest, ShreddedRecordsReadAsNotFoundAndAreCounted) {
  // Sealed today, kept 10 days; the epochs are then advanced with a 3-day retention.
  ASSERT_TRUE(records_.Put(Family::kConversations, B("c"), B("x"), kStart + 10 * kSecondsPerDay, Durability::kSynced));
  clock_.Advance(5 * kSecondsPerDay);
  ASSERT_TRUE(records_.Put(Family::kConversations, B("recent"), B("y"), kStart + 20 * kSecondsPerDay,
                           Durability::kSynced));
  auto advanced = keys_->AdvanceEpochs(clock_.Today(), 3);
  ASSERT_TRUE(advanced);
  EXPECT_EQ(*advanced, 2u);
  auto record = records_.Get(Family::kConversations, B("c"));
  ASSERT_TRUE(record.has_value());
  EXPECT_FALSE(record->has_value());
  EXPECT_EQ(records_.shredded_reads(), 1u);
  EXPECT_TRUE(records_.Get(Family::kConversations, B("recent"))->has_value());
  int visited = 0;
  ASSERT_TRUE(records_.ForEach(Family::kConversations, KeyRange::All(), [&](ByteView, const Result<Record>& r) {
    EXPECT_TRUE(r.has_value());
    ++visited;
    return true;
  }));
  EXPECT_EQ(visited, 1);
  EXPECT_EQ(records_.shredded_reads(), 2u);
}

TEST_F(SealedRecordsTest, ForEachHandsBadRecordsToTheVisitorAndGoesOn) {
  ASSERT_TRUE(records_.Put(Family::kAudit, B("1"), B("good"), kNeverExpires, Durability::kSynced));
  SetRaw(Family::kAudit, "2", Bytes{1, 2, 3});
  ASSERT_TRUE(records_.Put(Family::kAudit, B("3"), B("good"), kNeverExpires, Durability::kSynced));
  std::vector<bool> ok;
  ASSERT_TRUE(records_.ForEach(Family::kAudit, KeyRange::All(), [&](ByteView, const Result<Record>& record) {
    ok.push_back(record.has_value());
    return true;
  }));
  EXPECT_EQ(ok, (std::vector<bool>{true, false, true}));
}

TEST(RecordFormat, DiscardDropsExpiredAndShreddedButKeepsWhatItCannotRead) {
  Bytes live = EncodeHeader({kValueVersion, 100, 200, 10});
  live.resize(live.size() + crypto::kSealOverhead, 0);
  EXPECT_FALSE(ShouldDiscard(Family::kConversations, live, 150, 10));
  EXPECT_TRUE(ShouldDiscard(Family::kConversations, live, 200, 10));
  EXPECT_TRUE(ShouldDiscard(Family::kConversations, live, 150, 11));   // epoch key gone
  EXPECT_FALSE(ShouldDiscard(Family::kStats, Bytes(live), 150, 11));  // no epochs there
  Bytes unknown = live;
  unknown[0] = 9;
  EXPECT_FALSE(ShouldDiscard(Family::kConversations, unknown, 1u << 31, 1000));
  EXPECT_FALSE(ShouldDiscard(Family::kConversations, Bytes{1, 2}, 1u << 31, 1000));
}

}  // namespace
}  // namespace haven::storage
