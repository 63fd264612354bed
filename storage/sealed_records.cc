#include "storage/sealed_records.h"

#include <algorithm>

#include "crypto/sealing.h"
#include "storage/record_format.h"

namespace haven::storage {

Result<void> SealedRecords::AddPut(WriteBatch& batch, Family family, ByteView key, ByteView payload,
                                   std::uint64_t expires_at) const {
  std::uint64_t now = clock_.NowSeconds();
  if (expires_at <= now) return Fail(ErrorCode::kInvalidArgument, "a record must expire in the future");
  if (key.size() > 0xffff) return Fail(ErrorCode::kInvalidArgument, "record key longer than 65535 bytes");
  ValueHeader header{kValueVersion, now, expires_at, 0};
  std::shared_ptr<const crypto::SecretBytes> epoch_key;
  if (UsesEpochKeys(family)) {
    // Never a day whose key is already gone: after the clock went back below the horizon the
    // record is sealed under the horizon's key (and so kept a little longer, never lost).
    header.key_epoch = std::max(static_cast<std::uint32_t>(now / kSecondsPerDay), keys_.horizon_day());
    auto found = keys_.EpochKey(header.key_epoch);
    if (!found) return std::unexpected(found.error());
    epoch_key = *found;
  }
  const crypto::SecretBytes& seal_key = epoch_key ? *epoch_key : keys_.FamilyKey(family);
  crypto::Bytes value = EncodeHeader(header);
  crypto::Bytes sealed = crypto::Seal(seal_key, payload, AssociatedData(family, key, value));
  value.insert(value.end(), sealed.begin(), sealed.end());
  batch.Put(family, key, value);
  return {};
}

Result<void> SealedRecords::Put(Family family, ByteView key, ByteView payload, std::uint64_t expires_at,
                                Durability durability) {
  WriteBatch batch;
  if (auto added = AddPut(batch, family, key, payload, expires_at); !added) return added;
  return store_.Write(batch, durability);
}

Result<std::optional<Record>> SealedRecords::OpenValue(Family family, ByteView key, ByteView value,
                                                       std::uint64_t now) const {
  auto header = ParseHeader(value);
  if (!header) {
    header.error().detail += std::string(" in ") + std::string(FamilyName(family));
    return std::unexpected(header.error());
  }
  if (IsExpired(*header, now)) return std::nullopt;
  std::shared_ptr<const crypto::SecretBytes> epoch_key;
  if (UsesEpochKeys(family)) {
    auto found = keys_.EpochKey(header->key_epoch);
    if (!found && found.error().code == ErrorCode::kShredded) {
      shredded_reads_.fetch_add(1);
      return std::nullopt;
    }
    if (!found) return std::unexpected(found.error());
    epoch_key = *found;
  } else if (header->key_epoch != 0) {
    return Fail(ErrorCode::kCorrupt, std::string("epoch set in ") + std::string(FamilyName(family)));
  }
  const crypto::SecretBytes& open_key = epoch_key ? *epoch_key : keys_.FamilyKey(family);
  ByteView header_bytes = value.first(kHeaderSize);
  auto opened = crypto::Open(open_key, value.subspan(kHeaderSize), AssociatedData(family, key, header_bytes));
  if (!opened) return Fail(ErrorCode::kWrongKey, std::string(FamilyName(family)));
  return Record{header->created_at, header->expires_at, header->key_epoch, std::move(*opened)};
}

Result<std::optional<Record>> SealedRecords::Get(Family family, ByteView key) const {
  auto value = store_.Get(family, key);
  if (!value) return std::unexpected(value.error());
  if (!*value) return std::nullopt;
  return OpenValue(family, key, **value, clock_.NowSeconds());
}

Result<void> SealedRecords::ForEach(Family family, const KeyRange& range, const RecordVisitor& visit) const {
  std::uint64_t now = clock_.NowSeconds();
  return store_.ForEach(family, range, [&](ByteView key, ByteView value) {
    auto record = OpenValue(family, key, value, now);
    if (record && !*record) return true;  // expired or shredded: not there
    if (!record) return visit(key, std::unexpected(record.error()));
    return visit(key, std::move(**record));
  });
}

}  // namespace haven::storage
