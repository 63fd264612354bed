#include "storage/key_ring.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "crypto/sealing.h"
#include "storage/secret_file.h"
#include "tests/unit/storage/temp_dir.h"

namespace haven::storage {
namespace {

namespace fs = std::filesystem;
constexpr std::uint32_t kToday = 20000;

std::string FileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

unsigned Mode(const fs::path& path) {
  struct stat info {};
  ::stat(path.c_str(), &info);
  return info.st_mode & 0777;
}

class KeyRingTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto::InitSodium()); }
  fs::path keys() const { return root_.path() / "keys"; }
  fs::path data() const { return root_.path() / "data"; }
  testing::TempDir root_;
};

TEST_F(KeyRingTest, CreatesPrivateKeyFilesOnce) {
  auto ring = KeyRing::Open(keys(), data(), kToday, true);
  ASSERT_TRUE(ring) << ring.error().ToString();
  EXPECT_EQ(Mode(keys()), 0700u);
  EXPECT_EQ(Mode(keys() / kMasterKeyFile), 0600u);
  EXPECT_EQ(Mode(keys() / kEpochKeyFile), 0600u);
  EXPECT_EQ(fs::file_size(keys() / kMasterKeyFile), 32u);
  EXPECT_EQ(fs::file_size(keys() / kEpochKeyFile), kEpochKeyFileSize);
  EXPECT_EQ((*ring)->horizon_day(), kToday);
  EXPECT_EQ(KeyRing::ReadEpochDay(keys()).value(), kToday);

  std::string master = FileBytes(keys() / kMasterKeyFile);
  auto again = KeyRing::Open(keys(), data(), kToday + 3, true);
  ASSERT_TRUE(again);
  EXPECT_EQ(FileBytes(keys() / kMasterKeyFile), master) << "an existing key is never replaced";
  EXPECT_EQ((*again)->horizon_day(), kToday);
  EXPECT_TRUE((*again)->FamilyKey(Family::kAccounts).Equals((*ring)->FamilyKey(Family::kAccounts).bytes()));
  EXPECT_TRUE((*again)->NamesKey().Equals((*ring)->NamesKey().bytes()));
  EXPECT_TRUE((**(*again)->EpochKey(kToday + 1)).Equals((**(*ring)->EpochKey(kToday + 1)).bytes()));
}

TEST_F(KeyRingTest, FamilyAndNameKeysAreDistinct) {
  auto ring = KeyRing::InMemory(kToday);
  EXPECT_FALSE(ring->FamilyKey(Family::kAccounts).Equals(ring->FamilyKey(Family::kAudit).bytes()));
  EXPECT_FALSE(ring->FamilyKey(Family::kAccounts).Equals(ring->NamesKey().bytes()));
}

TEST_F(KeyRingTest, RefusesAKeyDirectoryInsideOrAroundTheDataDirectory) {
  for (const fs::path& key_dir : {data(), data() / "keys", data() / ".." / "data" / "k", root_.path()}) {
    fs::create_directories(data());
    auto ring = KeyRing::Open(key_dir, data(), kToday, true);
    ASSERT_FALSE(ring) << key_dir;
    EXPECT_EQ(ring.error().code, ErrorCode::kKeyFile);
    EXPECT_NE(ring.error().detail.find("overlap"), std::string::npos);
  }
  // Through a symbolic link too.
  fs::create_directory_symlink(data(), root_.path() / "link");
  EXPECT_FALSE(KeyRing::Open(root_.path() / "link" / "keys", data(), kToday, true));
  // A sibling whose name merely starts the same is fine.
  EXPECT_TRUE(KeyRing::Open(root_.path() / "data-keys", data(), kToday, true));
}

TEST_F(KeyRingTest, MissingKeysAreAnErrorWhenDataExists) {
  auto ring = KeyRing::Open(keys(), data(), kToday, false);
  ASSERT_FALSE(ring);
  EXPECT_NE(ring.error().detail.find("restore the key directory"), std::string::npos);
}

// Key backups hold master.key alone: restored without epoch.key, the family keys come back
// and the epoch starts again today, so nothing sealed under an earlier epoch opens.
TEST_F(KeyRingTest, WithoutTheEpochKeyTheEpochStartsAgainToday) {
  auto first = KeyRing::Open(keys(), data(), kToday - 10, true);
  ASSERT_TRUE(first);
  auto family_key = crypto::SecretBytes::CopyOf((*first)->FamilyKey(Family::kAccounts).bytes());
  first->reset();
  fs::remove(keys() / kEpochKeyFile);
  auto ring = KeyRing::Open(keys(), data(), kToday, false);
  ASSERT_TRUE(ring) << ring.error().ToString();
  EXPECT_EQ((*ring)->horizon_day(), kToday);
  EXPECT_EQ((*ring)->EpochKey(kToday - 1).error().code, ErrorCode::kShredded);
  EXPECT_TRUE(std::ranges::equal((*ring)->FamilyKey(Family::kAccounts).bytes(), family_key.bytes()));
}

