// Revocation lists (docs/protocol.md 3.3):
//
//   revocation_list = "HVR1" version:u8 issuer_kind:u8 flags:u16 issuer_key:32 issued_at:u64
//                     count:u16 serials:count*16 (strictly ascending) signature:64
//   signature = Sign(issuer, "Haven-E2E v1 revocations\0" || every byte before signature)
#pragma once

#include <vector>

#include "crypto/certificate.h"

namespace haven::crypto {

enum class RevocationIssuer : std::uint8_t { kRoot = 0, kOrgSigning = 1 };

inline constexpr std::size_t kMaxRevokedSerials = 4096;

struct RevocationList {
  RevocationIssuer issuer_kind = RevocationIssuer::kOrgSigning;
  PublicKey issuer_key{};
  std::uint64_t issued_at = 0;
  std::vector<Serial> serials;  // strictly ascending
  Bytes encoded;
  bool Contains(const Serial& serial) const;
};

// Sorts and de-duplicates `serials`; malformed when there are more than 4096.
Result<RevocationList> IssueRevocationList(RevocationIssuer kind, std::uint64_t issued_at, std::vector<Serial> serials,
                                           const SigningKey& issuer);
// Parses and checks the signature against the list's own issuer_key; whether that key is
// trusted is the caller's decision (VerifyChain).
Result<RevocationList> ParseRevocationList(ByteView bytes);

}  // namespace haven::crypto
