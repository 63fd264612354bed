#include "storage/audit_log.h"

#include <algorithm>

#include "storage/record_codec.h"
#include "storage/record_format.h"

namespace haven::storage {
namespace {

constexpr std::uint8_t kEntryPrefix = 'e';
constexpr std::uint8_t kHeadKey = 'h';
constexpr std::size_t kMaxField = 256;

Bytes EntryKey(std::uint64_t seq) { return crypto::ByteWriter().U8(kEntryPrefix).U64(seq).Take(); }
Bytes HeadKey() { return Bytes{kHeadKey}; }

std::optional<crypto::Digest> ToDigest(const Bytes& bytes) {
  if (bytes.size() != 32) return std::nullopt;
  crypto::Digest digest{};
  std::ranges::copy(bytes, digest.begin());
  return digest;
}

Result<AuditEntry> DecodeEntry(ByteView payload) {
  auto reader = RecordReader::Parse(RecordType::kAuditEntry, payload);
  if (!reader) return std::unexpected(reader.error());
  AuditEntry entry;
  entry.seq = reader->Uint("seq");
  entry.time = reader->Uint("time");
  entry.prev_expires_at = reader->Uint("prev_expires_at");
  entry.actor = reader->Text("actor");
  entry.action = reader->Text("action");
  entry.subject = reader->Text("subject");
  auto prev = ToDigest(reader->Binary("prev_hash"));
  auto hash = ToDigest(reader->Binary("hash"));
  if (!prev || !hash) return Fail(ErrorCode::kCorrupt, "audit entry hash");
  entry.prev_hash = *prev;
  entry.hash = *hash;
  return entry;
}

struct Head {
  std::uint64_t seq = 0;
  crypto::Digest hash{};
  std::uint64_t last_expires_at = 0;
};

Result<std::optional<Head>> ReadHead(const SealedRecords& records) {
  auto record = records.Get(Family::kAudit, HeadKey());
  if (!record) return std::unexpected(record.error());
  if (!*record) return std::nullopt;
  auto reader = RecordReader::Parse(RecordType::kAuditHead, (*record)->payload.bytes());
  if (!reader) return std::unexpected(reader.error());
  auto hash = ToDigest(reader->Binary("hash"));
  if (!hash) return Fail(ErrorCode::kCorrupt, "audit head hash");
  return Head{reader->Uint("seq"), *hash, reader->Uint("last_expires_at")};
}

}  // namespace

crypto::Digest AuditLog::HashOf(const AuditEntry& entry) {
  crypto::ByteWriter body;
  body.Label("Haven audit v1").Append(entry.prev_hash).U64(entry.seq).U64(entry.time).U64(entry.prev_expires_at);
  for (const std::string* field : {&entry.actor, &entry.action, &entry.subject}) {
    body.U16(static_cast<std::uint16_t>(field->size())).Append(*field);
  }
  return crypto::Hash(body.bytes());
}

Result<AuditEntry> AuditLog::Append(std::string_view actor, std::string_view action, std::string_view subject) {
  if (actor.empty() || action.empty() || actor.size() > kMaxField || action.size() > kMaxField ||
      subject.size() > kMaxField) {
    return Fail(ErrorCode::kInvalidArgument, "audit actor and action are 1 to 256 bytes, subject at most 256");
  }
  std::lock_guard lock(append_mutex_);
  auto head = ReadHead(records_);
  if (!head) return std::unexpected(head.error());
  AuditEntry entry;
  entry.seq = *head ? (*head)->seq + 1 : 1;
  entry.time = records_.clock().NowSeconds();
  entry.prev_expires_at = *head ? (*head)->last_expires_at : 0;
  entry.actor = actor;
  entry.action = action;
  entry.subject = subject;
  if (*head) entry.prev_hash = (*head)->hash;
  entry.hash = HashOf(entry);
  std::uint64_t expires_at = entry.time + std::uint64_t{retention_.audit_retention_days} * kSecondsPerDay;

  RecordWriter entry_writer(RecordType::kAuditEntry);
  entry_writer.Uint("seq", entry.seq)
      .Uint("time", entry.time)
      .Uint("prev_expires_at", entry.prev_expires_at)
      .Text("actor", entry.actor)
      .Text("action", entry.action)
      .Text("subject", entry.subject)
      .Binary("prev_hash", entry.prev_hash)
      .Binary("hash", entry.hash);
  RecordWriter head_writer(RecordType::kAuditHead);
  head_writer.Uint("seq", entry.seq).Binary("hash", entry.hash).Uint("last_expires_at", expires_at);
  auto entry_payload = entry_writer.Finish();
  if (!entry_payload) return std::unexpected(entry_payload.error());
  auto head_payload = head_writer.Finish();
  if (!head_payload) return std::unexpected(head_payload.error());

  WriteBatch batch;
  if (auto added = records_.AddPut(batch, Family::kAudit, EntryKey(entry.seq), *entry_payload, expires_at); !added) {
    return std::unexpected(added.error());
  }
  if (auto added = records_.AddPut(batch, Family::kAudit, HeadKey(), *head_payload, kNeverExpires); !added) {
    return std::unexpected(added.error());
  }
  if (auto written = records_.Write(batch, Durability::kSynced); !written) return std::unexpected(written.error());
  return entry;
}

Result<std::vector<AuditEntry>> AuditLog::Entries(std::uint64_t from_seq, std::size_t limit) const {
  std::vector<AuditEntry> entries;
  if (limit == 0) return entries;
  std::optional<Error> failure;
  KeyRange range{EntryKey(from_seq), KeyRange::Prefix(Bytes{kEntryPrefix}).end};
  auto scanned = records_.ForEach(Family::kAudit, range, [&](ByteView, const Result<Record>& record) {
    auto entry = record ? DecodeEntry(record->payload.bytes()) : Result<AuditEntry>(std::unexpected(record.error()));
    if (!entry) {
      failure = entry.error();
      return false;
    }
    entries.push_back(std::move(*entry));
    return entries.size() < limit;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);
  return entries;
}

Result<AuditVerification> AuditLog::Verify() const {
  AuditVerification result;
  std::uint64_t now = records_.clock().NowSeconds();
  std::optional<AuditEntry> previous;
  auto found = [&](AuditProblem problem, std::uint64_t seq) {
    result.problem = problem;
    result.at_seq = seq;
    return false;
  };
  auto scanned = records_.ForEach(
      Family::kAudit, KeyRange::Prefix(Bytes{kEntryPrefix}), [&](ByteView key, const Result<Record>& record) {
        crypto::ByteReader key_reader(key.subspan(1));
        std::uint64_t key_seq = key.size() == 9 ? *key_reader.U64() : 0;
        if (!record) return found(AuditProblem::kUnreadable, key_seq);
        auto entry = DecodeEntry(record->payload.bytes());
        if (!entry) return found(AuditProblem::kUnreadable, key_seq);
        if (entry->seq != key_seq || HashOf(*entry) != entry->hash) return found(AuditProblem::kEdited, key_seq);
        if (!previous) {
          // The oldest live entry: its predecessor must have been due to expire by now.
          if (entry->seq > 1 && entry->prev_expires_at > now) return found(AuditProblem::kGap, entry->seq - 1);
          result.first_seq = entry->seq;
        } else {
          if (entry->seq != previous->seq + 1) return found(AuditProblem::kGap, previous->seq + 1);
          if (entry->prev_hash != previous->hash) return found(AuditProblem::kEdited, entry->seq);
        }
        ++result.entries;
        result.last_seq = entry->seq;
        previous = std::move(*entry);
        return true;
      });
  if (!scanned) return std::unexpected(scanned.error());
  if (!result.intact()) return result;

  auto head = ReadHead(records_);
  if (!head) {
    if (head.error().code == ErrorCode::kIoError || head.error().code == ErrorCode::kDiskFull) {
      return std::unexpected(head.error());
    }
    result.problem = AuditProblem::kUnreadable;
    return result;
  }
  if (!*head) {
    if (previous) result.problem = AuditProblem::kHeadMismatch;
    return result;
  }
  const Head& h = **head;
  bool newest_due_to_live = h.last_expires_at > now;
  if (!previous) {
    if (newest_due_to_live) {
      result.problem = AuditProblem::kTruncated;
      result.at_seq = h.seq;
    }
    return result;
  }
  if (previous->seq < h.seq) {
    if (newest_due_to_live) {
      result.problem = AuditProblem::kTruncated;
      result.at_seq = previous->seq + 1;
    }
    return result;
  }
  if (previous->seq != h.seq || previous->hash != h.hash) {
    result.problem = AuditProblem::kHeadMismatch;
    result.at_seq = previous->seq;
  }
  return result;
}

}  // namespace haven::storage
