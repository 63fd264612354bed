#include "server/auth/account_service.h"

#include <gtest/gtest.h>

#include "crypto/certificate.h"
#include "server/auth/totp.h"
#include "storage/memory_store.h"

namespace haven::auth {
namespace {

constexpr std::uint64_t kNow = 1'800'000'000;

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto::InitSodium()); }

  std::string Invite(const std::string& handle) {
    auto code = accounts_.Invite({handle, "Мария", storage::AccountRole::kCounselor, {"bg"}, {"child"}, 2});
    EXPECT_TRUE(code);
    return code.value_or("");
  }

  // Enrols as the console would: a login key and an identity key, both made up here.
  crypto::SigningKey Enrol(const std::string& handle, const std::string& code) {
    auto started = accounts_.StartEnrolment(handle, code);
    EXPECT_TRUE(started);
    totp_secret_ = *crypto::FromHex(ToHexOfBase32(started->totp_secret));
    crypto::SigningKey identity = crypto::SigningKey::Generate();
    crypto::Bytes wrapped(72, 1);
    auto finished = accounts_.FinishEnrolment({handle, code, login_key_, crypto::Bytes(identity.public_key().begin(),
                                                                                        identity.public_key().end()),
                                               wrapped, Code()});
    EXPECT_TRUE(finished) << (finished ? "" : AuthErrorName(finished.error().error));
    return identity;
  }

  void Certify(const std::string& handle, const crypto::SigningKey& identity) {
    crypto::SigningKey signing = crypto::SigningKey::Generate();
    auto certificate = crypto::IssueCertificate(
        {crypto::CertificateRole::kCounselor, identity.public_key(), {}, kNow - 10, kNow + 86400, handle, "Мария"},
        signing);
    ASSERT_TRUE(accounts_.StoreCertificate(handle, certificate->encoded));
  }

  std::string Code(std::int64_t offset_steps = 0) {
    return TotpCode(totp_secret_, static_cast<std::uint64_t>(static_cast<std::int64_t>(clock_.NowSeconds() / 30) + offset_steps));
  }

  static std::string ToHexOfBase32(const std::string& base32) {
    // Decodes RFC 4648 base32 back to bytes (test-side only), then to hex.
    std::string bits, hex;
    for (char c : base32) {
      int value = c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26;
      for (int b = 4; b >= 0; --b) bits += ((value >> b) & 1) ? '1' : '0';
    }
    crypto::Bytes bytes;
    for (std::size_t i = 0; i + 8 <= bits.size(); i += 8) bytes.push_back(static_cast<std::uint8_t>(std::stoi(bits.substr(i, 8), nullptr, 2)));
    return crypto::ToHex(bytes);
  }

  storage::ManualClock clock_{kNow};
  storage::MemoryStore store_;
  std::unique_ptr<storage::KeyRing> keys_ = storage::KeyRing::InMemory(clock_.Today());
  storage::Stores stores_{store_, *keys_, clock_, storage::RetentionSettings{}};
  AccountService accounts_{stores_, clock_, AccountPolicy{}};
  crypto::Bytes login_key_ = crypto::Bytes(32, 42);
  crypto::Bytes totp_secret_;
};

TEST_F(AccountServiceTest, InviteEnrolCertifyLogin) {
  std::string code = Invite("c-1");
  EXPECT_EQ(code.size(), 39u);  // 32 characters in groups of four
  auto identity = Enrol("c-1", code);
  EXPECT_EQ(accounts_.Find("c-1")->status, storage::AccountStatus::kEnrolled);
  clock_.Advance(30);
  // Enrolled is not yet active: no login before the certificate.
  EXPECT_EQ(accounts_.Login({"c-1", login_key_, Code()}).error().error, AuthError::kNotActive);
  Certify("c-1", identity);
  clock_.Advance(30);
  auto session = accounts_.Login({"c-1", login_key_, Code()});
  ASSERT_TRUE(session) << AuthErrorName(session.error().error);
  EXPECT_EQ(session->token.size(), 32u);
  auto ticket = accounts_.MintTicket(session->token);
  ASSERT_TRUE(ticket);
  EXPECT_EQ(*stores_.sessions().ConsumeTicket(*ticket), std::optional<std::string>("c-1"));
  ASSERT_TRUE(accounts_.Logout(session->token));
  EXPECT_EQ(accounts_.MintTicket(session->token).error().error, AuthError::kNoSession);
}

TEST_F(AccountServiceTest, EnrolmentCodesAreSingleUseAndExpire) {
  std::string code = Invite("c-1");
  EXPECT_EQ(accounts_.StartEnrolment("c-1", "WRONG-CODE").error().error, AuthError::kInvalidCode);
  EXPECT_EQ(accounts_.StartEnrolment("c-2", code).error().error, AuthError::kInvalidCode);
  Enrol("c-1", NormaliseCode(code));  // typed without dashes, lower or upper case
  EXPECT_EQ(accounts_.StartEnrolment("c-1", code).error().error, AuthError::kInvalidCode);
  std::string late = Invite("c-3");
  clock_.Advance(7 * 86400);
  EXPECT_EQ(accounts_.StartEnrolment("c-3", late).error().error, AuthError::kInvalidCode);
  auto again = accounts_.Invite({"c-3", "X", storage::AccountRole::kCounselor, {}, {}, 2});
  EXPECT_EQ(again.error().error, AuthError::kAlreadyExists);
}

