// Stores: the typed stores of one Haven server - accounts, sessions, conversations,
// statistics, audit - over one SealedRecords. The server reaches storage through this;
// tests of the layers above build it over a MemoryStore and KeyRing::InMemory:
//
//   MemoryStore store;
//   ManualClock clock(...);
//   auto keys = KeyRing::InMemory(clock.Today());
//   Stores stores(store, *keys, clock, RetentionSettings{});
//
// Thread-safety: as each store. The store, key ring and clock must outlive this object.
#pragma once

#include "storage/account_store.h"
#include "storage/audit_log.h"
#include "storage/conversation_store.h"
#include "storage/retention.h"
#include "storage/sealed_records.h"
#include "storage/session_store.h"
#include "storage/stats_store.h"

namespace haven::storage {

class Stores {
 public:
  Stores(KeyValueStore& store, const KeyRing& keys, const Clock& clock, const RetentionSettings& retention)
      : records_(store, keys, clock),
        accounts_(records_),
        sessions_(records_, retention),
        conversations_(records_, retention),
        stats_(records_, retention),
        audit_(records_, retention) {}
  Stores(const Stores&) = delete;
  Stores& operator=(const Stores&) = delete;

  SealedRecords& records() { return records_; }
  AccountStore& accounts() { return accounts_; }
  SessionStore& sessions() { return sessions_; }
  ConversationStore& conversations() { return conversations_; }
  StatsStore& stats() { return stats_; }
  AuditLog& audit() { return audit_; }

 private:
  SealedRecords records_;
  AccountStore accounts_;
  SessionStore sessions_;
  ConversationStore conversations_;
  StatsStore stats_;
  AuditLog audit_;
};

}  // namespace haven::storage
