#include "storage/record_format.h"

#include "crypto/sealing.h"

namespace haven::storage {

crypto::Bytes EncodeHeader(const ValueHeader& header) {
  return crypto::ByteWriter()
      .U8(header.version)
      .U64(header.created_at)
      .U64(header.expires_at)
      .U32(header.key_epoch)
      .Take();
}

Result<ValueHeader> ParseHeader(crypto::ByteView value) {
  if (value.empty()) return Fail(ErrorCode::kCorrupt, "empty value");
  if (value[0] != kValueVersion) return Fail(ErrorCode::kUnknownVersion, "version " + std::to_string(value[0]));
  if (value.size() < kHeaderSize + crypto::kSealOverhead) return Fail(ErrorCode::kCorrupt, "value too short");
  crypto::ByteReader reader(value);
  ValueHeader header;
  header.version = *reader.U8();
  header.created_at = *reader.U64();
  header.expires_at = *reader.U64();
  header.key_epoch = *reader.U32();
  return header;
}

crypto::Bytes AssociatedData(Family family, crypto::ByteView record_key, crypto::ByteView header) {
  return crypto::ByteWriter()
      .Label("Haven storage v1")
      .U8(static_cast<std::uint8_t>(family))
      .U16(static_cast<std::uint16_t>(record_key.size()))
      .Append(record_key)
      .Append(header)
      .Take();
}

bool ShouldDiscard(Family family, crypto::ByteView value, std::uint64_t now, std::uint32_t epoch_horizon) {
  auto header = ParseHeader(value);
  if (!header) return false;
  if (IsExpired(*header, now)) return true;
  return UsesEpochKeys(family) && header->key_epoch < epoch_horizon;
}

}  // namespace haven::storage
