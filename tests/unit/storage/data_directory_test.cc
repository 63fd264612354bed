#include "storage/data_directory.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace haven::storage {
namespace {

namespace fs = std::filesystem;

class DataDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("datadir-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(DataDirectoryTest, CreatesAPrivateDirectory) {
  auto dir = DataDirectory::Open(root_ / "data");
  ASSERT_TRUE(dir.has_value()) << dir.error();
  struct stat info {};
  ASSERT_EQ(::stat((root_ / "data").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST_F(DataDirectoryTest, SecondOpenIsRefusedUntilTheFirstCloses) {
  {
    auto first = DataDirectory::Open(root_);
    ASSERT_TRUE(first.has_value());
    auto second = DataDirectory::Open(root_);
    ASSERT_FALSE(second.has_value());
    EXPECT_NE(second.error().find("in use"), std::string::npos);
  }
  EXPECT_TRUE(DataDirectory::Open(root_).has_value());
}

TEST_F(DataDirectoryTest, RefusesADirectoryOthersCanRead) {
  fs::create_directories(root_);
  fs::permissions(root_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  auto dir = DataDirectory::Open(root_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_NE(dir.error().find("chmod 700"), std::string::npos);
}

TEST_F(DataDirectoryTest, EmptyPathIsAnError) { EXPECT_FALSE(DataDirectory::Open("").has_value()); }

}  // namespace
}  // namespace haven::storage
