// ConversationStore: the minimal metadata of each conversation - never a message - kept for
// storage.conversation_retention_days after it was queued, including the waiting visitors,
// so that a restarted server rebuilds its queue.
//
// The record key is a keyed hash of the chat id (the raw id is only inside the sealed
// payload, for the queue rebuild). Records are sealed under the epoch key of the day they
// are written (key_ring.h), so advancing the epochs past retention makes them unreadable
// everywhere, old backups included.
//
// Thread-safety: any thread; last writer wins for concurrent puts of one chat.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/retention.h"
#include "storage/sealed_records.h"

namespace haven::storage {

enum class ConversationState : std::uint8_t {
  kWaiting = 1,
  kOffered = 2,
  kActive = 3,
  kEnded = 4,
  kAbandoned = 5,
  kExpired = 6,
};

struct ConversationRecord {
  Bytes chat_id;  // 1..64 bytes
  ConversationState state = ConversationState::kWaiting;
  std::uint64_t queued_at = 0;
  std::uint64_t accepted_at = 0;
  std::uint64_t ended_at = 0;
  std::string lane;
  std::string language;
  std::string age_band;
  std::string counselor_handle;
  std::string outcome;
  Bytes resume_verifier;
  std::uint32_t leg = 0;  // the current leg (docs/protocol.md 4): 0, then one more per transfer or requeue
  bool operator==(const ConversationRecord&) const = default;
};

struct LiveConversations {
  std::vector<ConversationRecord> conversations;  // oldest queued first
  std::size_t unreadable = 0;                     // records skipped because they did not open
};

class ConversationStore {
 public:
  ConversationStore(SealedRecords& records, const RetentionSettings& retention)
      : records_(records), retention_(retention) {}

  // Creates or replaces the record of record.chat_id. It expires
  // conversation_retention_days after queued_at (after now when queued_at is 0).
  // invalid_argument for a chat id of the wrong length or a retention already over.
  Result<void> Put(const ConversationRecord& record, Durability durability = Durability::kSynced);
  Result<std::optional<ConversationRecord>> Get(ByteView chat_id) const;
  Result<void> Delete(ByteView chat_id, Durability durability = Durability::kSynced);

  // The live conversations - waiting, offered or active - for rebuilding the queue and the
  // chats in progress after a restart. A record that does not open is skipped and counted
  // rather than stopping the server from serving everyone else.
  Result<LiveConversations> ListLive() const;

 private:
  Bytes RecordKey(ByteView chat_id) const;
  SealedRecords& records_;
  RetentionSettings retention_;
};

}  // namespace haven::storage
