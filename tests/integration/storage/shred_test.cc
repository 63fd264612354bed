// Crypto-shredding: conversations carrying canary strings are written, a checkpoint is
// taken, then the clock passes retention and maintenance runs. Afterwards no canary byte
// is anywhere - data directory, write-ahead log, checkpoint, key directory - and no key
// that still exists opens the old records, even in the checkpoint taken before the shred;
// only the destroyed epoch key would, and it is on no disk.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "crypto/sealing.h"
#include "storage/record_format.h"
#include "storage/storage_runtime.h"
#include "tests/unit/storage/temp_dir.h"

namespace haven::storage {
namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kStart = 1'750'000'000;
constexpr std::string_view kCanary = "CANARY-7f3a";

std::string AllBytesUnder(const fs::path& dir) {
  std::string all;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    all += bytes.str();
  }
  return all;
}

std::size_t CountWalFiles(const fs::path& dir) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) count += entry.path().extension() == ".log";
  return count;
}

struct RawRecord {
  Bytes key;
  Bytes value;
};

std::vector<RawRecord> RawConversations(const KeyValueStore& store) {
  std::vector<RawRecord> raw;
  EXPECT_TRUE(store.ForEach(Family::kConversations, KeyRange::All(), [&](ByteView key, ByteView value) {
    raw.push_back({Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end())});
    return true;
  }));
  return raw;
}

bool Opens(const crypto::SecretBytes& key, const RawRecord& record) {
  ByteView value(record.value);
  ByteView header = value.first(kHeaderSize);
  return crypto::Open(key, value.subspan(kHeaderSize), AssociatedData(Family::kConversations, record.key, header))
      .has_value();
}

TEST(StorageShred, PastRetentionNoCanaryRemainsAndNoExistingKeyOpensTheOldRecords) {
  ASSERT_TRUE(crypto::InitSodium());
  testing::TempDir dir;
  ManualClock clock(kStart);
  StorageOptions options;
  options.data_dir = dir.path() / "data";
  options.key_dir = dir.path() / "keys";
  auto runtime = std::move(*StorageRuntime::Open(options, clock));
  std::uint32_t canary_day = clock.Today();

  for (int i = 0; i < 40; ++i) {
    ConversationRecord record;
    record.chat_id = Bytes(kCanary.begin(), kCanary.end());
    record.chat_id.push_back(static_cast<std::uint8_t>('A' + i % 26));
    record.chat_id.push_back(static_cast<std::uint8_t>('A' + i / 26));
    record.state = ConversationState::kEnded;
    record.queued_at = kStart;
    record.counselor_handle = std::string(kCanary) + "-handle";
    record.outcome = std::string(kCanary) + "-outcome";
    record.resume_verifier = Bytes(kCanary.begin(), kCanary.end());
    ASSERT_TRUE(runtime->stores().conversations().Put(record, i % 2 ? Durability::kSynced : Durability::kBuffered));
  }
  ASSERT_GT(CountWalFiles(StorageRuntime::DatabasePath(options.data_dir)), 0u);
  // The key that sealed them, kept by the test only to prove what it alone could open.
  auto destroyed_key = crypto::SecretBytes::CopyOf((**runtime->keys().EpochKey(canary_day)).bytes());
  fs::path backup = dir.path() / "backup-before-shred";
  ASSERT_TRUE(runtime->database().CreateCheckpoint(backup));
  EXPECT_EQ(AllBytesUnder(dir.path()).find(kCanary), std::string::npos) << "no plaintext ever reaches the disk";

  clock.Advance(91 * kSecondsPerDay);
  auto report = runtime->RunMaintenance();
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->shredded_days, 1u);
  EXPECT_EQ(report->epoch_horizon, clock.Today() - 90);
  EXPECT_TRUE(RawConversations(runtime->database()).empty()) << "compaction removed the records";
  runtime.reset();

  // No canary in the data directory (tables, write-ahead log, manifest, info log), the
  // checkpoint or the key directory; and the destroyed key is in none of them either.
  std::string everything = AllBytesUnder(dir.path());
  EXPECT_EQ(everything.find(kCanary), std::string::npos);
  std::string key_bytes(reinterpret_cast<const char*>(destroyed_key.data()), destroyed_key.size());
  EXPECT_EQ(everything.find(key_bytes), std::string::npos) << "the destroyed epoch key is still on disk";

  // The checkpoint taken before the shred still holds the sealed records...
  RocksDbOptions read_only;
  read_only.read_only = true;
  auto old_copy = RocksDbStore::Open(backup, read_only);
  ASSERT_TRUE(old_copy) << old_copy.error().ToString();
  auto old_records = RawConversations(**old_copy);
  ASSERT_EQ(old_records.size(), 40u);
  // ...which only the destroyed key opens (the control: this check can succeed)...
  for (const auto& record : old_records) EXPECT_TRUE(Opens(destroyed_key, record));

  // ...and no key that still exists does: not the stored epoch key nor any day after it,
  // not a family key, not the names key.
  auto keys = KeyRing::Open(options.key_dir, options.data_dir, clock.Today(), false);
  ASSERT_TRUE(keys) << keys.error().ToString();
  std::vector<std::shared_ptr<const crypto::SecretBytes>> candidates;
  for (std::uint32_t day = (*keys)->horizon_day(); day <= clock.Today() + 400; ++day) {
    candidates.push_back(*(*keys)->EpochKey(day));
  }
  for (Family family : kAllFamilies) {
    candidates.push_back(std::make_shared<const crypto::SecretBytes>(
        crypto::SecretBytes::CopyOf((*keys)->FamilyKey(family).bytes())));
  }
  candidates.push_back(std::make_shared<const crypto::SecretBytes>(crypto::SecretBytes::CopyOf((*keys)->NamesKey().bytes())));
  std::size_t opened = 0;
  for (const auto& record : old_records) {
    for (const auto& key : candidates) opened += Opens(*key, record);
  }
  EXPECT_EQ(opened, 0u);

  // Normal reads of the old copy find nothing, and count the shredded records.
  ManualClock back_then(kStart + kSecondsPerDay);  // even with the clock turned back
  SealedRecords sealed(**old_copy, **keys, back_then);
  ConversationStore conversations(sealed, RetentionSettings{});
  auto waiting = conversations.ListLive();
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->conversations.size() + waiting->unreadable, 0u);
  EXPECT_EQ(sealed.shredded_reads(), 40u);
}

}  // namespace
}  // namespace haven::storage
