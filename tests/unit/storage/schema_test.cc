// The schema is the complete list of what Haven persists. These tests walk it, drive every
// typed store with every field set, and read back everything that reached the store: a
// field that is written but not declared - or declared but never written - fails.
#include "storage/schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "server/config/config_loader.h"
#include "server/config/config_schema.h"
#include "storage/memory_store.h"
#include "storage/record_codec.h"
#include "storage/record_format.h"
#include "storage/stores.h"

namespace haven::storage {
namespace {

constexpr std::uint64_t kNow = 1'750'000'000;

// The record type a stored key belongs to, from its family and shape (schema.cc keys).
std::optional<RecordType> TypeOfKey(Family family, ByteView key) {
  if (key.empty()) return std::nullopt;
  switch (family) {
    case Family::kAccounts: return key[0] == 'a' ? std::optional(RecordType::kAccount) : std::nullopt;
    case Family::kSessions:
      if (key[0] == 's') return RecordType::kSession;
      if (key[0] == 't') return RecordType::kTicket;
      if (key[0] == 'd') return RecordType::kDuty;
      return std::nullopt;
    case Family::kConversations: return key.size() == 32 ? std::optional(RecordType::kConversation) : std::nullopt;
    case Family::kStats:
      if (key.size() == 32) return RecordType::kStatsWeek;
      if (key.size() > 4 && key[4] == 3) return RecordType::kStatsCounter;
      if (key.size() > 4 && key[4] == 2) return RecordType::kStatsHistogram;
      return std::nullopt;
    case Family::kAudit:
      if (key[0] == 'e') return RecordType::kAuditEntry;
      if (key[0] == 'h') return RecordType::kAuditHead;
      return std::nullopt;
  }
  return std::nullopt;
}

// Everything wrong with what the store holds: records of no declared type, fields not
// declared for their type. Fills `written` with the field ids seen per type.
std::vector<std::string> Undeclared(const SealedRecords& records,
                                    std::map<RecordType, std::set<std::uint16_t>>& written) {
  std::vector<std::string> problems;
  for (Family family : kAllFamilies) {
    auto scanned = records.ForEach(family, KeyRange::All(), [&](ByteView key, const Result<Record>& record) {
      auto type = TypeOfKey(family, key);
      if (!type) {
        problems.push_back(std::string(FamilyName(family)) + ": a record of no declared type");
        return true;
      }
      if (Declaration(*type).family != family) problems.push_back("record type in the wrong family");
      if (!record) {
        problems.push_back(record.error().ToString());
        return true;
      }
      auto fields = RecordReader::Parse(*type, record->payload.bytes());
      if (!fields) {
        problems.push_back(fields.error().ToString());
        return true;
      }
      for (auto id : fields->field_ids()) written[*type].insert(id);
      return true;
    });
    if (!scanned) problems.push_back(scanned.error().ToString());
  }
  return problems;
}

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto::InitSodium()); }

  // Drives every typed store with every field set.
  void WriteOneOfEverything() {
    AccountRecord account{"maria", "Maria", AccountRole::kSupervisor, AccountStatus::kActive, {"bg", "en"},
                          {"child-trained"}, 3, {1}, {2}, {3}, {4}, {5}, 1, kNow + 60, {6}, {7}, 8, kNow + 86400};
    ASSERT_TRUE(stores_.accounts().Put(account));
    Bytes token(32, 7), ticket(32, 8);
    ASSERT_TRUE(stores_.sessions().PutSession(token, "maria"));
    ASSERT_TRUE(stores_.sessions().PutTicket(ticket, "maria"));
    ASSERT_TRUE(stores_.sessions().PutDuty("maria", DutyRecord::kAvailable));
    ConversationRecord conversation{{1, 2, 3}, ConversationState::kEnded, kNow - 600, kNow - 500, kNow,
                                    "urgent", "bg", "under-18", "maria", "referred", {9, 9}, 2};
    ASSERT_TRUE(stores_.conversations().Put(conversation));
    ASSERT_TRUE(stores_.stats().Record({kNow, {"violence"}, "under-18", "bg", "referred", 100, 400}));
    ASSERT_TRUE(stores_.audit().Append("admin", "account.invite", "maria"));
  }

  ManualClock clock_{kNow};
  MemoryStore store_;
  std::unique_ptr<KeyRing> keys_ = KeyRing::InMemory(clock_.Today());
  Stores stores_{store_, *keys_, clock_, RetentionSettings{}};
};

TEST_F(SchemaTest, EveryRecordTypeIsDeclaredOnceAndEveryFamilyIsUsed) {
  std::set<RecordType> types;
  std::set<Family> families;
  for (const auto& record : RecordDeclarations()) {
    EXPECT_TRUE(types.insert(record.type).second) << record.name;
    families.insert(record.family);
    EXPECT_FALSE(record.key.empty()) << record.name;
  }
  for (int type = 1; type <= 8; ++type) EXPECT_TRUE(types.contains(static_cast<RecordType>(type))) << type;
  for (Family family : kAllFamilies) EXPECT_TRUE(families.contains(family)) << FamilyName(family);
}

