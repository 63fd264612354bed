#include "crypto/chain.h"

namespace haven::crypto {
namespace {

bool ValidityTooLong(const CertificateFields& fields, std::uint64_t max_seconds) {
  return fields.not_before >= fields.not_after || fields.not_after - fields.not_before > max_seconds;
}

std::optional<ErrorCode> CheckTime(const CertificateFields& fields, std::uint64_t now) {
  if (now + kClockSkewSeconds < fields.not_before) return ErrorCode::kNotYetValid;
  if (now > fields.not_after && now - fields.not_after > kClockSkewSeconds) return ErrorCode::kExpired;
  return std::nullopt;
}

}  // namespace

Result<VerifiedChain> VerifyChain(const TrustAnchor& trust, ByteView signing_certificate,
                                  ByteView counselor_certificate, std::uint64_t now) {
  // Step 1: grammar and roles.
  auto signing = ParseCertificate(signing_certificate);
  if (!signing) return std::unexpected(signing.error());
  auto counselor = ParseCertificate(counselor_certificate);
  if (!counselor) return std::unexpected(counselor.error());
  if (signing->fields.role != CertificateRole::kOrgSigning || counselor->fields.role != CertificateRole::kCounselor) {
    return Fail(ErrorCode::kWrongRole);
  }
  // Steps 2 and 3: signatures.
  if (!HasValidSignature(*signing, trust.root_key)) return Fail(ErrorCode::kUntrustedRoot);
  if (!HasValidSignature(*counselor, signing->fields.subject_key)) return Fail(ErrorCode::kBadCertificateSignature);
  // Step 4: validity periods.
  if (ValidityTooLong(signing->fields, kMaxSigningValiditySeconds) ||
      ValidityTooLong(counselor->fields, kMaxCounselorValiditySeconds) ||
      counselor->fields.not_after > signing->fields.not_after) {
    return Fail(ErrorCode::kValidityTooLong);
  }
  // Step 5: the verifier's clock.
  for (const Certificate* certificate : {&*signing, &*counselor}) {
    if (auto problem = CheckTime(certificate->fields, now)) return Fail(*problem);
  }
  // Step 6: revocations, from lists signed by the root or by this signing key only.
  VerifiedChain chain{std::move(*signing), std::move(*counselor), 0};
  for (const Bytes& bytes : trust.revocation_lists) {
    auto list = ParseRevocationList(bytes);
    bool trusted = list && ((list->issuer_kind == RevocationIssuer::kRoot && list->issuer_key == trust.root_key) ||
                            (list->issuer_kind == RevocationIssuer::kOrgSigning &&
                             list->issuer_key == chain.signing.fields.subject_key));
    if (!trusted) {
      ++chain.ignored_revocation_lists;
      continue;
    }
    if (list->Contains(chain.counselor.fields.serial)) return Fail(ErrorCode::kRevoked);
    if (list->issuer_kind == RevocationIssuer::kRoot && list->Contains(chain.signing.fields.serial)) {
      return Fail(ErrorCode::kRevoked);
    }
  }
  return chain;
}

}  // namespace haven::crypto
