#include "server/app/org_files.h"

#include "crypto/certificate.h"
#include "crypto/key_file.h"
#include "crypto/revocation_list.h"
#include "server/app/key_files.h"
#include "server/app/org_command.h"

namespace haven::app {

std::expected<OrgFiles, std::string> LoadOrgFiles(const std::filesystem::path& dir) {
  OrgFiles org;
  auto root_file = ReadSmallFile(dir / kRootKeyFile, crypto::kKeyFileSize);
  if (!root_file) return std::unexpected(root_file.error() + " (org.dir)");
  auto root = crypto::KeyFilePublicKey(*root_file, crypto::KeyFileKind::kOrgRoot);
  if (!root) return std::unexpected(std::string(kRootKeyFile) + " is not an org root key file");
  org.root_key = *root;
  auto certificate_bytes = ReadSmallFile(dir / kSigningCertificateFile, 1024);
  if (!certificate_bytes) return std::unexpected(certificate_bytes.error() + "; run haven org signing-key");
  auto certificate = crypto::ParseCertificate(*certificate_bytes);
  if (!certificate || certificate->fields.role != crypto::CertificateRole::kOrgSigning ||
      !crypto::HasValidSignature(*certificate, org.root_key)) {
    return std::unexpected(std::string(kSigningCertificateFile) + " is not a signing certificate of this org's root key");
  }
  org.signing_certificate = *certificate_bytes;
  std::error_code ec;
  if (std::filesystem::exists(dir / kRevocationListFile, ec)) {
    auto list_bytes = ReadSmallFile(dir / kRevocationListFile, 128 * 1024);
    if (!list_bytes) return std::unexpected(list_bytes.error());
    auto list = crypto::ParseRevocationList(*list_bytes);
    bool trusted = list && (list->issuer_key == org.root_key || list->issuer_key == certificate->fields.subject_key);
    if (!trusted) return std::unexpected(std::string(kRevocationListFile) + " is not signed by this org");
    org.revocation_lists.push_back(*list_bytes);
  }
  org.info.name = certificate->fields.name;
  org.info.root_key_hex = crypto::ToHex(org.root_key);
  org.info.fingerprint_hex = crypto::FingerprintHex(org.root_key);
  org.info.signing_certificates_hex = {crypto::ToHex(org.signing_certificate)};
  for (const auto& list : org.revocation_lists) org.info.revocation_lists_hex.push_back(crypto::ToHex(list));
  return org;
}

}  // namespace haven::app
