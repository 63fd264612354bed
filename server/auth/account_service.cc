#include "server/auth/account_service.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "crypto/certificate.h"
#include "crypto/hash.h"
#include "crypto/passphrase.h"
#include "server/auth/totp.h"

namespace haven::auth {
namespace {

using storage::AccountRecord;
using storage::AccountStatus;

std::unexpected<AuthFailure> Fail(AuthError error, std::uint64_t retry_after = 0) {
  return std::unexpected(AuthFailure{error, retry_after});
}

crypto::Bytes RandomBytes(std::size_t size) {
  crypto::Bytes bytes(size);
  randombytes_buf(bytes.data(), bytes.size());
  return bytes;
}

crypto::Bytes CodeVerifier(std::string_view code) {
  auto digest = crypto::Hash(crypto::ByteWriter().Label("Haven enrolment code").Append(NormaliseCode(code)).bytes());
  return crypto::Bytes(digest.begin(), digest.end());
}

bool SameBytes(crypto::ByteView a, crypto::ByteView b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string VerifierText(const crypto::Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

}  // namespace

std::string_view AuthErrorName(AuthError error) {
  switch (error) {
    case AuthError::kBadRequest: return "bad_request";
    case AuthError::kInvalidCode: return "invalid_code";
    case AuthError::kWrongCredentials: return "wrong_credentials";
    case AuthError::kCodeUsed: return "code_used";
    case AuthError::kLockedOut: return "locked_out";
    case AuthError::kNoSession: return "no_session";
    case AuthError::kNotActive: return "not_active";
    case AuthError::kAlreadyExists: return "already_exists";
    case AuthError::kUnknownAccount: return "unknown_account";
    case AuthError::kStorage: return "storage_unavailable";
    case AuthError::kBusy: return "busy";
  }
  return "bad_request";
}

std::string_view AuthErrorSentence(AuthError error) {
  switch (error) {
    case AuthError::kBadRequest: return "The request is not valid.";
    case AuthError::kInvalidCode: return "The enrolment code is not valid or has expired.";
    case AuthError::kWrongCredentials: return "The name, passphrase or code is not right.";
    case AuthError::kCodeUsed: return "This code has been used already; wait for the next one.";
    case AuthError::kLockedOut: return "Too many failed attempts; try again later.";
    case AuthError::kNoSession: return "Please log in again.";
    case AuthError::kNotActive: return "This account is not active; ask your administrator.";
    case AuthError::kAlreadyExists: return "An account with this name already exists.";
    case AuthError::kUnknownAccount: return "There is no account with this name.";
    case AuthError::kStorage: return "The server cannot save this now; try again.";
    case AuthError::kBusy: return "The server is busy; try again in a moment.";
  }
  return "The request is not valid.";
}

std::string NormaliseCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

AccountService::AccountService(storage::Stores& stores, const storage::Clock& clock, AccountPolicy policy)
    : stores_(stores), clock_(clock), policy_(policy) {
  dummy_verifier_ = crypto::HashForVerification(crypto::AsBytes("not a real login key, for timing"));
}

AuthResult<std::string> AccountService::Invite(const Invitation& invitation) {
  if (!crypto::IsValidHandle(invitation.handle) || !crypto::IsValidDisplayName(invitation.display_name) ||
      invitation.max_chats < 1 || invitation.max_chats > 16) {
    return Fail(AuthError::kBadRequest);
  }
  std::lock_guard lock(mutex_);
  auto existing = stores_.accounts().Get(invitation.handle);
  if (!existing) return Fail(AuthError::kStorage);
  if (*existing) return Fail(AuthError::kAlreadyExists);
  // 20 random bytes, base32: 32 characters in groups of four, easy to read out.
  std::string raw = Base32(RandomBytes(20)), code;
  for (std::size_t i = 0; i < raw.size(); i += 4) code += (i ? "-" : "") + raw.substr(i, 4);
  AccountRecord account;
  account.handle = invitation.handle;
  account.display_name = invitation.display_name;
  account.role = invitation.role;
  account.status = AccountStatus::kInvited;
  account.languages = invitation.languages;
  account.skills = invitation.skills;
  account.max_chats = invitation.max_chats;
  account.enrolment_verifier = CodeVerifier(code);
  account.enrolment_expires_at = clock_.NowSeconds() + policy_.enrolment_code_ttl_seconds;
  if (!stores_.accounts().Put(account)) return Fail(AuthError::kStorage);
  if (!stores_.audit().Append("admin", "invite", invitation.handle)) return Fail(AuthError::kStorage);
  return code;
}

AuthResult<EnrolmentStart> AccountService::StartEnrolment(const std::string& handle, const std::string& code) {
  std::lock_guard lock(mutex_);
  auto account = stores_.accounts().Get(handle);
  if (!account) return Fail(AuthError::kStorage);
  bool valid = *account && (*account)->status == AccountStatus::kInvited &&
               (*account)->enrolment_expires_at > clock_.NowSeconds() &&
               SameBytes((*account)->enrolment_verifier, CodeVerifier(code));
  if (!valid) return Fail(AuthError::kInvalidCode);
  AccountRecord& record = **account;
  record.salt = RandomBytes(crypto::kSaltSize);
  record.totp_secret = RandomBytes(kTotpSecretBytes);
  if (!stores_.accounts().Put(record)) return Fail(AuthError::kStorage);
  return EnrolmentStart{record.display_name, record.salt, TotpUri("Haven", record.handle, record.totp_secret),
                        Base32(record.totp_secret)};
}

AuthResult<void> AccountService::FinishEnrolment(const EnrolmentFinish& enrolment) {
  if (enrolment.login_key.size() != 32 || enrolment.identity_public_key.size() != 32 ||
      enrolment.wrapped_identity.size() != 24 + 32 + 16) {
    return Fail(AuthError::kBadRequest);
  }
  std::lock_guard lock(mutex_);
  auto account = stores_.accounts().Get(enrolment.handle);
  if (!account) return Fail(AuthError::kStorage);
  bool valid = *account && (*account)->status == AccountStatus::kInvited && !(*account)->salt.empty() &&
               (*account)->enrolment_expires_at > clock_.NowSeconds() &&
               SameBytes((*account)->enrolment_verifier, CodeVerifier(enrolment.code));
  if (!valid) return Fail(AuthError::kInvalidCode);
  AccountRecord& record = **account;
  // The TOTP app must be set up before the account exists: prove it with a code.
  auto step = VerifyTotp(record.totp_secret, enrolment.totp_code, clock_.NowSeconds());
  if (!step) return Fail(AuthError::kWrongCredentials);
  std::string verifier = crypto::HashForVerification(enrolment.login_key);
  record.login_verifier.assign(verifier.begin(), verifier.end());
  record.identity_public_key = enrolment.identity_public_key;
  record.wrapped_identity = enrolment.wrapped_identity;
  record.totp_last_step = *step;
  record.enrolment_verifier.clear();
  record.status = AccountStatus::kEnrolled;
  if (!stores_.accounts().Put(record)) return Fail(AuthError::kStorage);
  if (!stores_.audit().Append(record.handle, "enrolled", "")) return Fail(AuthError::kStorage);
  return {};
}

AuthResult<crypto::Bytes> AccountService::LoginSalt(const std::string& handle) {
  auto account = stores_.accounts().Get(handle);
  if (!account) return Fail(AuthError::kStorage);
  if (*account && !(*account)->salt.empty()) return (*account)->salt;
  auto made_up = crypto::KeyedHash(fake_salt_key_.bytes(), crypto::AsBytes(handle));
  return crypto::Bytes(made_up.begin(), made_up.begin() + crypto::kSaltSize);
}

AuthResult<void> AccountService::RecordFailure(AccountRecord& account) {
  ++account.failed_logins;  // for the audit trail and the account list; it locks nothing
  if (!stores_.accounts().Put(account)) return Fail(AuthError::kStorage);
  stores_.audit().Append(account.handle, "login_failed", "");
  return Fail(AuthError::kWrongCredentials);
}

AuthResult<Session> AccountService::Login(const LoginRequest& request) {
  if (request.login_key.size() != 32) return Fail(AuthError::kBadRequest);
  // The Argon2id check runs without the lock: a storm of logins must not hold up revocation,
  // tickets or other counselors' logins behind one mutex.
  auto seen = stores_.accounts().Get(request.handle);
  if (!seen) return Fail(AuthError::kStorage);
  if (!*seen || (*seen)->login_verifier.empty()) {
    crypto::MatchesVerification(dummy_verifier_, request.login_key);  // same cost as a real check
    return Fail(AuthError::kWrongCredentials);
  }
  bool key_ok = crypto::MatchesVerification(VerifierText((*seen)->login_verifier), request.login_key);
  std::lock_guard lock(mutex_);
  std::uint64_t now = clock_.NowSeconds();
  // Read again under the lock: the record may have changed during the hash (revoked, another
  // login spending a TOTP step, enrolled anew).
  auto account = stores_.accounts().Get(request.handle);
  if (!account) return Fail(AuthError::kStorage);
  if (!*account) return Fail(AuthError::kWrongCredentials);
  AccountRecord& record = **account;
  if (record.login_verifier != (*seen)->login_verifier) key_ok = false;
  std::optional<std::uint64_t> step;
  if (key_ok && policy_.require_totp) step = VerifyTotp(record.totp_secret, request.totp_code, now, record.totp_last_step);
  if (!key_ok || (policy_.require_totp && !step)) {
    auto failure = RecordFailure(record).error();
    // Still a failure, but one the counselor can act on.
    bool reused = key_ok && failure.error == AuthError::kWrongCredentials &&
                  TotpCodeWasUsed(record.totp_secret, request.totp_code, now, record.totp_last_step);
    return reused ? Fail(AuthError::kCodeUsed) : std::unexpected(failure);
  }
  if (record.status != AccountStatus::kActive) return Fail(AuthError::kNotActive);
  record.failed_logins = 0;
  record.locked_until = 0;  // a lock from an earlier version; locks now live in LoginThrottle
  if (step) record.totp_last_step = *step;
  if (!stores_.accounts().Put(record)) return Fail(AuthError::kStorage);
  Session session{RandomBytes(32), record};
  if (!stores_.sessions().PutSession(session.token, record.handle)) return Fail(AuthError::kStorage);
  stores_.audit().Append(record.handle, "login", "");
  return session;
}

AuthResult<AccountRecord> AccountService::SessionAccount(crypto::ByteView token) {
  if (token.size() != 32) return Fail(AuthError::kNoSession);
  auto session = stores_.sessions().GetSession(token);
  if (!session) return Fail(AuthError::kStorage);
  if (!*session) return Fail(AuthError::kNoSession);
  auto account = stores_.accounts().Get((*session)->handle);
  if (!account) return Fail(AuthError::kStorage);
  if (!*account || (*account)->status != AccountStatus::kActive) return Fail(AuthError::kNoSession);
  return **account;
}

AuthResult<crypto::Bytes> AccountService::MintTicket(crypto::ByteView session_token) {
  auto account = SessionAccount(session_token);
  if (!account) return std::unexpected(account.error());
  crypto::Bytes ticket = RandomBytes(32);
  if (!stores_.sessions().PutTicket(ticket, account->handle)) return Fail(AuthError::kStorage);
  return ticket;
}

AuthResult<void> AccountService::Logout(crypto::ByteView session_token) {
  if (session_token.size() != 32) return Fail(AuthError::kNoSession);
  if (!stores_.sessions().DeleteSession(session_token)) return Fail(AuthError::kStorage);
  return {};
}

AuthResult<AccountRecord> AccountService::StoreCertificate(const std::string& handle, crypto::ByteView certificate) {
  auto parsed = crypto::ParseCertificate(certificate);
  if (!parsed || parsed->fields.role != crypto::CertificateRole::kCounselor || parsed->fields.handle != handle) {
    return Fail(AuthError::kBadRequest);
  }
  std::lock_guard lock(mutex_);
  auto account = stores_.accounts().Get(handle);
  if (!account) return Fail(AuthError::kStorage);
  if (!*account) return Fail(AuthError::kUnknownAccount);
  AccountRecord& record = **account;
  bool certifiable = record.status == AccountStatus::kEnrolled || record.status == AccountStatus::kActive;
  if (!certifiable || !std::ranges::equal(record.identity_public_key, parsed->fields.subject_key)) {
    return Fail(AuthError::kNotActive);
  }
  record.certificate.assign(certificate.begin(), certificate.end());
  record.status = AccountStatus::kActive;
  if (!stores_.accounts().Put(record)) return Fail(AuthError::kStorage);
  if (!stores_.audit().Append("admin", "certify", handle)) return Fail(AuthError::kStorage);
  return record;
}

AuthResult<AccountRecord> AccountService::Revoke(const std::string& handle) {
  std::lock_guard lock(mutex_);
  auto account = stores_.accounts().Get(handle);
  if (!account) return Fail(AuthError::kStorage);
  if (!*account) return Fail(AuthError::kUnknownAccount);
  AccountRecord& record = **account;
  record.status = AccountStatus::kRevoked;
  if (!stores_.accounts().Put(record)) return Fail(AuthError::kStorage);
  if (!stores_.sessions().DeleteAllForHandle(handle)) return Fail(AuthError::kStorage);
  if (!stores_.audit().Append("admin", "revoke", handle)) return Fail(AuthError::kStorage);
  return record;
}

AuthResult<AccountRecord> AccountService::Find(const std::string& handle) {
  auto account = stores_.accounts().Get(handle);
  if (!account) return Fail(AuthError::kStorage);
  if (!*account) return Fail(AuthError::kUnknownAccount);
  return **account;
}

AuthResult<std::vector<AccountRecord>> AccountService::List() {
  auto accounts = stores_.accounts().List();
  if (!accounts) return Fail(AuthError::kStorage);
  return *accounts;
}

void AccountService::NoteLoginLock(const std::string& handle) {
  auto account = stores_.accounts().Get(handle);
  if (account && *account) stores_.audit().Append(handle, "login_locked", "");
}

}  // namespace haven::auth
