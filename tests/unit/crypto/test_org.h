// A small organisation for crypto tests: root key, signing certificate, counselors.
#pragma once

#include <cstdint>
#include <string>

#include "crypto/certificate.h"
#include "crypto/chain.h"
#include "crypto/handshake.h"
#include "crypto/revocation_list.h"
#include "crypto/secret_bytes.h"

namespace haven::crypto::testing {

inline constexpr std::uint64_t kNow = 1'800'000'000;  // 2027-01-15

inline Serial SerialOf(std::uint8_t n) {
  Serial serial{};
  serial.fill(n);
  return serial;
}

struct TestCounselor {
  SigningKey identity = SigningKey::Generate();
  Certificate certificate;
};

struct TestOrg {
  SigningKey root = SigningKey::Generate();
  SigningKey signing = SigningKey::Generate();
  Certificate signing_certificate;

  TestOrg() {
    InitSodium();
    signing_certificate = *IssueCertificate({CertificateRole::kOrgSigning, signing.public_key(), SerialOf(1),
                                             kNow - 86400, kNow + 300 * 86400, "org-signing", "Test Helpline"},
                                            root);
  }

  TestCounselor Counselor(std::string handle, std::uint8_t serial = 7, std::uint64_t not_before = kNow - 3600,
                          std::uint64_t not_after = kNow + 20 * 86400) const {
    TestCounselor counselor;
    counselor.certificate = *IssueCertificate({CertificateRole::kCounselor, counselor.identity.public_key(),
                                               SerialOf(serial), not_before, not_after, handle, "Мария"},
                                              signing);
    return counselor;
  }

  TrustAnchor Trust() const { return TrustAnchor{root.public_key(), {}}; }

  CounselorCredentials Credentials(const TestCounselor& counselor) const {
    return CounselorCredentials{&counselor.identity, signing_certificate.encoded, counselor.certificate.encoded};
  }
};

inline ChatId ChatIdOf(std::uint8_t n) {
  ChatId id{};
  id.fill(n);
  return id;
}

}  // namespace haven::crypto::testing
