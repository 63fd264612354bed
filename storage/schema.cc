#include "storage/schema.h"

#include <cstdlib>

namespace haven::storage {
namespace {

using enum FieldType;
using enum RecordType;

// clang-format off
constexpr RecordDeclaration kRecords[] = {
  {kAccount, "account", Family::kAccounts,
   "'a' KeyedName(names key, \"account\", handle)",
   "none: kept while the counselor works here, deleted at offboarding"},
  {kSession, "session", Family::kSessions,
   "'s' KeyedName(names key, \"session\", session token)",
   "storage.session_ttl_seconds"},
  {kTicket, "ticket", Family::kSessions,
   "'t' KeyedName(names key, \"ticket\", ticket)",
   "storage.ticket_ttl_seconds"},
  {kDuty, "duty", Family::kSessions,
   "'d' KeyedName(names key, \"duty\", handle)",
   "storage.session_ttl_seconds"},
  {kConversation, "conversation", Family::kConversations,
   "KeyedName(names key, \"chat\", chat id)",
   "storage.conversation_retention_days"},
  {kStatsWeek, "stats week", Family::kStats,
   "KeyedName(names key, \"stats week\", iso_week:u32); one sealed record per week holding every "
   "counter and histogram of the week, padded to a multiple of 1024 bytes",
   "storage.stats_retention_days"},
  {kStatsCounter, "stats counter (data format 1 and older)", Family::kStats,
   "iso_week:u32 0x03 dimension:u8 length:u8 value, in the clear: read only by "
   "`haven storage migrate`, which folds it into its week's record and deletes it",
   "storage.stats_retention_days"},
  {kStatsHistogram, "stats histogram (data format 1 and older)", Family::kStats,
   "iso_week:u32 0x02 kind:u8 (1 wait, 2 handling): migrated like the counters",
   "storage.stats_retention_days"},
  {kAuditEntry, "audit entry", Family::kAudit,
   "'e' seq:u64",
   "storage.audit_retention_days"},
  {kAuditHead, "audit head", Family::kAudit,
   "'h'",
   "none: one record, rewritten by every append; names the newest entry, holds no content"},
};

constexpr FieldDeclaration kFields[] = {
  {kAccount, 1, "handle", kText},
  {kAccount, 2, "display_name", kText},
  {kAccount, 3, "role", kUint},
  {kAccount, 4, "status", kUint},
  {kAccount, 5, "languages", kTextList},
  {kAccount, 6, "skills", kTextList},
  {kAccount, 7, "max_chats", kUint},
  {kAccount, 8, "salt", kBytes},
  {kAccount, 9, "login_verifier", kBytes},
  {kAccount, 10, "totp_secret", kBytes},
  {kAccount, 11, "wrapped_identity", kBytes},
  {kAccount, 12, "certificate", kBytes},
  {kAccount, 13, "failed_logins", kUint},
  {kAccount, 14, "locked_until", kUint},
  {kAccount, 15, "enrolment_verifier", kBytes},
  {kAccount, 16, "identity_public_key", kBytes},
  {kAccount, 17, "totp_last_step", kUint},
  {kAccount, 18, "enrolment_expires_at", kUint},

  {kSession, 1, "handle", kText},
  {kTicket, 1, "handle", kText},
  {kDuty, 1, "handle", kText},
  {kDuty, 2, "state", kUint},

  {kConversation, 1, "chat_id", kBytes},
  {kConversation, 2, "state", kUint},
  {kConversation, 3, "queued_at", kUint},
  {kConversation, 4, "accepted_at", kUint},
  {kConversation, 5, "ended_at", kUint},
  {kConversation, 6, "lane", kText},
  {kConversation, 7, "language", kText},
  {kConversation, 8, "age_band", kText},
  {kConversation, 9, "counselor_handle", kText},
  {kConversation, 10, "outcome", kText},
  {kConversation, 11, "resume_verifier", kBytes},
  {kConversation, 12, "leg", kUint},

  {kStatsWeek, 1, "labels", kTextList},     // "<dimension digit>:<value>", one per counter
  {kStatsWeek, 2, "counts", kUintList},     // the counters, in the order of labels
  {kStatsWeek, 3, "wait", kUintList},       // kHistogramBuckets counts
  {kStatsWeek, 4, "handling", kUintList},   // kHistogramBuckets counts
  {kStatsWeek, 5, "padding", kBytes},       // so that a new label does not show in the size

  {kStatsCounter, 1, "count", kUint},
  {kStatsHistogram, 1, "buckets", kUintList},

  {kAuditEntry, 1, "seq", kUint},
  {kAuditEntry, 2, "time", kUint},
  {kAuditEntry, 3, "actor", kText},
  {kAuditEntry, 4, "action", kText},
  {kAuditEntry, 5, "subject", kText},
  {kAuditEntry, 6, "prev_hash", kBytes},
  {kAuditEntry, 7, "hash", kBytes},
  {kAuditEntry, 8, "prev_expires_at", kUint},

  {kAuditHead, 1, "seq", kUint},
  {kAuditHead, 2, "hash", kBytes},
  {kAuditHead, 3, "last_expires_at", kUint},
};
// clang-format on

}  // namespace

std::span<const RecordDeclaration> RecordDeclarations() { return kRecords; }
std::span<const FieldDeclaration> FieldDeclarations() { return kFields; }

const RecordDeclaration& Declaration(RecordType type) {
  for (const auto& record : kRecords) {
    if (record.type == type) return record;
  }
  std::abort();  // every enumerator is in the table; schema_test checks it
}

const FieldDeclaration* FindField(RecordType type, std::string_view name) {
  for (const auto& field : kFields) {
    if (field.record == type && field.name == name) return &field;
  }
  return nullptr;
}

const FieldDeclaration* FindField(RecordType type, std::uint16_t id) {
  for (const auto& field : kFields) {
    if (field.record == type && field.id == id) return &field;
  }
  return nullptr;
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case kUint: return "uint";
    case kText: return "text";
    case kBytes: return "bytes";
    case kTextList: return "text list";
    case kUintList: return "uint list";
  }
  return "unknown";
}

}  // namespace haven::storage
