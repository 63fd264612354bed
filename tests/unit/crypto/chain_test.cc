#include "crypto/chain.h"

#include <gtest/gtest.h>

#include "tests/unit/crypto/test_org.h"

namespace haven::crypto {
namespace {

using testing::kNow;
using testing::SerialOf;
using testing::TestOrg;

ErrorCode CodeOf(const Result<VerifiedChain>& result) {
  EXPECT_FALSE(result.has_value());
  return result ? ErrorCode::kMalformed : result.error().code;
}

TEST(Chain, AcceptsAGoodChain) {
  TestOrg org;
  auto counselor = org.Counselor("c-1");
  auto chain = VerifyChain(org.Trust(), org.signing_certificate.encoded, counselor.certificate.encoded, kNow);
  ASSERT_TRUE(chain) << CodeName(chain.error().code);
  EXPECT_EQ(chain->counselor.fields.handle, "c-1");
}

TEST(Chain, WrongRootIsUntrustedRoot) {
  TestOrg org, other;
  auto counselor = org.Counselor("c-1");
  EXPECT_EQ(CodeOf(VerifyChain(other.Trust(), org.signing_certificate.encoded, counselor.certificate.encoded, kNow)),
            ErrorCode::kUntrustedRoot);
}

TEST(Chain, CounselorFromAnotherOrganisationIsBadCertificateSignature) {
  TestOrg org, other;
  auto stranger = other.Counselor("c-1");
  EXPECT_EQ(CodeOf(VerifyChain(org.Trust(), org.signing_certificate.encoded, stranger.certificate.encoded, kNow)),
            ErrorCode::kBadCertificateSignature);
}

TEST(Chain, SwappedRolesAreWrongRole) {
  TestOrg org;
  auto counselor = org.Counselor("c-1");
  EXPECT_EQ(CodeOf(VerifyChain(org.Trust(), counselor.certificate.encoded, org.signing_certificate.encoded, kNow)),
            ErrorCode::kWrongRole);
}

TEST(Chain, TamperedCertificateFailsItsSignature) {
  TestOrg org;
  auto counselor = org.Counselor("c-1");
  Bytes tampered = counselor.certificate.encoded;
  tampered[tampered.size() - 70] ^= 1;  // inside the name
  auto result = VerifyChain(org.Trust(), org.signing_certificate.encoded, tampered, kNow);
  EXPECT_TRUE(CodeOf(result) == ErrorCode::kBadCertificateSignature || CodeOf(result) == ErrorCode::kMalformed);
}

TEST(Chain, ValidityWindowsWithSkew) {
  TestOrg org;
  auto counselor = org.Counselor("c-1", 7, kNow, kNow + 86400);
  auto at = [&](std::uint64_t now) {
    return VerifyChain(org.Trust(), org.signing_certificate.encoded, counselor.certificate.encoded, now);
  };
  EXPECT_TRUE(at(kNow - kClockSkewSeconds));
  EXPECT_EQ(CodeOf(at(kNow - kClockSkewSeconds - 1)), ErrorCode::kNotYetValid);
  EXPECT_TRUE(at(kNow + 86400 + kClockSkewSeconds));
  EXPECT_EQ(CodeOf(at(kNow + 86400 + kClockSkewSeconds + 1)), ErrorCode::kExpired);
}

TEST(Chain, OverlongValidityIsRefused) {
  TestOrg org;
  auto thirty_days = org.Counselor("c-1", 7, kNow, kNow + 30 * 86400);
  EXPECT_TRUE(VerifyChain(org.Trust(), org.signing_certificate.encoded, thirty_days.certificate.encoded, kNow));
  auto longer = org.Counselor("c-2", 8, kNow, kNow + 30 * 86400 + 1);
  EXPECT_EQ(CodeOf(VerifyChain(org.Trust(), org.signing_certificate.encoded, longer.certificate.encoded, kNow)),
            ErrorCode::kValidityTooLong);
  auto outlives = org.Counselor("c-3", 9, kNow + 290 * 86400, kNow + 301 * 86400);
  EXPECT_EQ(CodeOf(VerifyChain(org.Trust(), org.signing_certificate.encoded, outlives.certificate.encoded,
                               kNow + 290 * 86400)),
            ErrorCode::kValidityTooLong);
}

TEST(Chain, RevokedCounselorIsRefused) {
  TestOrg org;
  auto counselor = org.Counselor("c-1", 42);
  auto trust = org.Trust();
  trust.revocation_lists.push_back(
      IssueRevocationList(RevocationIssuer::kOrgSigning, kNow, {SerialOf(9), SerialOf(42)}, org.signing)->encoded);
  EXPECT_EQ(CodeOf(VerifyChain(trust, org.signing_certificate.encoded, counselor.certificate.encoded, kNow)),
            ErrorCode::kRevoked);
}

TEST(Chain, RootListRevokesTheSigningCertificate) {
  TestOrg org;
  auto counselor = org.Counselor("c-1");
  auto trust = org.Trust();
  trust.revocation_lists.push_back(
      IssueRevocationList(RevocationIssuer::kRoot, kNow, {SerialOf(1)}, org.root)->encoded);
  EXPECT_EQ(CodeOf(VerifyChain(trust, org.signing_certificate.encoded, counselor.certificate.encoded, kNow)),
            ErrorCode::kRevoked);
}

TEST(Chain, UntrustedOrBrokenRevocationListsAreIgnoredAndCounted) {
  TestOrg org, other;
  auto counselor = org.Counselor("c-1", 42);
  auto trust = org.Trust();
  // Signed by a stranger claiming to be a signing key, a signing-key list claiming to be the
  // root's, and garbage: none may revoke, and none may stop verification.
  trust.revocation_lists.push_back(
      IssueRevocationList(RevocationIssuer::kOrgSigning, kNow, {SerialOf(42)}, other.signing)->encoded);
  trust.revocation_lists.push_back(
      IssueRevocationList(RevocationIssuer::kRoot, kNow, {SerialOf(42)}, org.signing)->encoded);
  trust.revocation_lists.push_back(Bytes{1, 2, 3});
  auto chain = VerifyChain(trust, org.signing_certificate.encoded, counselor.certificate.encoded, kNow);
  ASSERT_TRUE(chain);
  EXPECT_EQ(chain->ignored_revocation_lists, 3);
}

TEST(RevocationList, RoundTripAndTamper) {
  TestOrg org;
  auto list = IssueRevocationList(RevocationIssuer::kOrgSigning, kNow, {SerialOf(5), SerialOf(3), SerialOf(5)},
                                  org.signing);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->serials.size(), 2u);
  auto parsed = ParseRevocationList(list->encoded);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->Contains(SerialOf(3)));
  EXPECT_FALSE(parsed->Contains(SerialOf(4)));
  for (std::size_t i = 0; i < list->encoded.size(); ++i) {
    Bytes tampered = list->encoded;
    tampered[i] ^= 0x40;
    EXPECT_FALSE(ParseRevocationList(tampered)) << i;
  }
}

}  // namespace
}  // namespace haven::crypto
