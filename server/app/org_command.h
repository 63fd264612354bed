// `haven org init` and `haven org signing-key`: the organisation's trust chain
// (docs/protocol.md 3). The root key file should then be moved offline.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>

#include "crypto/signing_key.h"

namespace haven::app {

inline constexpr std::string_view kRootKeyFile = "org-root.key";
// The root public key in hex: all `haven serve` needs, so org-root.key can be kept offline.
inline constexpr std::string_view kRootPublicKeyFile = "org-root.pub";
inline constexpr std::string_view kSigningKeyFile = "org-signing.key";
inline constexpr std::string_view kSigningCertificateFile = "org-signing.cert";

struct OrgInitOptions {
  std::filesystem::path dir;
  std::optional<std::filesystem::path> passphrase_file;
};

struct SigningKeyOptions {
  std::filesystem::path dir;
  std::string organisation_name;
  int days = 365;
  std::optional<std::filesystem::path> root_passphrase_file;
  std::optional<std::filesystem::path> passphrase_file;
};

int RunOrgInit(const OrgInitOptions& options);
int RunOrgSigningKey(const SigningKeyOptions& options);

// Writes org-root.pub into `dir` (never replacing one).
std::expected<void, std::string> WriteRootPublicKeyFile(const std::filesystem::path& dir, const crypto::PublicKey& key);

}  // namespace haven::app
