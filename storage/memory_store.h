// MemoryStore: a KeyValueStore in memory, for fast tests of everything above storage. It
// keeps the contract of key_value_store.h (checked by the same contract suite as
// RocksDbStore) except durability: nothing survives the object, and Durability is ignored.
//
// Thread-safety: as KeyValueStore; one reader-writer lock guards all families. ForEach
// copies the range first, so a visitor may call back into the store.
#pragma once

#include <map>
#include <shared_mutex>

#include "storage/key_value_store.h"

namespace haven::storage {

class MemoryStore final : public KeyValueStore {
 public:
  Result<void> Put(Family family, ByteView key, ByteView value, Durability durability) override;
  Result<std::optional<Bytes>> Get(Family family, ByteView key) const override;
  Result<void> Delete(Family family, ByteView key, Durability durability) override;
  Result<void> Write(const WriteBatch& batch, Durability durability) override;
  Result<void> ForEach(Family family, const KeyRange& range, const RawVisitor& visit) const override;

 private:
  using Table = std::map<Bytes, Bytes, std::less<>>;
  mutable std::shared_mutex mutex_;
  std::map<Family, Table> tables_;
};

}  // namespace haven::storage
