#include "server/net/static_assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace haven::net {
namespace {

namespace fs = std::filesystem;

class StaticAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("static-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_ / "assets");
    fs::create_directories(root_ / "console");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& relative, const std::string& content) { std::ofstream(root_ / relative) << content; }
  fs::path root_;
};

TEST_F(StaticAssetsTest, ServesKnownTypesWithTheirContentType) {
  Write("index.html", "<p>hi</p>");
  Write("assets/app.A1B2C3D4.js", "console.log(1)");
  Write("console/index.html", "<p>console</p>");
  Write("notes.md", "not served");
  auto assets = StaticAssets::LoadDirectory(root_);
  ASSERT_TRUE(assets.has_value()) << assets.error();
  EXPECT_EQ(assets->size(), 3u);
  ASSERT_NE(assets->Find("/"), nullptr);
  EXPECT_EQ(*assets->Find("/")->body, "<p>hi</p>");
  EXPECT_EQ(assets->Find("/index.html")->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(assets->Find("/assets/app.A1B2C3D4.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(*assets->Find("/console/")->body, "<p>console</p>");
  EXPECT_EQ(assets->Find("/notes.md"), nullptr);
}

TEST_F(StaticAssetsTest, OnlyContentAddressedFilesAreImmutable) {
  Write("index.html", "a");
  Write("assets/app.A1B2C3D4.js", "b");
  auto assets = StaticAssets::LoadDirectory(root_);
  ASSERT_TRUE(assets.has_value());
  EXPECT_FALSE(assets->Find("/index.html")->immutable);
  EXPECT_TRUE(assets->Find("/assets/app.A1B2C3D4.js")->immutable);
}

TEST_F(StaticAssetsTest, TraversalAndOddPathsFindNothing) {
  Write("index.html", "a");
  auto assets = StaticAssets::LoadDirectory(root_);
  ASSERT_TRUE(assets.has_value());
  for (const char* path : {"/../index.html", "/./index.html", "//index.html", "index.html", "", "/%2e%2e/index.html",
                           "/assets/../index.html"}) {
    EXPECT_EQ(assets->Find(path), nullptr) << path;
  }
}

TEST_F(StaticAssetsTest, EtagChangesWithContent) {
  Write("a.txt", "one");
  Write("b.txt", "two");
  auto assets = StaticAssets::LoadDirectory(root_);
  ASSERT_TRUE(assets.has_value());
  EXPECT_NE(assets->Find("/a.txt")->etag, assets->Find("/b.txt")->etag);
  EXPECT_EQ(assets->Find("/a.txt")->etag.front(), '"');
}

TEST_F(StaticAssetsTest, LimitsAreEnforced) {
  Write("a.txt", std::string(100, 'a'));
  Write("b.txt", std::string(100, 'b'));
  EXPECT_FALSE(StaticAssets::LoadDirectory(root_, {.max_files = 1, .max_total_bytes = 1 << 20}).has_value());
  EXPECT_FALSE(StaticAssets::LoadDirectory(root_, {.max_files = 10, .max_total_bytes = 150}).has_value());
  EXPECT_TRUE(StaticAssets::LoadDirectory(root_, {.max_files = 2, .max_total_bytes = 200}).has_value());
}

TEST_F(StaticAssetsTest, MissingDirectoryIsAnError) {
  auto assets = StaticAssets::LoadDirectory(root_ / "nope");
  ASSERT_FALSE(assets.has_value());
  EXPECT_NE(assets.error().find("does not exist"), std::string::npos);
}

}  // namespace
}  // namespace haven::net
