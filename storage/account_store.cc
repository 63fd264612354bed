#include "storage/account_store.h"

#include "crypto/sealing.h"
#include "storage/record_codec.h"
#include "storage/record_format.h"

namespace haven::storage {
namespace {

constexpr std::size_t kMaxHandle = 64;
constexpr std::uint8_t kAccountPrefix = 'a';

Result<AccountRecord> Decode(ByteView payload) {
  auto reader = RecordReader::Parse(RecordType::kAccount, payload);
  if (!reader) return std::unexpected(reader.error());
  AccountRecord record;
  record.handle = reader->Text("handle");
  record.display_name = reader->Text("display_name");
  std::uint64_t role = reader->Uint("role");
  std::uint64_t status = reader->Uint("status");
  if (role < 1 || role > 3 || status < 1 || status > 4) return Fail(ErrorCode::kCorrupt, "account role or status");
  record.role = static_cast<AccountRole>(role);
  record.status = static_cast<AccountStatus>(status);
  record.languages = reader->TextList("languages");
  record.skills = reader->TextList("skills");
  record.max_chats = static_cast<std::uint32_t>(reader->Uint("max_chats"));
  record.salt = reader->Binary("salt");
  record.login_verifier = reader->Binary("login_verifier");
  record.totp_secret = reader->Binary("totp_secret");
  record.wrapped_identity = reader->Binary("wrapped_identity");
  record.certificate = reader->Binary("certificate");
  record.failed_logins = static_cast<std::uint32_t>(reader->Uint("failed_logins"));
  record.locked_until = reader->Uint("locked_until");
  record.enrolment_verifier = reader->Binary("enrolment_verifier");
  record.identity_public_key = reader->Binary("identity_public_key");
  record.totp_last_step = reader->Uint("totp_last_step");
  record.enrolment_expires_at = reader->Uint("enrolment_expires_at");
  return record;
}

}  // namespace

Bytes AccountStore::RecordKey(std::string_view handle) const {
  auto name = crypto::KeyedName(records_.keys().NamesKey(), "account", crypto::AsBytes(handle));
  return crypto::ByteWriter().U8(kAccountPrefix).Append(name).Take();
}

Result<void> AccountStore::Put(const AccountRecord& record) {
  if (record.handle.empty() || record.handle.size() > kMaxHandle) {
    return Fail(ErrorCode::kInvalidArgument, "an account handle is 1 to 64 bytes");
  }
  RecordWriter writer(RecordType::kAccount);
  writer.Text("handle", record.handle)
      .Text("display_name", record.display_name)
      .Uint("role", static_cast<std::uint64_t>(record.role))
      .Uint("status", static_cast<std::uint64_t>(record.status))
      .TextList("languages", record.languages)
      .TextList("skills", record.skills)
      .Uint("max_chats", record.max_chats)
      .Binary("salt", record.salt)
      .Binary("login_verifier", record.login_verifier)
      .Binary("totp_secret", record.totp_secret)
      .Binary("wrapped_identity", record.wrapped_identity)
      .Binary("certificate", record.certificate)
      .Uint("failed_logins", record.failed_logins)
      .Uint("locked_until", record.locked_until)
      .Binary("enrolment_verifier", record.enrolment_verifier)
      .Binary("identity_public_key", record.identity_public_key)
      .Uint("totp_last_step", record.totp_last_step)
      .Uint("enrolment_expires_at", record.enrolment_expires_at);
  auto payload = writer.Finish();
  if (!payload) return std::unexpected(payload.error());
  return records_.Put(Family::kAccounts, RecordKey(record.handle), *payload, kNeverExpires, Durability::kSynced);
}

Result<std::optional<AccountRecord>> AccountStore::Get(std::string_view handle) const {
  auto record = records_.Get(Family::kAccounts, RecordKey(handle));
  if (!record) return std::unexpected(record.error());
  if (!*record) return std::nullopt;
  auto account = Decode((*record)->payload.bytes());
  if (!account) return std::unexpected(account.error());
  return std::move(*account);
}

Result<void> AccountStore::Delete(std::string_view handle) {
  return records_.Delete(Family::kAccounts, RecordKey(handle), Durability::kSynced);
}

Result<std::vector<AccountRecord>> AccountStore::List() const {
  std::vector<AccountRecord> accounts;
  std::optional<Error> failure;
  auto scanned = records_.ForEach(Family::kAccounts, KeyRange::Prefix(Bytes{kAccountPrefix}),
                                  [&](ByteView, const Result<Record>& record) {
                                    auto account = record ? Decode(record->payload.bytes())
                                                          : Result<AccountRecord>(std::unexpected(record.error()));
                                    if (!account) {
                                      failure = account.error();
                                      return false;
                                    }
                                    accounts.push_back(std::move(*account));
                                    return true;
                                  });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);
  return accounts;
}

}  // namespace haven::storage