TEST_F(AccountServiceTest, WrongKeyWrongCodeAndUnknownHandleFailAlike) {
  auto identity = Enrol("c-1", Invite("c-1"));
  Certify("c-1", identity);
  clock_.Advance(60);
  EXPECT_EQ(accounts_.Login({"c-1", crypto::Bytes(32, 1), Code()}).error().error, AuthError::kWrongCredentials);
  EXPECT_EQ(accounts_.Login({"c-1", login_key_, "000000"}).error().error, AuthError::kWrongCredentials);
  EXPECT_EQ(accounts_.Login({"nobody", login_key_, Code()}).error().error, AuthError::kWrongCredentials);
  // The salt of an unknown handle looks like any other, and stays the same.
  auto salt = accounts_.LoginSalt("nobody");
  ASSERT_TRUE(salt);
  EXPECT_EQ(salt->size(), 16u);
  EXPECT_EQ(*accounts_.LoginSalt("nobody"), *salt);
}

// Locks belong to LoginThrottle, per network: the account itself is never locked, so an attacker
// who knows the handle cannot keep the counselor out (issue 13 item 3).
TEST_F(AccountServiceTest, FailuresAreCountedButNeverLockTheAccount) {
  auto identity = Enrol("c-1", Invite("c-1"));
  Certify("c-1", identity);
  clock_.Advance(60);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(accounts_.Login({"c-1", crypto::Bytes(32, 1), Code()}).error().error, AuthError::kWrongCredentials);
  }
  EXPECT_EQ(accounts_.Find("c-1")->failed_logins, 20u);
  EXPECT_TRUE(accounts_.Login({"c-1", login_key_, Code()}));
  EXPECT_EQ(accounts_.Find("c-1")->failed_logins, 0u);
}

TEST_F(AccountServiceTest, ATotpCodeWorksOnce) {
  auto identity = Enrol("c-1", Invite("c-1"));
  Certify("c-1", identity);
  clock_.Advance(90);
  std::string code = Code();
  ASSERT_TRUE(accounts_.Login({"c-1", login_key_, code}));
  // The right passphrase with the code just used: she is told to wait for the next code (it
  // still counts as a failure); with a wrong passphrase it stays the generic answer.
  EXPECT_EQ(accounts_.Login({"c-1", login_key_, code}).error().error, AuthError::kCodeUsed);
  EXPECT_EQ(accounts_.Login({"c-1", crypto::Bytes(32, 1), code}).error().error, AuthError::kWrongCredentials);
  EXPECT_EQ(accounts_.Find("c-1")->failed_logins, 2u);
  clock_.Advance(30);
  EXPECT_TRUE(accounts_.Login({"c-1", login_key_, Code()}));
}

// Certified within the minute after enrolling, she logs in with the code her authenticator still
// shows: the one that enrolled her.
TEST_F(AccountServiceTest, TheEnrolmentCodeRightAfterEnrolmentSaysWaitForTheNext) {
  auto identity = Enrol("c-1", Invite("c-1"));
  Certify("c-1", identity);
  EXPECT_EQ(accounts_.Login({"c-1", login_key_, Code()}).error().error, AuthError::kCodeUsed);
  clock_.Advance(30);
  EXPECT_TRUE(accounts_.Login({"c-1", login_key_, Code()}));
}

TEST_F(AccountServiceTest, RevocationEndsSessionsAndLogins) {
  auto identity = Enrol("c-1", Invite("c-1"));
  Certify("c-1", identity);
  clock_.Advance(60);
  auto session = accounts_.Login({"c-1", login_key_, Code()});
  ASSERT_TRUE(session);
  ASSERT_TRUE(accounts_.Revoke("c-1"));
  EXPECT_EQ(accounts_.SessionAccount(session->token).error().error, AuthError::kNoSession);
  clock_.Advance(60);
  EXPECT_EQ(accounts_.Login({"c-1", login_key_, Code()}).error().error, AuthError::kNotActive);
  EXPECT_TRUE(stores_.audit().Verify()->intact());
}

TEST_F(AccountServiceTest, CertificateMustBeForTheEnrolledKey) {
  auto identity = Enrol("c-1", Invite("c-1"));
  crypto::SigningKey other = crypto::SigningKey::Generate();
  crypto::SigningKey signing = crypto::SigningKey::Generate();
  auto wrong = crypto::IssueCertificate(
      {crypto::CertificateRole::kCounselor, other.public_key(), {}, kNow, kNow + 100, "c-1", "X"}, signing);
  EXPECT_EQ(accounts_.StoreCertificate("c-1", wrong->encoded).error().error, AuthError::kNotActive);
  auto other_handle = crypto::IssueCertificate(
      {crypto::CertificateRole::kCounselor, identity.public_key(), {}, kNow, kNow + 100, "c-2", "X"}, signing);
  EXPECT_EQ(accounts_.StoreCertificate("c-1", other_handle->encoded).error().error, AuthError::kBadRequest);
}

}  // namespace
}  // namespace haven::auth
