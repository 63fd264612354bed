#include "server/auth/totp.h"

#include <gtest/gtest.h>

namespace haven::auth {
namespace {

// RFC 6238 appendix B, SHA1 rows (the 8-digit values, last six digits).
TEST(Totp, MatchesTheRfcVectors) {
  auto secret = crypto::AsBytes("12345678901234567890");
  EXPECT_EQ(TotpCode(secret, 59 / 30), "287082");
  EXPECT_EQ(TotpCode(secret, 1111111109 / 30), "081804");
  EXPECT_EQ(TotpCode(secret, 1111111111 / 30), "050471");
  EXPECT_EQ(TotpCode(secret, 1234567890 / 30), "005924");
  EXPECT_EQ(TotpCode(secret, 2000000000 / 30), "279037");
  EXPECT_EQ(TotpCode(secret, 20000000000 / 30), "353130");
}

TEST(Totp, AcceptsOneStepOfDriftAndEachStepOnce) {
  auto secret = crypto::AsBytes("12345678901234567890");
  std::uint64_t now = 1111111111;
  std::string code = TotpCode(secret, now / 30);
  auto step = VerifyTotp(secret, code, now);
  ASSERT_TRUE(step);
  EXPECT_FALSE(VerifyTotp(secret, code, now, *step));  // replayed
  EXPECT_TRUE(VerifyTotp(secret, TotpCode(secret, now / 30 - 1), now));
  EXPECT_TRUE(VerifyTotp(secret, TotpCode(secret, now / 30 + 1), now));
  EXPECT_FALSE(VerifyTotp(secret, TotpCode(secret, now / 30 - 2), now));
  EXPECT_FALSE(VerifyTotp(secret, "12345", now));
  EXPECT_FALSE(VerifyTotp(secret, "abcdef", now));
}

TEST(Totp, Base32AndUri) {
  EXPECT_EQ(Base32(crypto::AsBytes("foobar")), "MZXW6YTBOI");
  EXPECT_EQ(Base32(crypto::AsBytes("f")), "MY");
  std::string uri = TotpUri("Haven", "c-1", crypto::AsBytes("foobar"));
  EXPECT_EQ(uri, "otpauth://totp/Haven:c-1?secret=MZXW6YTBOI&issuer=Haven&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace haven::auth
