// A fixed organisation for the fuzz targets: keys from constant seeds, so the certificates and
// lists it issues are the same bytes on every run and the seed corpora stay valid. Anything a
// target accepts as signed must be one of these exact byte strings: a changed signed input that
// verifies is a finding.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "crypto/certificate.h"
#include "crypto/chain.h"
#include "crypto/revocation_list.h"
#include "crypto/secret_bytes.h"
#include "crypto/signing_key.h"

namespace haven::fuzz {

inline constexpr std::uint64_t kNow = 1'800'000'000;

inline crypto::SigningKey KeyFrom(std::uint8_t fill) {
  crypto::Bytes seed(32, fill);
  return crypto::SigningKey::FromSeed(seed);
}

inline crypto::Serial SerialOf(std::uint8_t n) {
  crypto::Serial serial{};
  serial.fill(n);
  return serial;
}

struct FuzzOrg {
  crypto::SigningKey root = KeyFrom(1);
  crypto::SigningKey signing = KeyFrom(2);
  crypto::SigningKey counselor = KeyFrom(3);
  crypto::Certificate signing_certificate;
  crypto::Certificate counselor_certificate;
  crypto::RevocationList root_list;
  crypto::RevocationList signing_list;

  FuzzOrg() {
    crypto::InitSodium();
    signing_certificate = *crypto::IssueCertificate({crypto::CertificateRole::kOrgSigning, signing.public_key(), SerialOf(1),
                                                     kNow - 86400, kNow + 300 * 86400, "org-signing", "Fuzz Helpline"},
                                                    root);
    counselor_certificate = *crypto::IssueCertificate({crypto::CertificateRole::kCounselor, counselor.public_key(), SerialOf(7),
                                                       kNow - 3600, kNow + 20 * 86400, "c-fuzz", "Мария"},
                                                      signing);
    root_list = *crypto::IssueRevocationList(crypto::RevocationIssuer::kRoot, kNow, {SerialOf(3)}, root);
    signing_list = *crypto::IssueRevocationList(crypto::RevocationIssuer::kOrgSigning, kNow, {SerialOf(5), SerialOf(9)}, signing);
  }
  crypto::TrustAnchor Trust() const { return crypto::TrustAnchor{root.public_key(), {}}; }
};

inline const FuzzOrg& Org() {
  static const FuzzOrg org;
  return org;
}

// `HAVEN_FUZZ_SEEDS=dir target`: writes the target's seed inputs into dir and exits, instead of
// fuzzing (how fuzz/corpus/ was made; see fuzz/README.md).
inline void WriteSeedsIfAsked(const std::vector<std::string>& seeds) {
  const char* dir = std::getenv("HAVEN_FUZZ_SEEDS");
  if (!dir) return;
  std::filesystem::create_directories(dir);
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    std::ofstream(std::filesystem::path(dir) / ("seed-" + std::to_string(i)), std::ios::binary) << seeds[i];
  }
  std::exit(0);
}

inline std::string Text(crypto::ByteView bytes) { return std::string(bytes.begin(), bytes.end()); }

// A finding: libFuzzer reports the crash and keeps the input.
[[noreturn]] inline void Finding(const char* what) {
  std::fprintf(stderr, "finding: %s\n", what);
  std::abort();
}

}  // namespace haven::fuzz
