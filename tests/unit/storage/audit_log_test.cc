#include "storage/audit_log.h"

#include "storage/record_codec.h"
#include "storage/record_format.h"
#include "tests/unit/storage/stores_fixture.h"

namespace haven::storage {
namespace {

class AuditLogTest : public testing::StoresTest {
 protected:
  void AppendMany(int count) {
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(stores_.audit().Append("admin", "counselor.certify", "handle-" + std::to_string(i)));
      clock_.Advance(60);
    }
  }
  Bytes EntryKey(std::uint64_t seq) { return crypto::ByteWriter().U8('e').U64(seq).Take(); }
  AuditVerification Verify() {
    auto verification = stores_.audit().Verify();
    EXPECT_TRUE(verification) << verification.error().ToString();
    return verification.value_or(AuditVerification{});
  }
  // Rewrites entry `seq` through the sealed layer (as a holder of the master key could),
  // changing its subject but keeping its stored hashes.
  void RewriteSubject(std::uint64_t seq, std::string subject) {
    auto record = stores_.records().Get(Family::kAudit, EntryKey(seq));
    ASSERT_TRUE(record && *record);
    auto reader = RecordReader::Parse(RecordType::kAuditEntry, (*record)->payload.bytes());
    ASSERT_TRUE(reader);
    RecordWriter writer(RecordType::kAuditEntry);
    writer.Uint("seq", reader->Uint("seq"))
        .Uint("time", reader->Uint("time"))
        .Uint("prev_expires_at", reader->Uint("prev_expires_at"))
        .Text("actor", reader->Text("actor"))
        .Text("action", reader->Text("action"))
        .Text("subject", subject)
        .Binary("prev_hash", reader->Binary("prev_hash"))
        .Binary("hash", reader->Binary("hash"));
    ASSERT_TRUE(stores_.records().Put(Family::kAudit, EntryKey(seq), *writer.Finish(), (*record)->expires_at,
                                      Durability::kSynced));
  }
};

TEST_F(AuditLogTest, AppendsAChainThatVerifies) {
  AppendMany(5);
  auto entries = stores_.audit().Entries(1, 100);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 5u);
  EXPECT_EQ((*entries)[0].prev_hash, crypto::Digest{});
  for (std::size_t i = 0; i < entries->size(); ++i) {
    EXPECT_EQ((*entries)[i].seq, i + 1);
    EXPECT_EQ((*entries)[i].hash, AuditLog::HashOf((*entries)[i]));
    if (i > 0) {
      EXPECT_EQ((*entries)[i].prev_hash, (*entries)[i - 1].hash);
    }
  }
  auto verification = Verify();
  EXPECT_TRUE(verification.intact());
  EXPECT_EQ(verification.first_seq, 1u);
  EXPECT_EQ(verification.last_seq, 5u);
  EXPECT_EQ(verification.entries, 5u);
  EXPECT_EQ(stores_.audit().Entries(4, 1)->front().seq, 4u);
}

TEST_F(AuditLogTest, AnEmptyLogVerifies) { EXPECT_TRUE(Verify().intact()); }

TEST_F(AuditLogTest, DetectsAnEditedEntry) {
  AppendMany(5);
  RewriteSubject(3, "someone-else");
  auto verification = Verify();
  EXPECT_EQ(verification.problem, AuditProblem::kEdited);
  EXPECT_EQ(verification.at_seq, 3u);
}

TEST_F(AuditLogTest, DetectsAnEditWithARecomputedHashThroughTheNextLink) {
  AppendMany(5);
  auto entry = stores_.audit().Entries(3, 1)->front();
  entry.subject = "someone-else";
  entry.hash = AuditLog::HashOf(entry);
  RecordWriter writer(RecordType::kAuditEntry);
  writer.Uint("seq", entry.seq).Uint("time", entry.time).Uint("prev_expires_at", entry.prev_expires_at)
      .Text("actor", entry.actor).Text("action", entry.action).Text("subject", entry.subject)
      .Binary("prev_hash", entry.prev_hash).Binary("hash", entry.hash);
  ASSERT_TRUE(stores_.records().Put(Family::kAudit, EntryKey(3), *writer.Finish(), testing::kStart + 400 * 86400,
                                    Durability::kSynced));
  auto verification = Verify();
  EXPECT_EQ(verification.problem, AuditProblem::kEdited);
  EXPECT_EQ(verification.at_seq, 4u);
}

