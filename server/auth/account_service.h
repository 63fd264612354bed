// Counselor accounts: invitation, enrolment, login, console sessions and WebSocket tickets,
// certification and revocation (docs/protocol.md 13; the HTTP shape is in auth_api.h).
//
// The server never sees a passphrase or a wrap key: the console derives the login key with
// Argon2id and sends only that, which is stored as an Argon2id verifier string; the identity
// key's private half arrives wrapped. A login needs the login key and a TOTP code. Wrong handle,
// wrong key and wrong code all fail the same way, so a login attempt learns nothing about which
// was wrong.
//
// Every method blocks (Argon2id, synced writes): call them on the worker pool, never on an
// event loop. Thread-safety: safe from several threads at once; updates of accounts are
// serialised by an internal mutex, which is never held across a password hash.
#pragma once

#include <cstdint>
#include <expected>
#include <mutex>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/secret_bytes.h"
#include "storage/clock.h"
#include "storage/stores.h"

namespace haven::auth {

enum class AuthError {
  kBadRequest,        // a field is missing or malformed
  kInvalidCode,       // the enrolment code is wrong, used or expired
  kWrongCredentials,  // handle, login key or TOTP code: deliberately not said which
  // The login key was right and the TOTP code is one already used (typically the one that just
  // enrolled the account): wait for the next code. Says the passphrase was right, but only to
  // someone who also holds a code from the counselor's authenticator of the last minute.
  kCodeUsed,
  kLockedOut,         // too many failures: retry after `retry_after_seconds`
  kNoSession,         // the session is unknown or expired
  kNotActive,         // enrolled but not yet certified, or revoked
  kAlreadyExists,
  kUnknownAccount,    // admin commands only
  kStorage,           // storage failed: nothing was changed
  kBusy,              // too much work of this kind is waiting: retry after `retry_after_seconds`
};
std::string_view AuthErrorName(AuthError error);
std::string_view AuthErrorSentence(AuthError error);

struct AuthFailure {
  AuthError error;
  std::uint64_t retry_after_seconds = 0;
};
template <typename T>
using AuthResult = std::expected<T, AuthFailure>;

// Repeated failures lock nothing here: who may try at all is LoginThrottle's (login_throttle.h),
// decided per network before the hash, so that nobody can lock a counselor out.
struct AccountPolicy {
  bool require_totp = true;
  std::uint64_t enrolment_code_ttl_seconds = 7 * 86400;
};

struct Invitation {
  std::string handle;        // pseudonymous, [a-z0-9-]
  std::string display_name;  // shown to visitors
  storage::AccountRole role = storage::AccountRole::kCounselor;
  std::vector<std::string> languages;
  std::vector<std::string> skills;
  std::uint32_t max_chats = 2;
};

struct EnrolmentStart {
  std::string display_name;
  crypto::Bytes salt;          // for Argon2id in the console
  std::string totp_uri;        // otpauth://, for the QR code
  std::string totp_secret;     // base32, for typing in by hand
};

struct EnrolmentFinish {
  std::string handle;
  std::string code;
  crypto::Bytes login_key;            // 32 bytes
  crypto::Bytes identity_public_key;  // 32 bytes
  crypto::Bytes wrapped_identity;     // 24-byte nonce + sealed seed
  std::string totp_code;
};

struct LoginRequest {
  std::string handle;
  crypto::Bytes login_key;
  std::string totp_code;
};

struct Session {
  crypto::Bytes token;  // 32 bytes, the cookie's value
  storage::AccountRecord account;
};

class AccountService {
 public:
  AccountService(storage::Stores& stores, const storage::Clock& clock, AccountPolicy policy);

  // Creates an invited account; returns its one-time enrolment code (shown once, stored
  // only as a hash).
  AuthResult<std::string> Invite(const Invitation& invitation);
  // Checks the code and hands out a fresh salt and TOTP secret for the console to use.
  AuthResult<EnrolmentStart> StartEnrolment(const std::string& handle, const std::string& code);
  // Stores the login verifier, the identity public key and the wrapped identity; the code
  // is spent. The account waits for `haven counselor certify`.
  AuthResult<void> FinishEnrolment(const EnrolmentFinish& enrolment);

  // The salt to derive the login key with. For an unknown handle, a stable made-up salt, so
  // the answer does not reveal whether the handle exists.
  AuthResult<crypto::Bytes> LoginSalt(const std::string& handle);
  AuthResult<Session> Login(const LoginRequest& request);
  AuthResult<storage::AccountRecord> SessionAccount(crypto::ByteView token);
  AuthResult<crypto::Bytes> MintTicket(crypto::ByteView session_token);
  AuthResult<void> Logout(crypto::ByteView session_token);

  // Administrator: a certificate for an enrolled (or re-certified) account; its subject must
  // be the account's identity key.
  AuthResult<storage::AccountRecord> StoreCertificate(const std::string& handle, crypto::ByteView certificate);
  AuthResult<storage::AccountRecord> Revoke(const std::string& handle);
  AuthResult<storage::AccountRecord> Find(const std::string& handle);
  AuthResult<std::vector<storage::AccountRecord>> List();
  // A login throttle locked `handle` for one network: an audit event, when the account exists
  // (a flood of made-up handles must not fill the audit log).
  void NoteLoginLock(const std::string& handle);

 private:
  AuthResult<void> RecordFailure(storage::AccountRecord& account);

  storage::Stores& stores_;
  const storage::Clock& clock_;
  AccountPolicy policy_;
  crypto::SecretBytes fake_salt_key_ = crypto::SecretBytes::Random(32);
  std::string dummy_verifier_;  // verified against on unknown handles, so timing matches
  std::mutex mutex_;
};

// An enrolment code as people type it: upper case, dashes optional.
std::string NormaliseCode(std::string_view code);

}  // namespace haven::auth
