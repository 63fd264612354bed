// `haven org init` and `haven org signing-key`: the organisation's trust chain
// (docs/protocol.md 3). The root key file should then be moved offline.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace haven::app {

inline constexpr std::string_view kRootKeyFile = "org-root.key";
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

}  // namespace haven::app
