#include "crypto/certificate.h"

#include <gtest/gtest.h>

#include "tests/unit/crypto/test_org.h"

namespace haven::crypto {
namespace {

using testing::kNow;
using testing::SerialOf;
using testing::TestOrg;

TEST(Certificate, RoundTripsAndHasTheDocumentedSize) {
  TestOrg org;
  auto counselor = org.Counselor("c-7f3a");
  const Certificate& issued = counselor.certificate;
  EXPECT_EQ(issued.encoded.size(), 138 + 6 + std::string("Мария").size());
  auto parsed = ParseCertificate(issued.encoded);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->fields, issued.fields);
  EXPECT_EQ(parsed->encoded, issued.encoded);
  EXPECT_TRUE(HasValidSignature(*parsed, org.signing.public_key()));
  EXPECT_FALSE(HasValidSignature(*parsed, org.root.public_key()));
}

TEST(Certificate, EveryTruncationAndAnyTrailingByteIsMalformed) {
  TestOrg org;
  Bytes bytes = org.Counselor("c-1").certificate.encoded;
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    auto parsed = ParseCertificate(ByteView(bytes).first(length));
    ASSERT_FALSE(parsed) << length;
    EXPECT_EQ(parsed.error().code, ErrorCode::kMalformed) << length;
  }
  bytes.push_back(0);
  EXPECT_EQ(ParseCertificate(bytes).error().code, ErrorCode::kMalformed);
}

TEST(Certificate, GrammarViolationsAreRejected) {
  TestOrg org;
  const Bytes good = org.Counselor("c-1").certificate.encoded;
  auto with = [&](std::size_t offset, std::uint8_t value) {
    Bytes bytes = good;
    bytes[offset] = value;
    return ParseCertificate(bytes);
  };
  EXPECT_EQ(with(0, 'X').error().code, ErrorCode::kMalformed);            // magic
  EXPECT_EQ(with(4, 2).error().code, ErrorCode::kUnsupportedVersion);      // version
  EXPECT_EQ(with(5, 3).error().code, ErrorCode::kMalformed);              // role
  EXPECT_EQ(with(7, 1).error().code, ErrorCode::kMalformed);              // flags
  EXPECT_EQ(with(73, 'C').error().code, ErrorCode::kMalformed);           // handle charset (upper case)
  EXPECT_EQ(with(72, 0).error().code, ErrorCode::kMalformed);             // empty handle
}

TEST(Certificate, IssuingRefusesBadFields) {
  TestOrg org;
  CertificateFields fields{CertificateRole::kCounselor, org.signing.public_key(), SerialOf(2), kNow, kNow + 10,
                           "ok-handle", "Name"};
  EXPECT_TRUE(IssueCertificate(fields, org.signing));
  for (std::string handle : {std::string(""), std::string(33, 'a'), std::string("Has Caps"), std::string("a_b")}) {
    auto bad = fields;
    bad.handle = handle;
    EXPECT_FALSE(IssueCertificate(bad, org.signing)) << handle;
  }
  for (std::string name : {std::string(129, 'a'), std::string("tab\there"), std::string("\xff\xfe")}) {
    auto bad = fields;
    bad.name = name;
    EXPECT_FALSE(IssueCertificate(bad, org.signing));
  }
  auto backwards = fields;
  backwards.not_after = backwards.not_before;
  EXPECT_FALSE(IssueCertificate(backwards, org.signing));
}

TEST(Certificate, FingerprintFormats) {
  TestOrg org;
  std::string hex = FingerprintHex(org.root.public_key());
  EXPECT_EQ(hex.size(), 32u);
  std::string people = FingerprintForPeople(org.root.public_key());
  EXPECT_EQ(people.size(), 39u);
  EXPECT_EQ(people.substr(0, 4), hex.substr(0, 4));
  EXPECT_EQ(people[4], ' ');
}

}  // namespace
}  // namespace haven::crypto
