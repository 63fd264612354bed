#include "storage/conversation_store.h"

#include <algorithm>

#include "crypto/sealing.h"
#include "storage/record_codec.h"

namespace haven::storage {
namespace {

constexpr std::size_t kMaxChatId = 64;

Result<ConversationRecord> Decode(ByteView payload) {
  auto reader = RecordReader::Parse(RecordType::kConversation, payload);
  if (!reader) return std::unexpected(reader.error());
  ConversationRecord record;
  record.chat_id = reader->Binary("chat_id");
  std::uint64_t state = reader->Uint("state");
  if (state < 1 || state > 6) return Fail(ErrorCode::kCorrupt, "conversation state");
  record.state = static_cast<ConversationState>(state);
  record.queued_at = reader->Uint("queued_at");
  record.accepted_at = reader->Uint("accepted_at");
  record.ended_at = reader->Uint("ended_at");
  record.lane = reader->Text("lane");
  record.language = reader->Text("language");
  record.age_band = reader->Text("age_band");
  record.counselor_handle = reader->Text("counselor_handle");
  record.outcome = reader->Text("outcome");
  record.resume_verifier = reader->Binary("resume_verifier");
  record.leg = static_cast<std::uint32_t>(reader->Uint("leg"));
  return record;
}

}  // namespace

Bytes ConversationStore::RecordKey(ByteView chat_id) const {
  auto name = crypto::KeyedName(records_.keys().NamesKey(), "chat", chat_id);
  return Bytes(name.begin(), name.end());
}

Result<void> ConversationStore::Put(const ConversationRecord& record, Durability durability) {
  if (record.chat_id.empty() || record.chat_id.size() > kMaxChatId) {
    return Fail(ErrorCode::kInvalidArgument, "a chat id is 1 to 64 bytes");
  }
  RecordWriter writer(RecordType::kConversation);
  writer.Binary("chat_id", record.chat_id)
      .Uint("state", static_cast<std::uint64_t>(record.state))
      .Uint("queued_at", record.queued_at)
      .Uint("accepted_at", record.accepted_at)
      .Uint("ended_at", record.ended_at)
      .Text("lane", record.lane)
      .Text("language", record.language)
      .Text("age_band", record.age_band)
      .Text("counselor_handle", record.counselor_handle)
      .Text("outcome", record.outcome)
      .Binary("resume_verifier", record.resume_verifier)
      .Uint("leg", record.leg);
  auto payload = writer.Finish();
  if (!payload) return std::unexpected(payload.error());
  std::uint64_t since = record.queued_at != 0 ? record.queued_at : records_.clock().NowSeconds();
  std::uint64_t expires_at = since + std::uint64_t{retention_.conversation_retention_days} * kSecondsPerDay;
  return records_.Put(Family::kConversations, RecordKey(record.chat_id), *payload, expires_at, durability);
}

Result<std::optional<ConversationRecord>> ConversationStore::Get(ByteView chat_id) const {
  auto record = records_.Get(Family::kConversations, RecordKey(chat_id));
  if (!record) return std::unexpected(record.error());
  if (!*record) return std::nullopt;
  auto conversation = Decode((*record)->payload.bytes());
  if (!conversation) return std::unexpected(conversation.error());
  return std::move(*conversation);
}

Result<void> ConversationStore::Delete(ByteView chat_id, Durability durability) {
  return records_.Delete(Family::kConversations, RecordKey(chat_id), durability);
}

Result<LiveConversations> ConversationStore::ListLive() const {
  LiveConversations waiting;
  auto scanned = records_.ForEach(Family::kConversations, KeyRange::All(), [&](ByteView, const Result<Record>& record) {
    auto conversation = record ? Decode(record->payload.bytes())
                               : Result<ConversationRecord>(std::unexpected(record.error()));
    if (!conversation) {
      ++waiting.unreadable;
    } else if (conversation->state == ConversationState::kWaiting ||
               conversation->state == ConversationState::kOffered ||
               conversation->state == ConversationState::kActive) {
      waiting.conversations.push_back(std::move(*conversation));
    }
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  std::ranges::stable_sort(waiting.conversations, {}, &ConversationRecord::queued_at);
  return waiting;
}

}  // namespace haven::storage
