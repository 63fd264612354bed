// AuditLog: an append-only, hash-chained record of what administrators and counselors did -
// who, which action, to whom or what - and never any content.
//
//   entry key  = 'e' seq:u64            seq = 1, 2, 3, ... with no gaps
//   head key   = 'h'                    seq and hash of the newest entry; never expires
//   hash       = BLAKE2b-256("Haven audit v1" 0x00 prev_hash:32 body)
//   body       = seq:u64 time:u64 prev_expires_at:u64
//                (length:u16 bytes) for actor, action, subject
//
// prev_hash is the hash of entry seq-1 (32 zero bytes for entry 1); prev_expires_at is when
// entry seq-1 expires, so that the oldest live entry proves its predecessor was due to go.
// Entries expire storage.audit_retention_days after they are written, oldest first.
//
// Verify walks the live entries from the oldest and reports the first breach: an entry whose
// hash does not match its contents or whose prev_hash does not match its predecessor
// (edited), a missing seq - in the middle, or at the start while the predecessor should
// still be live - (gap), fewer entries than the head names while the newest should still be
// live (truncated), a head that does not name the newest entry, and any entry that does not
// open. Everything is also sealed with the audit family key, so only a holder of the master
// key could even attempt a consistent rewrite; anchoring the head elsewhere (a printed or
// mailed hash) is what would stop that holder.
//
// The subject must not be a chat id, message, address or other content: a counselor handle,
// an account, a config name.
//
// Thread-safety: any thread; appends are serialised by a mutex (each needs the last hash).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/hash.h"
#include "storage/retention.h"
#include "storage/sealed_records.h"

namespace haven::storage {

struct AuditEntry {
  std::uint64_t seq = 0;
  std::uint64_t time = 0;
  std::uint64_t prev_expires_at = 0;
  std::string actor;
  std::string action;
  std::string subject;
  crypto::Digest prev_hash{};
  crypto::Digest hash{};
};

enum class AuditProblem {
  kNone,
  kEdited,        // an entry's contents or chain link do not match its hash
  kGap,           // a sequence number is missing
  kTruncated,     // entries the head names are missing
  kHeadMismatch,  // the head does not name the newest entry, or is missing
  kUnreadable,    // an entry or the head does not open or decode
};

struct AuditVerification {
  AuditProblem problem = AuditProblem::kNone;
  std::uint64_t at_seq = 0;  // the entry where the problem was found
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  std::uint64_t entries = 0;  // live entries checked
  bool intact() const { return problem == AuditProblem::kNone; }
};

class AuditLog {
 public:
  AuditLog(SealedRecords& records, const RetentionSettings& retention) : records_(records), retention_(retention) {}

  // Appends one entry and moves the head, in one synced write. invalid_argument for an empty
  // actor or action or a field over 256 bytes.
  Result<AuditEntry> Append(std::string_view actor, std::string_view action, std::string_view subject);
  // Up to `limit` live entries from `from_seq` on, in order.
  Result<std::vector<AuditEntry>> Entries(std::uint64_t from_seq, std::size_t limit) const;
  // Storage errors are errors; a broken chain is a verification with a problem.
  Result<AuditVerification> Verify() const;

  // The chain hash of `entry` from its other fields (exposed for tests).
  static crypto::Digest HashOf(const AuditEntry& entry);

 private:
  SealedRecords& records_;
  RetentionSettings retention_;
  std::mutex append_mutex_;
};

}  // namespace haven::storage
