#include "crypto/secret_bytes.h"

#include <gtest/gtest.h>

#include <array>

namespace haven::crypto {
namespace {

class SecretBytesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitSodium()); }
};

TEST_F(SecretBytesTest, RandomSecretsDiffer) {
  auto a = SecretBytes::Random(32), b = SecretBytes::Random(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_FALSE(a.Equals(b.bytes()));
  EXPECT_TRUE(a.Equals(a.bytes()));
}

TEST_F(SecretBytesTest, MoveLeavesSourceEmpty) {
  auto a = SecretBytes::Random(16);
  auto copy = SecretBytes::CopyOf(a.bytes());
  SecretBytes b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
  EXPECT_TRUE(b.Equals(copy.bytes()));
  SecretBytes c;
  c = std::move(b);
  EXPECT_TRUE(c.Equals(copy.bytes()));
}

TEST_F(SecretBytesTest, EqualsRejectsDifferentLengths) {
  std::array<std::uint8_t, 4> bytes{1, 2, 3, 4};
  auto secret = SecretBytes::CopyOf(bytes);
  EXPECT_FALSE(secret.Equals(std::span(bytes).first(3)));
  EXPECT_TRUE(secret.Equals(bytes));
}

}  // namespace
}  // namespace haven::crypto