TEST_F(AuditLogTest, DetectsARawByteChange) {
  AppendMany(3);
  Bytes value = **store_.Get(Family::kAudit, EntryKey(2));
  value.back() ^= 1;
  ASSERT_TRUE(store_.Put(Family::kAudit, EntryKey(2), value, Durability::kSynced));
  auto verification = Verify();
  EXPECT_EQ(verification.problem, AuditProblem::kUnreadable);
  EXPECT_EQ(verification.at_seq, 2u);
}

TEST_F(AuditLogTest, DetectsAGapInTheMiddle) {
  AppendMany(5);
  ASSERT_TRUE(store_.Delete(Family::kAudit, EntryKey(3), Durability::kSynced));
  auto verification = Verify();
  EXPECT_EQ(verification.problem, AuditProblem::kGap);
  EXPECT_EQ(verification.at_seq, 3u);
}

TEST_F(AuditLogTest, DetectsDeletedOldestEntriesThatShouldStillBeLive) {
  AppendMany(5);
  ASSERT_TRUE(store_.Delete(Family::kAudit, EntryKey(1), Durability::kSynced));
  auto verification = Verify();
  EXPECT_EQ(verification.problem, AuditProblem::kGap);
  EXPECT_EQ(verification.at_seq, 1u);
}

TEST_F(AuditLogTest, DetectsATruncatedTail) {
  AppendMany(5);
  ASSERT_TRUE(store_.Delete(Family::kAudit, EntryKey(5), Durability::kSynced));
  ASSERT_TRUE(store_.Delete(Family::kAudit, EntryKey(4), Durability::kSynced));
  auto verification = Verify();
  EXPECT_EQ(verification.problem, AuditProblem::kTruncated);
  EXPECT_EQ(verification.at_seq, 4u);
}

TEST_F(AuditLogTest, DetectsEverythingDeletedButTheHead) {
  AppendMany(2);
  ASSERT_TRUE(store_.Delete(Family::kAudit, EntryKey(1), Durability::kSynced));
  ASSERT_TRUE(store_.Delete(Family::kAudit, EntryKey(2), Durability::kSynced));
  EXPECT_EQ(Verify().problem, AuditProblem::kTruncated);
}

TEST_F(AuditLogTest, DetectsAMissingHead) {
  AppendMany(2);
  ASSERT_TRUE(store_.Delete(Family::kAudit, Bytes{'h'}, Durability::kSynced));
  EXPECT_EQ(Verify().problem, AuditProblem::kHeadMismatch);
}

TEST_F(AuditLogTest, ExpiredEntriesAreNotAGapAndVerifyStartsAtTheOldestLive) {
  AppendMany(3);
  clock_.Advance(200 * kSecondsPerDay);
  AppendMany(2);
  clock_.Set(testing::kStart + 365 * kSecondsPerDay + 500);  // the first three have expired
  auto verification = Verify();
  EXPECT_TRUE(verification.intact()) << static_cast<int>(verification.problem) << " at " << verification.at_seq;
  EXPECT_EQ(verification.first_seq, 4u);
  EXPECT_EQ(verification.entries, 2u);
  clock_.Advance(365 * kSecondsPerDay);  // everything has expired
  EXPECT_TRUE(Verify().intact());
  ASSERT_TRUE(stores_.audit().Append("admin", "key.rotate", ""));
  EXPECT_EQ(stores_.audit().Entries(0, 10)->front().seq, 6u);
  EXPECT_TRUE(Verify().intact());
}

TEST_F(AuditLogTest, RefusesEmptyOrOversizedFields) {
  EXPECT_EQ(stores_.audit().Append("", "x", "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(stores_.audit().Append("a", std::string(257, 'x'), "").error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace haven::storage
