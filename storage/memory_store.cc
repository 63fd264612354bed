#include "storage/memory_store.h"

#include <mutex>

namespace haven::storage {

Result<void> MemoryStore::Put(Family family, ByteView key, ByteView value, Durability) {
  std::unique_lock lock(mutex_);
  tables_[family].insert_or_assign(Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end()));
  return {};
}

Result<std::optional<Bytes>> MemoryStore::Get(Family family, ByteView key) const {
  std::shared_lock lock(mutex_);
  auto table = tables_.find(family);
  if (table == tables_.end()) return std::nullopt;
  auto it = table->second.find(Bytes(key.begin(), key.end()));
  if (it == table->second.end()) return std::nullopt;
  return it->second;
}

Result<void> MemoryStore::Delete(Family family, ByteView key, Durability) {
  std::unique_lock lock(mutex_);
  auto table = tables_.find(family);
  if (table != tables_.end()) table->second.erase(Bytes(key.begin(), key.end()));
  return {};
}

Result<void> MemoryStore::Write(const WriteBatch& batch, Durability) {
  std::unique_lock lock(mutex_);
  for (const auto& operation : batch.operations()) {
    Table& table = tables_[operation.family];
    if (operation.value) {
      table.insert_or_assign(operation.key, *operation.value);
    } else {
      table.erase(operation.key);
    }
  }
  return {};
}

Result<void> MemoryStore::ForEach(Family family, const KeyRange& range, const RawVisitor& visit) const {
  std::vector<std::pair<Bytes, Bytes>> snapshot;
  {
    std::shared_lock lock(mutex_);
    auto table = tables_.find(family);
    if (table == tables_.end()) return {};
    if (!range.end.empty() && range.end <= range.begin) return {};
    auto it = table->second.lower_bound(range.begin);
    auto end = range.end.empty() ? table->second.end() : table->second.lower_bound(range.end);
    for (; it != end; ++it) snapshot.emplace_back(it->first, it->second);
  }
  for (const auto& [key, value] : snapshot) {
    if (!visit(key, value)) break;
  }
  return {};
}

}  // namespace haven::storage
