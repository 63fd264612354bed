// AccountStore: counselor accounts, one record per handle, kept until offboarding.
//
// Storage gives the fields no meaning beyond their type: verifiers, salts, the sealed TOTP
// secret, the wrapped identity key and the certificate are opaque bytes made and checked by
// the login code. Record keys are keyed hashes of the handle (schema.cc), so the data
// directory alone does not list who works at the helpline.
//
// Every write is synced: an account change is acknowledged to an administrator.
//
// Thread-safety: any thread; last writer wins for concurrent puts of one handle.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sealed_records.h"

namespace haven::storage {

enum class AccountRole : std::uint8_t { kCounselor = 1, kSupervisor = 2, kAdmin = 3 };
// invited (has an enrolment code) -> enrolled (keys set, awaiting a certificate) -> active ->
// revoked. The numbers are stored: never reuse one.
enum class AccountStatus : std::uint8_t { kInvited = 1, kActive = 2, kRevoked = 3, kEnrolled = 4 };

struct AccountRecord {
  std::string handle;        // the counselor's pseudonym, 1..64 bytes
  std::string display_name;
  AccountRole role = AccountRole::kCounselor;
  AccountStatus status = AccountStatus::kInvited;
  std::vector<std::string> languages;
  std::vector<std::string> skills;
  std::uint32_t max_chats = 2;
  Bytes salt;
  Bytes login_verifier;
  Bytes totp_secret;         // sealed by the login code before it gets here
  Bytes wrapped_identity;
  Bytes certificate;
  std::uint32_t failed_logins = 0;
  std::uint64_t locked_until = 0;
  Bytes enrolment_verifier;
  Bytes identity_public_key;          // the counselor's Ed25519 key, awaiting or holding a certificate
  std::uint64_t totp_last_step = 0;   // a TOTP code is accepted once
  std::uint64_t enrolment_expires_at = 0;
  bool operator==(const AccountRecord&) const = default;
};

class AccountStore {
 public:
  explicit AccountStore(SealedRecords& records) : records_(records) {}

  // Creates or replaces the account of record.handle. invalid_argument for an empty or
  // over-long handle.
  Result<void> Put(const AccountRecord& record);
  Result<std::optional<AccountRecord>> Get(std::string_view handle) const;
  // Offboarding: the record is gone once this returns.
  Result<void> Delete(std::string_view handle);
  // Every account, in no particular order. Fails on the first record that does not open.
  Result<std::vector<AccountRecord>> List() const;

 private:
  Bytes RecordKey(std::string_view handle) const;
  SealedRecords& records_;
};

}  // namespace haven::storage