TEST_F(KeyRingTest, RefusesKeyFilesOthersCanReadOrOfTheWrongSize) {
  ASSERT_TRUE(KeyRing::Open(keys(), data(), kToday, true));
  fs::permissions(keys() / kMasterKeyFile, fs::perms::group_read, fs::perm_options::add);
  auto ring = KeyRing::Open(keys(), data(), kToday, false);
  ASSERT_FALSE(ring);
  EXPECT_NE(ring.error().detail.find("chmod 600"), std::string::npos);
  fs::permissions(keys() / kMasterKeyFile, fs::perms::group_read, fs::perm_options::remove);
  fs::resize_file(keys() / kEpochKeyFile, 35);
  EXPECT_FALSE(KeyRing::Open(keys(), data(), kToday, false));
}

TEST_F(KeyRingTest, RefusesAKeyDirectoryOthersCanRead) {
  fs::create_directories(keys());
  fs::permissions(keys(), fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec);
  auto ring = KeyRing::Open(keys(), data(), kToday, true);
  ASSERT_FALSE(ring);
  EXPECT_NE(ring.error().detail.find("chmod 700"), std::string::npos);
}

TEST_F(KeyRingTest, AdvancingDestroysOldDaysAndPersistsOnlyTheNewKey) {
  auto ring = std::move(*KeyRing::Open(keys(), data(), kToday, true));
  auto old_key = crypto::SecretBytes::CopyOf((**ring->EpochKey(kToday)).bytes());
  auto day_after = crypto::SecretBytes::CopyOf((**ring->EpochKey(kToday + 1)).bytes());
  std::string old_file = FileBytes(keys() / kEpochKeyFile);

  EXPECT_EQ(ring->AdvanceEpochs(kToday + 5, 10).value(), 0u) << "nothing is past retention yet";
  EXPECT_EQ(ring->AdvanceEpochs(kToday + 11, 10).value(), 1u);
  EXPECT_EQ(ring->horizon_day(), kToday + 1);
  EXPECT_EQ(ring->EpochKey(kToday).error().code, ErrorCode::kShredded);
  EXPECT_TRUE((**ring->EpochKey(kToday + 1)).Equals(day_after.bytes()));

  std::string new_file = FileBytes(keys() / kEpochKeyFile);
  EXPECT_NE(new_file, old_file);
  std::string old_key_bytes(reinterpret_cast<const char*>(old_key.data()), old_key.size());
  for (const auto& entry : fs::directory_iterator(keys())) {
    EXPECT_EQ(FileBytes(entry.path()).find(old_key_bytes), std::string::npos) << entry.path();
  }
  EXPECT_FALSE(fs::exists(keys() / "epoch.key.new"));

  auto reopened = KeyRing::Open(keys(), data(), kToday + 11, false);
  ASSERT_TRUE(reopened);
  EXPECT_EQ((*reopened)->horizon_day(), kToday + 1);
  EXPECT_EQ((*reopened)->EpochKey(kToday).error().code, ErrorCode::kShredded);
  EXPECT_TRUE((**(*reopened)->EpochKey(kToday + 1)).Equals(day_after.bytes()));
}

TEST_F(KeyRingTest, ALeftoverReplacementFromACrashIsDestroyed) {
  ASSERT_TRUE(KeyRing::Open(keys(), data(), kToday, true));
  std::ofstream(keys() / "epoch.key.new") << "half-written";
  auto ring = KeyRing::Open(keys(), data(), kToday, false);
  ASSERT_TRUE(ring);
  EXPECT_FALSE(fs::exists(keys() / "epoch.key.new"));
  EXPECT_EQ((*ring)->horizon_day(), kToday);
}

TEST_F(KeyRingTest, EpochKeysMatchTheCryptoRatchet) {
  auto ring = KeyRing::InMemory(kToday);
  auto base = crypto::SecretBytes::CopyOf((**ring->EpochKey(kToday)).bytes());
  // Out of order, so the cache's nearest-lower-key path is exercised.
  for (std::uint32_t day : {kToday + 30, kToday + 2, kToday + 31, kToday + 1}) {
    EXPECT_TRUE((**ring->EpochKey(day)).Equals(crypto::AdvanceEpochKey(base, kToday, day).bytes())) << day;
  }
  EXPECT_EQ(ring->EpochKey(kToday + kMaxEpochSpan + 1).error().code, ErrorCode::kCorrupt);
}

TEST(SecretFile, CreateRefusesToReplaceAndReplaceIsAtomic) {
  ASSERT_TRUE(crypto::InitSodium());
  testing::TempDir dir;
  fs::path path = dir.path() / "secret";
  ASSERT_TRUE(CreateSecretFile(path, crypto::AsBytes("first")));
  auto again = CreateSecretFile(path, crypto::AsBytes("second"));
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().detail.find("already exists"), std::string::npos);
  ASSERT_TRUE(ReplaceSecretFile(path, crypto::AsBytes("third")));
  EXPECT_EQ(FileBytes(path), "third");
  EXPECT_EQ(Mode(path), 0600u);
  auto read = ReadSecretFile(path, 5);
  ASSERT_TRUE(read);
  EXPECT_EQ(crypto::AsText(read->bytes()), "third");
  EXPECT_NE(ReadSecretFile(dir.path() / "absent", 5).error().detail.find("missing"), std::string::npos);
}

}  // namespace
}  // namespace haven::storage
