#include "crypto/padding.h"

#include <gtest/gtest.h>

#include "crypto/secret_bytes.h"

namespace haven::crypto {
namespace {

TEST(Padding, EveryLengthPadsToTheNextBlockAndBack) {
  ASSERT_TRUE(InitSodium());
  for (std::size_t length = 0; length <= 1100; ++length) {
    Bytes message(length, 0x41);
    if (length > 0) message.back() = 0x80;  // a 0x80 inside the message must not confuse unpadding
    Bytes padded = Pad(message);
    ASSERT_EQ(padded.size(), (length / 256 + 1) * 256) << length;
    EXPECT_EQ(padded[length], 0x80);
    for (std::size_t i = length + 1; i < padded.size(); ++i) ASSERT_EQ(padded[i], 0) << length;
    auto unpadded = Unpad(padded);
    ASSERT_TRUE(unpadded) << length;
    EXPECT_EQ(*unpadded, message);
  }
}

TEST(Padding, MalformedPaddingIsRejected) {
  ASSERT_TRUE(InitSodium());
  EXPECT_FALSE(Unpad(Bytes{}));
  EXPECT_FALSE(Unpad(Bytes(255, 0)));          // not a multiple of the block
  EXPECT_FALSE(Unpad(Bytes(256, 0)));          // no 0x80 marker
  Bytes wrong_marker(256, 0);
  wrong_marker[10] = 0x81;
  EXPECT_FALSE(Unpad(wrong_marker));
  Bytes marker_too_early(512, 0);
  marker_too_early[100] = 0x80;                // more than a block of zeros after it
  EXPECT_FALSE(Unpad(marker_too_early));
  EXPECT_EQ(Unpad(marker_too_early).error().code, ErrorCode::kBadPadding);
}

}  // namespace
}  // namespace haven::crypto
