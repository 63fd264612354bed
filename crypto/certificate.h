// Haven certificates (docs/protocol.md 3.1): a fixed binary layout, never JSON.
//
//   certificate = "HVC1" version:u8 role:u8 flags:u16 subject_key:32 serial:16
//                 not_before:u64 not_after:u64 handle_len:u8 handle name_len:u8 name signature:64
//   signature   = Sign(issuer, "Haven-E2E v1 certificate\0" || every byte before signature)
//
// ParseCertificate checks the grammar only; signatures and validity are checked by
// VerifyChain (chain.h), which knows who the issuer must be.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "crypto/bytes.h"
#include "crypto/error.h"
#include "crypto/signing_key.h"

namespace haven::crypto {

enum class CertificateRole : std::uint8_t { kOrgSigning = 1, kCounselor = 2 };

using Serial = std::array<std::uint8_t, 16>;

inline constexpr std::size_t kMaxHandleLength = 32;
inline constexpr std::size_t kMaxNameLength = 128;
inline constexpr std::uint64_t kMaxSigningValiditySeconds = 366ull * 86400;
inline constexpr std::uint64_t kMaxCounselorValiditySeconds = 30ull * 86400;

struct CertificateFields {
  CertificateRole role = CertificateRole::kCounselor;
  PublicKey subject_key{};
  Serial serial{};
  std::uint64_t not_before = 0;
  std::uint64_t not_after = 0;
  std::string handle;  // [a-z0-9-], 1..32 bytes
  std::string name;    // UTF-8 without control characters, 0..128 bytes
  bool operator==(const CertificateFields&) const = default;
};

struct Certificate {
  CertificateFields fields;
  Signature signature{};
  Bytes encoded;  // the whole certificate as received or issued
  ByteView SignedPart() const { return ByteView(encoded).first(encoded.size() - kSignatureSize); }
};

// Encodes and signs. Fails with malformed when a field breaks the grammar (handle charset,
// lengths, name encoding, not_before >= not_after).
Result<Certificate> IssueCertificate(const CertificateFields& fields, const SigningKey& issuer);
Result<Certificate> ParseCertificate(ByteView bytes);
bool IsValidHandle(std::string_view handle);
bool IsValidDisplayName(std::string_view name);
bool HasValidSignature(const Certificate& certificate, const PublicKey& issuer);

// docs/protocol.md 3.2: the first 16 bytes of H("Haven-E2E v1 fingerprint\0" || root key).
std::array<std::uint8_t, 16> Fingerprint(const PublicKey& root);
// 32 hex digits, as in the embed snippet's data-org-fingerprint.
std::string FingerprintHex(const PublicKey& root);
// Eight groups of four hex digits, for people to compare.
std::string FingerprintForPeople(const PublicKey& root);

}  // namespace haven::crypto
