// Inventory: what a store holds, per family, read from the clear value headers only - no
// key is needed and no payload is opened or shown (`haven storage inspect`).
//
// Pure function over a KeyValueStore; thread-safe as the store is.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "storage/key_value_store.h"

namespace haven::storage {

struct FamilyInventory {
  Family family = Family::kAccounts;
  std::uint64_t live = 0;            // readable now (expiry not reached, key not shredded)
  std::uint64_t never_expiring = 0;  // of the live ones
  std::uint64_t expired = 0;         // past expiry, waiting for compaction to remove the bytes
  std::uint64_t shredded = 0;        // sealed under a destroyed epoch key, waiting likewise
  std::uint64_t unreadable = 0;      // header corrupt or of an unknown version
  std::uint64_t bytes = 0;           // keys and values of all of the above
  std::optional<std::uint64_t> oldest_expiry;  // among live records that expire
  std::optional<std::uint64_t> newest_expiry;
};

// One entry per family, in kAllFamilies order. `epoch_horizon`: the oldest epoch day whose
// key exists (KeyRing::ReadEpochDay).
Result<std::vector<FamilyInventory>> TakeInventory(const KeyValueStore& store, std::uint64_t now,
                                                   std::uint32_t epoch_horizon);

}  // namespace haven::storage
