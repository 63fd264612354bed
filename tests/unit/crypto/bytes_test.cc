#include "crypto/bytes.h"

#include <gtest/gtest.h>

namespace haven::crypto {
namespace {

TEST(Bytes, HexRoundTripAndRejection) {
  Bytes bytes{0x00, 0x7f, 0x80, 0xff};
  EXPECT_EQ(ToHex(bytes), "007f80ff");
  EXPECT_EQ(*FromHex("007F80ff"), bytes);
  EXPECT_FALSE(FromHex("abc"));
  EXPECT_FALSE(FromHex("zz"));
}

TEST(Bytes, WriterIsBigEndian) {
  auto bytes = ByteWriter().U8(1).U16(0x0203).U32(0x04050607).U64(0x08090a0b0c0d0e0fULL).Label("ab").Take();
  EXPECT_EQ(ToHex(bytes), "0102030405060708090a0b0c0d0e0f616200");
}

TEST(Bytes, ReaderNeverReadsPastTheEnd) {
  Bytes bytes{1, 2, 3};
  ByteReader in(bytes);
  EXPECT_FALSE(in.U32());
  EXPECT_EQ(in.U16(), 0x0102);
  EXPECT_FALSE(in.U16());
  EXPECT_FALSE(in.Take(2));
  EXPECT_EQ(in.U8(), 3);
  EXPECT_TRUE(in.Finished());
  EXPECT_FALSE(in.U8());
}

TEST(Bytes, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8(AsBytes("Здравей, свят! 👋")));
  for (std::string_view bad : {std::string_view("\xc0\xaf"), std::string_view("\xed\xa0\x80"),
                               std::string_view("\xf4\x90\x80\x80"), std::string_view("\xe2\x82"),
                               std::string_view("\x80"), std::string_view("\xff")}) {
    EXPECT_FALSE(IsValidUtf8(AsBytes(bad))) << ToHex(AsBytes(bad));
  }
}

}  // namespace
}  // namespace haven::crypto
