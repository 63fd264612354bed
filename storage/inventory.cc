#include "storage/inventory.h"

#include <algorithm>

#include "storage/record_format.h"

namespace haven::storage {

Result<std::vector<FamilyInventory>> TakeInventory(const KeyValueStore& store, std::uint64_t now,
                                                   std::uint32_t epoch_horizon) {
  std::vector<FamilyInventory> inventory;
  for (Family family : kAllFamilies) {
    FamilyInventory counts;
    counts.family = family;
    auto scanned = store.ForEach(family, KeyRange::All(), [&](ByteView key, ByteView value) {
      counts.bytes += key.size() + value.size();
      auto header = ParseHeader(value);
      if (!header) {
        ++counts.unreadable;
      } else if (IsExpired(*header, now)) {
        ++counts.expired;
      } else if (UsesEpochKeys(family) && header->key_epoch < epoch_horizon) {
        ++counts.shredded;
      } else {
        ++counts.live;
        if (header->expires_at == kNeverExpires) {
          ++counts.never_expiring;
        } else {
          counts.oldest_expiry = std::min(counts.oldest_expiry.value_or(header->expires_at), header->expires_at);
          counts.newest_expiry = std::max(counts.newest_expiry.value_or(header->expires_at), header->expires_at);
        }
      }
      return true;
    });
    if (!scanned) return std::unexpected(scanned.error());
    inventory.push_back(counts);
  }
  return inventory;
}

}  // namespace haven::storage
