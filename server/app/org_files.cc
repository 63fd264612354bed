#include "server/app/org_files.h"

#include <algorithm>

#include "crypto/certificate.h"
#include "crypto/key_file.h"
#include "crypto/revocation_list.h"
#include "server/app/key_files.h"
#include "server/app/org_command.h"

namespace haven::app {

namespace {

// From org-root.pub when present (the root key file may then be offline), else from the
// public half of org-root.key; when both are there they must agree.
std::expected<crypto::PublicKey, std::string> RootPublicKey(const std::filesystem::path& dir) {
  std::optional<crypto::PublicKey> from_key_file;
  std::error_code ec;
  if (std::filesystem::exists(dir / kRootKeyFile, ec)) {
    auto file = ReadSmallFile(dir / kRootKeyFile, crypto::kKeyFileSize);
    if (!file) return std::unexpected(file.error() + " (org.dir)");
    auto key = crypto::KeyFilePublicKey(*file, crypto::KeyFileKind::kOrgRoot);
    if (key) from_key_file = *key;
    if (!key) return std::unexpected(std::string(kRootKeyFile) + " is not an org root key file");
  }
  if (!std::filesystem::exists(dir / kRootPublicKeyFile, ec)) {
    if (from_key_file) return *from_key_file;
    return std::unexpected("org.dir holds neither " + std::string(kRootPublicKeyFile) + " nor " +
                           std::string(kRootKeyFile) + "; run haven org init");
  }
  auto text = ReadSmallFile(dir / kRootPublicKeyFile, 2 * crypto::kPublicKeySize + 2);
  if (!text) return std::unexpected(text.error() + " (org.dir)");
  std::string_view hex(reinterpret_cast<const char*>(text->data()), text->size());
  if (!hex.empty() && hex.back() == '\n') hex.remove_suffix(1);
  auto bytes = crypto::FromHex(hex);
  if (!bytes || bytes->size() != crypto::kPublicKeySize) {
    return std::unexpected(std::string(kRootPublicKeyFile) + " must hold the root public key as 64 hex digits");
  }
  crypto::PublicKey key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  if (from_key_file && *from_key_file != key) {
    return std::unexpected(std::string(kRootPublicKeyFile) + " does not match " + std::string(kRootKeyFile));
  }
  return key;
}

}  // namespace

std::expected<OrgFiles, std::string> LoadOrgFiles(const std::filesystem::path& dir) {
  OrgFiles org;
  auto root = RootPublicKey(dir);
  if (!root) return std::unexpected(root.error());
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
