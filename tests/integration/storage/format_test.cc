// Upgrades: a data directory written by Haven's first format (tests/fixtures/data-format-0,
// committed, made by the release before the format marker) is refused by this build until
// `haven storage migrate` has run, then reads back; a newer format is refused with what to do.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/data_format.h"
#include "tests/integration/support/run_haven.h"
#include "tests/unit/storage/temp_dir.h"

namespace haven::testing {
namespace {

namespace fs = std::filesystem;

class DataFormat : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(fs::path(HAVEN_SOURCE_DIR) / "tests/fixtures/data-format-0", dir_.path(), fs::copy_options::recursive);
    // Git keeps no modes: the key and data directories are private, as Haven requires.
    for (const char* private_dir : {"data", "keys"}) fs::permissions(dir_.path() / private_dir, fs::perms::owner_all);
    for (const char* key : {"keys/master.key", "keys/epoch.key"}) {
      fs::permissions(dir_.path() / key, fs::perms::owner_read | fs::perms::owner_write);
    }
    std::ofstream(config()) << "[server]\nport = 0\ndata_dir = \"" << (dir_.path() / "data").string() << "\"\n"
                            << "[storage]\nkey_dir = \"" << (dir_.path() / "keys").string() << "\"\n"
                            << "[org]\ndir = \"" << (dir_.path() / "org").string() << "\"\n";
  }
  std::string config() const { return (dir_.path() / "haven.toml").string(); }
  fs::path data() const { return dir_.path() / "data"; }
  storage::testing::TempDir dir_;
};

TEST_F(DataFormat, TheFirstFormatIsRefusedUntilMigratedThenReadsBack) {
  auto [refused, why] = RunHaven("counselor list --config " + config());
  EXPECT_NE(refused, 0);
  EXPECT_NE(why.find("written by an older Haven"), std::string::npos) << why;
  EXPECT_NE(why.find("haven storage migrate"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(data() / storage::kDataFormatFile)) << "refusing changes nothing";

  auto [migrated, report] = RunHaven("storage migrate --config " + config());
  ASSERT_EQ(migrated, 0) << report;
  EXPECT_NE(report.find("from format 0 to format 2; 2 accounts read back"), std::string::npos) << report;
  auto [listed, accounts] = RunHaven("counselor list --config " + config());
  ASSERT_EQ(listed, 0) << accounts;
  EXPECT_NE(accounts.find("maria\tcounselor\tinvited"), std::string::npos) << accounts;
  EXPECT_NE(accounts.find("Мария"), std::string::npos) << accounts;
  EXPECT_NE(accounts.find("ivan\tsupervisor\tinvited"), std::string::npos) << accounts;

  auto [again, nothing] = RunHaven("storage migrate --config " + config());
  EXPECT_EQ(again, 0);
  EXPECT_NE(nothing.find("already in format 2"), std::string::npos) << nothing;
}

TEST_F(DataFormat, ANewerFormatIsRefusedAndNotMigratedBack) {
  ASSERT_EQ(RunHaven("storage migrate --config " + config()).first, 0);
  std::ofstream(data() / storage::kDataFormatFile) << "haven-data-format " << storage::kDataFormat + 1 << "\n";
  auto [refused, why] = RunHaven("counselor list --config " + config());
  EXPECT_NE(refused, 0);
  EXPECT_NE(why.find("written by a newer Haven"), std::string::npos) << why;
  auto [not_migrated, output] = RunHaven("storage migrate --config " + config());
  EXPECT_NE(not_migrated, 0);
  EXPECT_NE(output.find("newer"), std::string::npos) << output;
}

TEST_F(DataFormat, AMarkerThatIsNotOneIsRefusedWithoutReadingItWhole) {
  ASSERT_EQ(RunHaven("storage migrate --config " + config()).first, 0);
  std::ofstream(data() / storage::kDataFormatFile) << std::string(1 << 20, '9');
  auto [refused, why] = RunHaven("counselor list --config " + config());
  EXPECT_NE(refused, 0);
  EXPECT_NE(why.find("is not a Haven format marker"), std::string::npos) << why;
}

}  // namespace
}  // namespace haven::testing
