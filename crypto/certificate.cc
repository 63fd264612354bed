#include "crypto/certificate.h"

#include <algorithm>

#include "crypto/hash.h"

namespace haven::crypto {
namespace {

constexpr std::string_view kMagic = "HVC1";
constexpr std::uint8_t kVersion = 1;
constexpr std::string_view kSignatureLabel = "Haven-E2E v1 certificate";

Bytes SignedMessage(ByteView signed_part) {
  return ByteWriter().Label(kSignatureLabel).Append(signed_part).Take();
}

Bytes EncodeSignedPart(const CertificateFields& fields) {
  ByteWriter out;
  out.Append(kMagic).U8(kVersion).U8(static_cast<std::uint8_t>(fields.role)).U16(0);
  out.Append(fields.subject_key).Append(fields.serial).U64(fields.not_before).U64(fields.not_after);
  out.U8(static_cast<std::uint8_t>(fields.handle.size())).Append(fields.handle);
  out.U8(static_cast<std::uint8_t>(fields.name.size())).Append(fields.name);
  return out.Take();
}

}  // namespace

bool IsValidHandle(std::string_view handle) {
  if (handle.empty() || handle.size() > kMaxHandleLength) return false;
  return std::ranges::all_of(handle, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool IsValidDisplayName(std::string_view name) {
  if (name.size() > kMaxNameLength || !IsValidUtf8(AsBytes(name))) return false;
  return std::ranges::none_of(name, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

Result<Certificate> IssueCertificate(const CertificateFields& fields, const SigningKey& issuer) {
  bool role_ok = fields.role == CertificateRole::kOrgSigning || fields.role == CertificateRole::kCounselor;
  if (!role_ok || !IsValidHandle(fields.handle) || !IsValidDisplayName(fields.name) ||
      fields.not_before >= fields.not_after) {
    return Fail(ErrorCode::kMalformed);
  }
  Certificate certificate;
  certificate.fields = fields;
  certificate.encoded = EncodeSignedPart(fields);
  certificate.signature = issuer.Sign(SignedMessage(certificate.encoded));
  certificate.encoded.insert(certificate.encoded.end(), certificate.signature.begin(), certificate.signature.end());
  return certificate;
}

Result<Certificate> ParseCertificate(ByteView bytes) {
  ByteReader in(bytes);
  auto magic = in.Take(4);
  if (!magic || AsText(*magic) != kMagic) return Fail(ErrorCode::kMalformed);
  auto version = in.U8();
  if (!version) return Fail(ErrorCode::kMalformed);
  if (*version != kVersion) return Fail(ErrorCode::kUnsupportedVersion);
  Certificate certificate;
  CertificateFields& f = certificate.fields;
  auto role = in.U8();
  auto flags = in.U16();
  auto subject = in.Fixed<kPublicKeySize>();
  auto serial = in.Fixed<16>();
  auto not_before = in.U64();
  auto not_after = in.U64();
  if (!role || !flags || !subject || !serial || !not_before || !not_after) return Fail(ErrorCode::kMalformed);
  if (*flags != 0 || (*role != 1 && *role != 2)) return Fail(ErrorCode::kMalformed);
  auto handle_length = in.U8();
  if (!handle_length) return Fail(ErrorCode::kMalformed);
  auto handle = in.Take(*handle_length);
  auto name_length = handle ? in.U8() : std::nullopt;
  if (!name_length) return Fail(ErrorCode::kMalformed);
  auto name = in.Take(*name_length);
  auto signature = name ? in.Fixed<kSignatureSize>() : std::nullopt;
  if (!signature || !in.Finished()) return Fail(ErrorCode::kMalformed);
  f.role = static_cast<CertificateRole>(*role);
  f.subject_key = *subject;
  f.serial = *serial;
  f.not_before = *not_before;
  f.not_after = *not_after;
  f.handle = std::string(AsText(*handle));
  f.name = std::string(AsText(*name));
  if (!IsValidHandle(f.handle) || !IsValidDisplayName(f.name)) return Fail(ErrorCode::kMalformed);
  certificate.signature = *signature;
  certificate.encoded.assign(bytes.begin(), bytes.end());
  return certificate;
}

bool HasValidSignature(const Certificate& certificate, const PublicKey& issuer) {
  return VerifySignature(issuer, SignedMessage(certificate.SignedPart()), certificate.signature);
}

std::array<std::uint8_t, 16> Fingerprint(const PublicKey& root) {
  auto digest = Hash(ByteWriter().Label("Haven-E2E v1 fingerprint").Append(root).bytes());
  std::array<std::uint8_t, 16> out{};
  std::copy_n(digest.begin(), out.size(), out.begin());
  return out;
}

std::string FingerprintHex(const PublicKey& root) { return ToHex(Fingerprint(root)); }

std::string FingerprintForPeople(const PublicKey& root) {
  std::string hex = FingerprintHex(root), out;
  for (std::size_t i = 0; i < hex.size(); i += 4) {
    if (!out.empty()) out += ' ';
    out += hex.substr(i, 4);
  }
  return out;
}

}  // namespace haven::crypto
