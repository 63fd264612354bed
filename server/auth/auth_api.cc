#include "server/auth/auth_api.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <memory>

#include "crypto/bytes.h"
#include "server/json/strict_fields.h"

namespace haven::auth {
namespace {

namespace json = boost::json;
using haven::json::StrictFields;

// "application/json" in any case, with or without parameters ("; charset=utf-8"). Not a prefix
// match, which would let "application/jsonp" or "application/json-seq" through.
bool IsJsonMediaType(std::string_view value) {
  std::string_view type = value.substr(0, value.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  return std::ranges::equal(type, kJson, [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

int StatusFor(AuthError error) {
  switch (error) {
    case AuthError::kBadRequest: return 400;
    case AuthError::kInvalidCode: return 400;
    case AuthError::kWrongCredentials: return 401;
    case AuthError::kCodeUsed: return 401;
    case AuthError::kLockedOut: return 429;
    case AuthError::kNoSession: return 401;
    case AuthError::kNotActive: return 403;
    case AuthError::kAlreadyExists: return 409;
    case AuthError::kUnknownAccount: return 404;
    case AuthError::kStorage: return 503;
    case AuthError::kBusy: return 503;
  }
  return 400;
}

net::HttpResponse Json(int status, const json::object& body) {
  net::HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = json::serialize(body);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

net::HttpResponse Failure(const AuthFailure& failure) {
  net::HttpResponse response =
      Json(StatusFor(failure.error), {{"error", AuthErrorName(failure.error)}, {"message", AuthErrorSentence(failure.error)}});
  if (failure.error == AuthError::kLockedOut || failure.error == AuthError::kBusy) {
    response.headers.emplace_back("Retry-After", std::to_string(std::max<std::uint64_t>(failure.retry_after_seconds, 1)));
  }
  return response;
}

net::HttpResponse BadRequest() { return Failure({AuthError::kBadRequest}); }

// What a handler needs from the request, copied: the request is gone once the job runs.
struct Call {
  std::optional<json::object> body;
  crypto::Bytes session;
  net::ClientKey client{};
};

// Which threads a route's work waits for: Argon2id (logins, enrolment) on the hashing pool,
// everything else (a storage read or write) on the accounts pool, so a flood of logins never
// holds up a logged-in counselor's ticket.
enum class Work { kHashing, kAccounts };

}  // namespace

class AuthApi::Impl {
 public:
  Impl(AccountService& accounts, AuthPools pools, LoginThrottle& throttle, AuthApiOptions options)
      : accounts_(accounts),
        pools_(pools),
        throttle_(throttle),
        options_(std::move(options)),
        cookie_(SessionCookieName(options_.secure_cookie)) {}

  // Registers a POST route whose body must be a JSON object; `handler` runs on the pool for
  // `work`. `admit`, when given, runs first on the event loop and may refuse at once.
  template <typename Handler>
  void Post(net::Router& router, std::string path, Work work, Handler handler,
            std::function<std::optional<net::HttpResponse>(const Call&)> admit = {}) {
    router.HandleAsync(std::move(path), {net::HttpMethod::kPost},
                       [this, work, handler, admit](const net::HttpRequest& request, net::HttpRespond respond) {
                         if (auto refused = CheckPost(request)) return respond(*refused);
                         Call call{StrictFields::ParseObject(request.body()), SessionToken(request), request.client()};
                         if (admit) {
                           if (auto refused = admit(call)) return respond(*refused);
                         }
                         Queue(work, request, std::move(call), std::move(respond), handler);
                       });
  }

  template <typename Handler>
  void Get(net::Router& router, std::string path, Handler handler) {
    router.HandleAsync(std::move(path), {net::HttpMethod::kGet},
                       [this, handler](const net::HttpRequest& request, net::HttpRespond respond) {
                         Queue(Work::kAccounts, request, Call{std::nullopt, SessionToken(request), request.client()},
                               std::move(respond), handler);
                       });
  }

  AccountService& accounts() { return accounts_; }
  LoginThrottle& throttle() { return throttle_; }
  const AuthApiOptions& options() const { return options_; }

  std::string SetCookie(const crypto::Bytes& token) const {
    return cookie_ + "=" + crypto::ToHex(token) + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
           std::to_string(options_.session_ttl_seconds) + (options_.secure_cookie ? "; Secure" : "");
  }
  std::string ClearCookie() const {
    return cookie_ + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (options_.secure_cookie ? "; Secure" : "");
  }

 private:
  std::optional<net::HttpResponse> CheckPost(const net::HttpRequest& request) const {
    auto type = request.Header("Content-Type");
    if (!type || !IsJsonMediaType(*type)) {
      return Json(415, {{"error", "unsupported_media_type"}, {"message", "Send JSON."}});
    }
    auto origin = request.Header("Origin");
    if (!origin || !options_.allowed_origins->Allows(*origin)) {
      return Json(403, {{"error", "origin_not_allowed"}, {"message", "This page may not call the API."}});
    }
    return std::nullopt;
  }

  crypto::Bytes SessionToken(const net::HttpRequest& request) const {
    return SessionTokenOf(request, options_.secure_cookie);
  }

  // A full queue is 503 at once; a job whose client has gone by the time a thread is free is
  // skipped (a storm of dropped logins then costs no hashing at all).
  template <typename Handler>
  void Queue(Work work, const net::HttpRequest& request, Call call, net::HttpRespond respond, Handler handler) {
    net::WorkerPool& pool = work == Work::kHashing ? pools_.hashing : pools_.accounts;
    auto abandoned = request.abandoned();
    auto shared_respond = std::make_shared<net::HttpRespond>(std::move(respond));
    bool queued = pool.TrySubmit([this, handler, call = std::move(call), respond = shared_respond, abandoned]() mutable {
      if (abandoned && abandoned->load()) return (*respond)(Failure({AuthError::kBusy, 1}));
      (*respond)(handler(*this, call));
    });
    if (!queued) {
      if (options_.busy_refusals) options_.busy_refusals->fetch_add(1, std::memory_order_relaxed);
      (*shared_respond)(Failure({AuthError::kBusy, 1}));
    }
  }

  AccountService& accounts_;
  AuthPools pools_;
  LoginThrottle& throttle_;
  AuthApiOptions options_;
  std::string cookie_;
};

namespace {

using Api = AuthApi::Impl;

json::object AccountJson(const storage::AccountRecord& account) {
  json::array languages, skills;
  for (const auto& language : account.languages) languages.emplace_back(language);
  for (const auto& skill : account.skills) skills.emplace_back(skill);
  return json::object{{"handle", account.handle},
                      {"name", account.display_name},
                      {"role", account.role == storage::AccountRole::kSupervisor ? "supervisor" : "counselor"},
                      {"languages", languages},
                      {"skills", skills},
                      {"max_chats", account.max_chats}};
}

}  // namespace

std::string SessionCookieName(bool secure) { return secure ? "__Host-haven_session" : "haven_session"; }

crypto::Bytes SessionTokenOf(const net::HttpRequest& request, bool secure_cookie) {
  auto cookies = request.Header("Cookie");
  if (!cookies) return {};
  std::string_view text = *cookies;
  std::string wanted = SessionCookieName(secure_cookie) + "=";
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find(';', start);
    std::string_view pair = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(wanted)) {
      auto bytes = crypto::FromHex(pair.substr(wanted.size()));
      return bytes && bytes->size() == 32 ? *bytes : crypto::Bytes{};
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return {};
}

AuthApi::AuthApi(AccountService& accounts, AuthPools pools, LoginThrottle& throttle, AuthApiOptions options)
    : impl_(std::make_unique<Impl>(accounts, pools, throttle, std::move(options))) {}

AuthApi::~AuthApi() = default;

void AuthApi::Register(net::Router& router) {
  Impl& api = *impl_;

  api.Post(router, "/api/enrol/start", Work::kAccounts, [](Api& self, const Call& call) {
    if (!call.body) return BadRequest();
    StrictFields fields(*call.body);
    auto handle = fields.String("handle");
    auto code = fields.String("code");
    if (!fields.OnlyThese({"handle", "code"}) || !handle || !code || code->size() > 64) return BadRequest();
    auto started = self.accounts().StartEnrolment(std::string(*handle), std::string(*code));
    if (!started) return Failure(started.error());
    return Json(200, {{"display_name", started->display_name},
                      {"salt", crypto::ToHex(started->salt)},
                      {"totp_uri", started->totp_uri},
                      {"totp_secret", started->totp_secret}});
  });

  api.Post(router, "/api/enrol/finish", Work::kHashing, [](Api& self, const Call& call) {
    if (!call.body) return BadRequest();
    StrictFields fields(*call.body);
    auto handle = fields.String("handle");
    auto code = fields.String("code");
    auto login_key = fields.HexBytes("login_key", 32);
    auto identity = fields.HexBytes("identity_public_key", 32);
    auto wrapped = fields.HexBytes("wrapped_identity", 128);
    auto totp = fields.String("totp");
    if (!fields.OnlyThese({"handle", "code", "login_key", "identity_public_key", "wrapped_identity", "totp"}) ||
        !handle || !code || !login_key || !identity || !wrapped || !totp || code->size() > 64) {
      return BadRequest();
    }
    auto finished = self.accounts().FinishEnrolment(
        {std::string(*handle), std::string(*code), *login_key, *identity, *wrapped, std::string(*totp)});
    if (!finished) return Failure(finished.error());
    return Json(200, {{"status", "enrolled"}});
  });

  api.Post(router, "/api/login/salt", Work::kAccounts, [](Api& self, const Call& call) {
    if (!call.body) return BadRequest();
    StrictFields fields(*call.body);
    auto handle = fields.String("handle");
    if (!fields.OnlyThese({"handle"}) || !handle || handle->empty() || handle->size() > 64) return BadRequest();
    auto salt = self.accounts().LoginSalt(std::string(*handle));
    if (!salt) return Failure(salt.error());
    return Json(200, {{"salt", crypto::ToHex(*salt)}});
  });

  // Before a hash is spent: is this network, for this handle, allowed to try now?
  auto admit_login = [&api](const Call& call) -> std::optional<net::HttpResponse> {
    if (!call.body) return std::nullopt;  // the handler answers bad_request
    auto handle = StrictFields(*call.body).String("handle");
    if (!handle || handle->size() > 64) return std::nullopt;
    std::uint64_t wait = api.throttle().Admit(std::string(*handle), call.client, api.options().now_seconds());
    if (wait == 0) return std::nullopt;
    return Failure({AuthError::kLockedOut, wait});
  };
  api.Post(router, "/api/login", Work::kHashing, [](Api& self, const Call& call) {
    if (!call.body) return BadRequest();
    StrictFields fields(*call.body);
    auto handle = fields.String("handle");
    auto login_key = fields.HexBytes("login_key", 32);
    auto totp = fields.String("totp");
    if (!fields.OnlyThese({"handle", "login_key", "totp"}) || !handle || !login_key || !totp || handle->size() > 64) {
      return BadRequest();
    }
    auto session = self.accounts().Login({std::string(*handle), *login_key, std::string(*totp)});
    if (!session && (session.error().error == AuthError::kWrongCredentials || session.error().error == AuthError::kCodeUsed)) {
      auto failure = self.throttle().Failed(std::string(*handle), call.client, self.options().now_seconds());
      if (failure.started_lock) {
        self.accounts().NoteLoginLock(std::string(*handle));
        if (self.options().login_locks) self.options().login_locks->fetch_add(1, std::memory_order_relaxed);
      }
      // The failure that starts a lock says so, so the counselor learns it now.
      if (failure.locked_for > 0) return Failure({AuthError::kLockedOut, failure.locked_for});
    }
    if (!session) return Failure(session.error());
    self.throttle().Succeeded(std::string(*handle), call.client);
    json::object body = AccountJson(session->account);
    body["wrapped_identity"] = crypto::ToHex(session->account.wrapped_identity);
    body["certificate"] = crypto::ToHex(session->account.certificate);
    net::HttpResponse response = Json(200, body);
    response.headers.emplace_back("Set-Cookie", self.SetCookie(session->token));
    return response;
  }, admit_login);

  api.Post(router, "/api/ticket", Work::kAccounts, [](Api& self, const Call& call) {
    auto ticket = self.accounts().MintTicket(call.session);
    if (!ticket) return Failure(ticket.error());
    return Json(200, {{"ticket", crypto::ToHex(*ticket)}});
  });

  api.Post(router, "/api/logout", Work::kAccounts, [](Api& self, const Call& call) {
    if (!call.session.empty()) self.accounts().Logout(call.session);
    net::HttpResponse response = Json(200, {{"status", "logged_out"}});
    response.headers.emplace_back("Set-Cookie", self.ClearCookie());
    response.headers.emplace_back("Clear-Site-Data", "\"cache\", \"cookies\", \"storage\"");
    return response;
  });

  api.Get(router, "/api/me", [](Api& self, const Call& call) {
    auto account = self.accounts().SessionAccount(call.session);
    if (!account) return Failure(account.error());
    return Json(200, AccountJson(*account));
  });
}

}  // namespace haven::auth
