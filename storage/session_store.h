// SessionStore: duty-console sessions, the single-use tickets that admit a console's
// WebSocket, and each counselor's duty state, so that a restart does not take counselors off
// duty (a console reconnects within seconds and finds itself as it was).
//
// Tokens and tickets are bearer secrets, so they are never stored: the record key is a
// keyed hash of the token (schema.cc), and a stolen data directory does not yield a working
// session. A session expires storage.session_ttl_seconds after it is created, a ticket
// storage.ticket_ttl_seconds after it is issued.
//
// Writes are synced (a session is acknowledged to the browser). ConsumeTicket deletes the
// ticket with a synced write before returning it, under a mutex, so a ticket admits one
// connection, even across concurrent calls or a crash.
//
// Thread-safety: any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/retention.h"
#include "storage/schema.h"
#include "storage/sealed_records.h"

namespace haven::storage {

// The duty states worth keeping across a restart; off duty is the absence of a record.
enum class DutyRecord : std::uint8_t { kAvailable = 1, kAway = 2 };

struct DutyEntry {
  std::string handle;
  DutyRecord state = DutyRecord::kAvailable;
};

struct SessionRecord {
  std::string handle;
  std::uint64_t created_at = 0;
  std::uint64_t expires_at = 0;
};

class SessionStore {
 public:
  // Tokens and tickets shorter than this cannot be random enough; they are refused.
  static constexpr std::size_t kMinTokenBytes = 16;

  SessionStore(SealedRecords& records, const RetentionSettings& retention)
      : records_(records), retention_(retention) {}

  Result<void> PutSession(ByteView token, std::string_view handle);
  Result<std::optional<SessionRecord>> GetSession(ByteView token) const;
  Result<void> DeleteSession(ByteView token);

  Result<void> PutTicket(ByteView ticket, std::string_view handle);
  // The handle the ticket was issued to, the first time; nullopt afterwards, or when it is
  // unknown or expired.
  Result<std::optional<std::string>> ConsumeTicket(ByteView ticket);

  // Ends every session and ticket of `handle` (log out everywhere, revocation) in one synced
  // write; records that do not open go too, since they admit no one. Returns how many
  // records went. Scans the family, which holds only live sessions and tickets.
  Result<std::size_t> DeleteAllForHandle(std::string_view handle);

  // A counselor's duty state, kept storage.session_ttl_seconds from the last change; synced.
  Result<void> PutDuty(std::string_view handle, DutyRecord state);
  Result<void> DeleteDuty(std::string_view handle);
  // Every live duty record; one that does not open is skipped (counted in `unreadable`).
  Result<std::vector<DutyEntry>> ListDuty(std::size_t* unreadable = nullptr) const;

 private:
  Bytes RecordKey(std::uint8_t prefix, ByteView token) const;
  Result<void> PutHandle(RecordType type, std::uint8_t prefix, ByteView token, std::string_view handle,
                         std::uint64_t ttl_seconds);

  SealedRecords& records_;
  RetentionSettings retention_;
  std::mutex consume_mutex_;
};

}  // namespace haven::storage
