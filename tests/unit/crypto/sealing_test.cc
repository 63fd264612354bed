#include "crypto/sealing.h"

#include <gtest/gtest.h>

#include "crypto/credentials.h"
#include "crypto/key_file.h"

namespace haven::crypto {
namespace {

class SealingTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitSodium()); }
};

TEST_F(SealingTest, OpensOnlyWithTheSameKeyAndAssociatedData) {
  auto key = SecretBytes::Random(32);
  Bytes sealed = Seal(key, AsBytes("metadata"), AsBytes("conversations|key1"));
  EXPECT_EQ(sealed.size(), 8 + kSealOverhead);
  auto opened = Open(key, sealed, AsBytes("conversations|key1"));
  ASSERT_TRUE(opened);
  EXPECT_EQ(AsText(opened->bytes()), "metadata");
  EXPECT_EQ(Open(key, sealed, AsBytes("conversations|key2")).error().code, ErrorCode::kDecryptFailed);
  EXPECT_EQ(Open(SecretBytes::Random(32), sealed, AsBytes("conversations|key1")).error().code,
            ErrorCode::kDecryptFailed);
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    Bytes tampered = sealed;
    tampered[i] ^= 0x01;
    EXPECT_FALSE(Open(key, tampered, AsBytes("conversations|key1"))) << i;
  }
  EXPECT_EQ(Open(key, ByteView(sealed).first(10), {}).error().code, ErrorCode::kMalformed);
  EXPECT_TRUE(Open(key, Seal(key, {}, {}), {}));  // empty plaintext is fine
}

TEST_F(SealingTest, SealingTwiceGivesDifferentBytes) {
  auto key = SecretBytes::Random(32);
  EXPECT_NE(Seal(key, AsBytes("same"), {}), Seal(key, AsBytes("same"), {}));
}

TEST_F(SealingTest, EpochRatchetIsDeterministicAndOneWay) {
  auto day0 = SecretBytes::Random(32);
  auto day1 = NextEpochKey(day0);
  auto day5 = AdvanceEpochKey(day0, 0, 5);
  EXPECT_TRUE(AdvanceEpochKey(day1, 1, 5).Equals(day5.bytes()));
  EXPECT_FALSE(day1.Equals(day0.bytes()));
  // Data sealed under day 0 does not open with any later key.
  Bytes sealed = Seal(day0, AsBytes("canary"), {});
  for (std::uint32_t day = 1; day < 10; ++day) {
    EXPECT_FALSE(Open(AdvanceEpochKey(day0, 0, day), sealed, {}));
  }
}

TEST_F(SealingTest, SubkeysAndKeyedNamesSeparatePurposes) {
  auto master = SecretBytes::Random(32);
  EXPECT_FALSE(DeriveSubkey(master, 1, "HVNlogin").Equals(DeriveSubkey(master, 2, "HVNlogin").bytes()));
  EXPECT_FALSE(DeriveSubkey(master, 1, "HVNlogin").Equals(DeriveSubkey(master, 1, "HVNwrap_").bytes()));
  EXPECT_NE(KeyedName(master, "chat", AsBytes("id")), KeyedName(master, "wrapup", AsBytes("id")));
  EXPECT_EQ(KeyedName(master, "chat", AsBytes("id")), KeyedName(master, "chat", AsBytes("id")));
}

TEST_F(SealingTest, CounselorCredentialsWrapTheIdentity) {
  Bytes salt(kSaltSize, 7);
  auto keys = DeriveCounselorKeys("correct horse battery staple", salt);
  ASSERT_TRUE(keys);
  auto again = DeriveCounselorKeys("correct horse battery staple", salt);
  EXPECT_TRUE(keys->login_key.Equals(again->login_key.bytes()));
  EXPECT_FALSE(keys->login_key.Equals(keys->wrap_key.bytes()));
  SigningKey identity = SigningKey::Generate();
  Bytes wrapped = WrapIdentitySeed(keys->wrap_key, "c-1", identity.seed());
  auto unwrapped = UnwrapIdentity(keys->wrap_key, "c-1", wrapped);
  ASSERT_TRUE(unwrapped);
  EXPECT_EQ(unwrapped->public_key(), identity.public_key());
  EXPECT_FALSE(UnwrapIdentity(keys->wrap_key, "c-2", wrapped));
  auto wrong = DeriveCounselorKeys("wrong passphrase", salt);
  EXPECT_FALSE(UnwrapIdentity(wrong->wrap_key, "c-1", wrapped));
  std::string verifier = HashForVerification(keys->login_key.bytes());
  EXPECT_TRUE(MatchesVerification(verifier, keys->login_key.bytes()));
  EXPECT_FALSE(MatchesVerification(verifier, wrong->login_key.bytes()));
  EXPECT_FALSE(MatchesVerification("garbage", keys->login_key.bytes()));
  EXPECT_EQ(DeriveCounselorKeys("x", salt, {1, 8192}).error().code, ErrorCode::kWeakParameters);
}

TEST_F(SealingTest, KeyFilesOpenOnlyWithTheirPassphrase) {
  SigningKey root = SigningKey::Generate();
  auto file = EncodeKeyFile(KeyFileKind::kOrgRoot, root, "a long org passphrase", kMinimumParams);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->size(), kKeyFileSize);
  EXPECT_EQ(*KeyFilePublicKey(*file, KeyFileKind::kOrgRoot), root.public_key());
  EXPECT_FALSE(KeyFilePublicKey(*file, KeyFileKind::kOrgSigning));
  auto opened = OpenKeyFile(*file, KeyFileKind::kOrgRoot, "a long org passphrase");
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->public_key(), root.public_key());
  EXPECT_EQ(OpenKeyFile(*file, KeyFileKind::kOrgRoot, "wrong").error().code, ErrorCode::kWrongPassphrase);
  Bytes swapped_key = *file;
  swapped_key[8] ^= 1;  // the public key is authenticated as associated data
  EXPECT_EQ(OpenKeyFile(swapped_key, KeyFileKind::kOrgRoot, "a long org passphrase").error().code,
            ErrorCode::kWrongPassphrase);
  Bytes weakened = *file;
  weakened[43] = 1;  // opslimit lowered to 1: refused before any work
  EXPECT_EQ(OpenKeyFile(weakened, KeyFileKind::kOrgRoot, "a long org passphrase").error().code,
            ErrorCode::kWeakParameters);
  EXPECT_EQ(EncodeKeyFile(KeyFileKind::kOrgRoot, root, "p", {2, 64u << 20}).error().code, ErrorCode::kWeakParameters);
}

}  // namespace
}  // namespace haven::crypto
