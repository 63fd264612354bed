// How long each kind of record is kept: the storage half of the [storage] config section
// (server/config/config.h holds the same defaults; the server copies one into the other).
// schema.cc names, for each record type, the config field that sets its expiry, and
// schema_test checks that both sets of defaults agree.
//
// A plain value, copied freely.
#pragma once

#include <cstdint>

namespace haven::storage {

struct RetentionSettings {
  std::uint64_t session_ttl_seconds = 43200;       // console sessions: 12 h
  std::uint64_t ticket_ttl_seconds = 60;           // single-use WebSocket tickets
  std::uint32_t conversation_retention_days = 90;  // conversation metadata; also the epoch-key horizon
  std::uint32_t stats_retention_days = 1826;       // aggregate counters: 5 years
  std::uint32_t audit_retention_days = 365;        // audit entries
};

}  // namespace haven::storage
