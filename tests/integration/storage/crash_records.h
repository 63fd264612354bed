// The records storage_crash_writer writes and storage_crash_test checks: both derive each
// record's family and payload from its number, so the parent knows exactly what every
// acknowledged record must contain.
#pragma once

#include <cstdint>

#include "crypto/bytes.h"
#include "storage/family.h"

namespace haven::storage::testing {

inline Family CrashFamily(std::uint64_t n) { return n % 3 == 0 ? Family::kAudit : Family::kConversations; }
inline crypto::Bytes CrashKey(std::uint64_t n) { return crypto::ByteWriter().U64(n).Take(); }
inline crypto::Bytes CrashPayload(std::uint64_t n) {
  crypto::Bytes payload(20 + n % 500);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(n * 131 + i * 7);
  return payload;
}

}  // namespace haven::storage::testing