TEST_F(SchemaTest, FieldIdsAndNamesAreUniquePerRecordType) {
  std::set<std::pair<RecordType, std::uint16_t>> ids;
  std::set<std::pair<RecordType, std::string_view>> names;
  for (const auto& field : FieldDeclarations()) {
    EXPECT_GT(field.id, 0);
    EXPECT_TRUE(ids.insert({field.record, field.id}).second) << field.name;
    EXPECT_TRUE(names.insert({field.record, field.name}).second) << field.name;
  }
}

// Every retention names a real [storage] config field (or says why there is none), and
// every retention field of the config is used by some record type.
TEST_F(SchemaTest, EveryRecordTypeNamesItsRetentionConfigField) {
  std::set<std::string> used;
  for (const auto& record : RecordDeclarations()) {
    if (record.retention.starts_with("none: ")) continue;
    used.insert(std::string(record.retention));
    bool known = std::ranges::any_of(ConfigSchema(), [&](const ConfigField& f) { return f.FullName() == record.retention; });
    EXPECT_TRUE(known) << record.name << " names " << record.retention << ", which is not a config field";
  }
  for (const ConfigField& field : ConfigSchema()) {
    if (field.section != "storage") continue;
    if (!field.key.ends_with("_ttl_seconds") && !field.key.ends_with("_retention_days")) continue;
    EXPECT_TRUE(used.contains(field.FullName())) << field.FullName() << " bounds no record type";
  }
}

TEST_F(SchemaTest, TheHeaderGrammarHasTheDeclaredFields) {
  EXPECT_EQ(kHeaderFields.size(), 4u);
  EXPECT_EQ(EncodeHeader({}).size(), kHeaderSize);
}

TEST_F(SchemaTest, EveryFieldEveryStoreWritesIsDeclaredAndEveryDeclaredFieldIsWritten) {
  WriteOneOfEverything();
  std::map<RecordType, std::set<std::uint16_t>> written;
  auto problems = Undeclared(stores_.records(), written);
  EXPECT_TRUE(problems.empty()) << problems.front();
  for (const auto& field : FieldDeclarations()) {
    // Types kept only so that `haven storage migrate` can read an older format are written by
    // nothing any more.
    if (std::string_view(Declaration(field.record).name).ends_with("(data format 1 and older)")) continue;
    EXPECT_TRUE(written[field.record].contains(field.id))
        << Declaration(field.record).name << "." << field.name << " is declared but no store writes it";
  }
}

// The check above can fail: a record carrying a field the schema does not declare.
TEST_F(SchemaTest, AnUndeclaredFieldFailsTheCheck) {
  WriteOneOfEverything();
  Bytes payload = crypto::ByteWriter().U16(1).U8(2).U32(5).Append("maria").U16(77).U8(2).U32(3).Append("1.2").Take();
  Bytes key = crypto::ByteWriter().U8('s').Append(Bytes(32, 1)).Take();
  ASSERT_TRUE(stores_.records().Put(Family::kSessions, key, payload, kNow + 60, Durability::kSynced));
  std::map<RecordType, std::set<std::uint16_t>> written;
  auto problems = Undeclared(stores_.records(), written);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("undeclared field id 77"), std::string::npos) << problems[0];
}

TEST_F(SchemaTest, ARecordOfNoDeclaredTypeFailsTheCheck) {
  ASSERT_TRUE(stores_.records().Put(Family::kAccounts, Bytes{'z'}, Bytes{}, kNow + 60, Durability::kSynced));
  std::map<RecordType, std::set<std::uint16_t>> written;
  EXPECT_EQ(Undeclared(stores_.records(), written).size(), 1u);
}

// The [storage] config's cross-field rule (server/config): keys never inside the data.
TEST(StorageConfig, KeyDirectoryInsideTheDataDirectoryIsRefused) {
  auto inside = ParseConfig("[server]\ndata_dir = \"/var/lib/haven\"\n[storage]\nkey_dir = \"/var/lib/haven/keys\"\n");
  ASSERT_FALSE(inside);
  EXPECT_EQ(inside.error().field, "storage.key_dir");
  EXPECT_FALSE(ParseConfig("[server]\ndata_dir = \"/srv/h/\"\n[storage]\nkey_dir = \"/srv/h\"\n"));
  EXPECT_FALSE(ParseConfig("[server]\ndata_dir = \"/srv/h/data\"\n[storage]\nkey_dir = \"/srv/h\"\n"));
  EXPECT_TRUE(ParseConfig("[server]\ndata_dir = \"/var/lib/haven\"\n[storage]\nkey_dir = \"/var/lib/haven-keys\"\n"));
}

// The config's defaults and storage's own are the same numbers.
TEST(StorageConfig, DefaultsAgreeWithRetentionSettings) {
  Config config;
  RetentionSettings retention;
  EXPECT_EQ(config.storage.session_ttl_seconds, retention.session_ttl_seconds);
  EXPECT_EQ(config.storage.ticket_ttl_seconds, retention.ticket_ttl_seconds);
  EXPECT_EQ(config.storage.conversation_retention_days, retention.conversation_retention_days);
  EXPECT_EQ(config.storage.stats_retention_days, retention.stats_retention_days);
  EXPECT_EQ(config.storage.audit_retention_days, retention.audit_retention_days);
  EXPECT_EQ(config.storage.conversation_retention_days, 90u);
  EXPECT_EQ(config.storage.stats_retention_days, 1826u);
}

}  // namespace
}  // namespace haven::storage
