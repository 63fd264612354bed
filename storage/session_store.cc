#include "storage/session_store.h"

#include "crypto/sealing.h"
#include "storage/record_codec.h"

namespace haven::storage {
namespace {

constexpr std::uint8_t kSessionPrefix = 's';
constexpr std::uint8_t kTicketPrefix = 't';
constexpr std::uint8_t kDutyPrefix = 'd';

Bytes DutyKey(const SealedRecords& records, std::string_view handle) {
  auto name = crypto::KeyedName(records.keys().NamesKey(), "duty",
                                ByteView(reinterpret_cast<const std::uint8_t*>(handle.data()), handle.size()));
  return crypto::ByteWriter().U8(kDutyPrefix).Append(name).Take();
}

Result<std::string> DecodeHandle(RecordType type, ByteView payload) {
  auto reader = RecordReader::Parse(type, payload);
  if (!reader) return std::unexpected(reader.error());
  return reader->Text("handle");
}

}  // namespace

Bytes SessionStore::RecordKey(std::uint8_t prefix, ByteView token) const {
  auto name = crypto::KeyedName(records_.keys().NamesKey(), prefix == kSessionPrefix ? "session" : "ticket", token);
  return crypto::ByteWriter().U8(prefix).Append(name).Take();
}

Result<void> SessionStore::PutHandle(RecordType type, std::uint8_t prefix, ByteView token, std::string_view handle,
                                     std::uint64_t ttl_seconds) {
  if (token.size() < kMinTokenBytes) return Fail(ErrorCode::kInvalidArgument, "token shorter than 16 bytes");
  if (handle.empty()) return Fail(ErrorCode::kInvalidArgument, "empty handle");
  RecordWriter writer(type);
  writer.Text("handle", handle);
  auto payload = writer.Finish();
  if (!payload) return std::unexpected(payload.error());
  std::uint64_t expires_at = records_.clock().NowSeconds() + ttl_seconds;
  return records_.Put(Family::kSessions, RecordKey(prefix, token), *payload, expires_at, Durability::kSynced);
}

Result<void> SessionStore::PutSession(ByteView token, std::string_view handle) {
  return PutHandle(RecordType::kSession, kSessionPrefix, token, handle, retention_.session_ttl_seconds);
}

Result<std::optional<SessionRecord>> SessionStore::GetSession(ByteView token) const {
  auto record = records_.Get(Family::kSessions, RecordKey(kSessionPrefix, token));
  if (!record) return std::unexpected(record.error());
  if (!*record) return std::nullopt;
  auto handle = DecodeHandle(RecordType::kSession, (*record)->payload.bytes());
  if (!handle) return std::unexpected(handle.error());
  return SessionRecord{std::move(*handle), (*record)->created_at, (*record)->expires_at};
}

Result<void> SessionStore::DeleteSession(ByteView token) {
  return records_.Delete(Family::kSessions, RecordKey(kSessionPrefix, token), Durability::kSynced);
}

Result<void> SessionStore::PutTicket(ByteView ticket, std::string_view handle) {
  return PutHandle(RecordType::kTicket, kTicketPrefix, ticket, handle, retention_.ticket_ttl_seconds);
}

Result<std::optional<std::string>> SessionStore::ConsumeTicket(ByteView ticket) {
  Bytes key = RecordKey(kTicketPrefix, ticket);
  std::lock_guard lock(consume_mutex_);
  auto record = records_.Get(Family::kSessions, key);
  if (!record) return std::unexpected(record.error());
  if (!*record) return std::nullopt;
  auto handle = DecodeHandle(RecordType::kTicket, (*record)->payload.bytes());
  if (!handle) return std::unexpected(handle.error());
  if (auto deleted = records_.Delete(Family::kSessions, key, Durability::kSynced); !deleted) {
    return std::unexpected(deleted.error());
  }
  return std::move(*handle);
}

Result<std::size_t> SessionStore::DeleteAllForHandle(std::string_view handle) {
  WriteBatch batch;
  for (auto [type, prefix] : {std::pair{RecordType::kSession, kSessionPrefix}, std::pair{RecordType::kTicket, kTicketPrefix}}) {
    auto scanned = records_.ForEach(Family::kSessions, KeyRange::Prefix(Bytes{prefix}),
                                    [&, type = type](ByteView key, const Result<Record>& record) {
                                      auto owner = record ? DecodeHandle(type, record->payload.bytes())
                                                          : Result<std::string>(std::unexpected(record.error()));
                                      // A session that does not open admits no one; removing it
                                      // cannot hurt, and revocation must not stop at it.
                                      if (!owner || *owner == handle) batch.Delete(Family::kSessions, key);
                                      return true;
                                    });
    if (!scanned) return std::unexpected(scanned.error());
  }
  std::size_t count = batch.operations().size();
  if (auto written = records_.Write(batch, Durability::kSynced); !written) return std::unexpected(written.error());
  return count;
}

Result<void> SessionStore::PutDuty(std::string_view handle, DutyRecord state) {
  if (handle.empty()) return Fail(ErrorCode::kInvalidArgument, "empty handle");
  RecordWriter writer(RecordType::kDuty);
  writer.Text("handle", handle);
  writer.Uint("state", static_cast<std::uint64_t>(state));
  auto payload = writer.Finish();
  if (!payload) return std::unexpected(payload.error());
  std::uint64_t expires_at = records_.clock().NowSeconds() + retention_.session_ttl_seconds;
  return records_.Put(Family::kSessions, DutyKey(records_, handle), *payload, expires_at, Durability::kSynced);
}

Result<void> SessionStore::DeleteDuty(std::string_view handle) {
  return records_.Delete(Family::kSessions, DutyKey(records_, handle), Durability::kSynced);
}

Result<std::vector<DutyEntry>> SessionStore::ListDuty(std::size_t* unreadable) const {
  std::vector<DutyEntry> entries;
  std::size_t skipped = 0;
  auto scanned = records_.ForEach(Family::kSessions, KeyRange::Prefix(Bytes{kDutyPrefix}),
                                  [&](ByteView, const Result<Record>& record) {
                                    auto reader = record ? RecordReader::Parse(RecordType::kDuty, record->payload.bytes())
                                                         : Result<RecordReader>(std::unexpected(record.error()));
                                    std::uint64_t state = reader ? reader->Uint("state") : 0;
                                    std::string handle = reader ? reader->Text("handle") : std::string();
                                    if (handle.empty() || (state != 1 && state != 2)) {
                                      ++skipped;
                                      return true;
                                    }
                                    entries.push_back(DutyEntry{std::move(handle), static_cast<DutyRecord>(state)});
                                    return true;
                                  });
  if (!scanned) return std::unexpected(scanned.error());
  if (unreadable) *unreadable = skipped;
  return entries;
}

}  // namespace haven::storage
