#include "crypto/revocation_list.h"

#include <algorithm>

namespace haven::crypto {
namespace {

constexpr std::string_view kMagic = "HVR1";
constexpr std::string_view kSignatureLabel = "Haven-E2E v1 revocations";

}  // namespace

bool RevocationList::Contains(const Serial& serial) const { return std::ranges::binary_search(serials, serial); }

Result<RevocationList> IssueRevocationList(RevocationIssuer kind, std::uint64_t issued_at, std::vector<Serial> serials,
                                           const SigningKey& issuer) {
  std::ranges::sort(serials);
  serials.erase(std::unique(serials.begin(), serials.end()), serials.end());
  if (serials.size() > kMaxRevokedSerials) return Fail(ErrorCode::kMalformed);
  RevocationList list{kind, issuer.public_key(), issued_at, std::move(serials), {}};
  ByteWriter out;
  out.Append(kMagic).U8(1).U8(static_cast<std::uint8_t>(kind)).U16(0).Append(list.issuer_key).U64(issued_at);
  out.U16(static_cast<std::uint16_t>(list.serials.size()));
  for (const Serial& serial : list.serials) out.Append(serial);
  Signature signature = issuer.Sign(ByteWriter().Label(kSignatureLabel).Append(out.bytes()).bytes());
  out.Append(signature);
  list.encoded = out.Take();
  return list;
}

Result<RevocationList> ParseRevocationList(ByteView bytes) {
  ByteReader in(bytes);
  auto magic = in.Take(4);
  if (!magic || AsText(*magic) != kMagic) return Fail(ErrorCode::kMalformed);
  auto version = in.U8();
  if (!version) return Fail(ErrorCode::kMalformed);
  if (*version != 1) return Fail(ErrorCode::kUnsupportedVersion);
  auto kind = in.U8();
  auto flags = in.U16();
  auto issuer_key = in.Fixed<kPublicKeySize>();
  auto issued_at = in.U64();
  auto count = in.U16();
  if (!kind || !flags || !issuer_key || !issued_at || !count || *flags != 0 || *kind > 1 ||
      *count > kMaxRevokedSerials) {
    return Fail(ErrorCode::kMalformed);
  }
  RevocationList list{static_cast<RevocationIssuer>(*kind), *issuer_key, *issued_at, {}, {}};
  for (std::uint16_t i = 0; i < *count; ++i) {
    auto serial = in.Fixed<16>();
    if (!serial || (!list.serials.empty() && !(list.serials.back() < *serial))) return Fail(ErrorCode::kMalformed);
    list.serials.push_back(*serial);
  }
  std::size_t signed_length = in.offset();
  auto signature = in.Take(kSignatureSize);
  if (!signature || !in.Finished()) return Fail(ErrorCode::kMalformed);
  Bytes message = ByteWriter().Label(kSignatureLabel).Append(bytes.first(signed_length)).Take();
  if (!VerifySignature(list.issuer_key, message, *signature)) return Fail(ErrorCode::kBadRevocationList);
  list.encoded.assign(bytes.begin(), bytes.end());
  return list;
}

}  // namespace haven::crypto
