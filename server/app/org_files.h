// The organisation's public trust material, read from its directory (made by `haven org init`
// and `haven org signing-key`): the root public key (from org-root.key, without unlocking
// it), the signing certificate, and the revocation lists (revocations-*.rl).
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/signing_key.h"
#include "server/helpline/helpline_options.h"

namespace haven::app {

inline constexpr std::string_view kRevocationListFile = "revocations.rl";

struct OrgFiles {
  crypto::PublicKey root_key{};
  crypto::Bytes signing_certificate;
  std::vector<crypto::Bytes> revocation_lists;
  helpline::OrgInfo info;  // the same, as clients receive it
};

// Reads and checks the directory: the signing certificate must be signed by the root key;
// a revocation list that does not verify is an error rather than silently ignored.
std::expected<OrgFiles, std::string> LoadOrgFiles(const std::filesystem::path& dir);

}  // namespace haven::app
