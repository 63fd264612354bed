// The column families, one per kind of record (docs/architecture.md, Storage). The numeric
// id is persisted (it is bound into every sealed value and derives each family's key), so
// an id is never reused or renumbered.
//
// Plain values and pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace haven::storage {

enum class Family : std::uint8_t {
  kAccounts = 1,       // counselor accounts; kept until offboarding
  kSessions = 2,       // console sessions and WebSocket tickets
  kConversations = 3,  // minimal conversation metadata, including the waiting queue
  kStats = 4,          // aggregate counters, non-identifying
  kAudit = 5,          // hash-chained admin and counselor actions
};

inline constexpr std::array<Family, 5> kAllFamilies = {Family::kAccounts, Family::kSessions, Family::kConversations,
                                                       Family::kStats, Family::kAudit};

// The RocksDB column family name, e.g. "conversations".
std::string_view FamilyName(Family family);
std::optional<Family> FamilyFromName(std::string_view name);

// Whether the family is sealed under the daily ratcheting epoch keys (crypto-shredding)
// rather than under its fixed family key.
constexpr bool UsesEpochKeys(Family family) { return family == Family::kConversations; }

}  // namespace haven::storage
