// The console's HTTP API (JSON over POST; docs/protocol.md 11.3 for how tickets are used):
//
//   POST /api/enrol/start   {handle, code}                       -> {display_name, salt, totp_uri, totp_secret}
//   POST /api/enrol/finish  {handle, code, login_key, identity_public_key, wrapped_identity, totp}
//   POST /api/login/salt    {handle}                             -> {salt}
//   POST /api/login         {handle, login_key, totp}            -> session cookie; {handle, name, role, ...}
//   POST /api/ticket        (session cookie)                     -> {ticket}
//   POST /api/logout        (session cookie)                     -> Clear-Site-Data
//   GET  /api/me            (session cookie)                     -> {handle, name, role}
//
// Byte values are lowercase hex. Every POST must carry `Content-Type: application/json` and
// an `Origin` on the allow-list (with SameSite=Strict cookies, that closes cross-site request
// forgery). Errors are {"error": CODE, "message": SENTENCE} with a matching status.
// All work runs on the pools of AuthPools; who may try to log in is decided first (LoginThrottle).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/auth/account_service.h"
#include "server/auth/login_throttle.h"
#include "server/net/router.h"
#include "server/net/worker_pool.h"

namespace haven::auth {

struct AuthApiOptions {
  std::shared_ptr<const net::OriginList> allowed_origins;  // websocket.allowed_origins, reloadable
  // __Host-haven_session with Secure; only a plain-HTTP localhost demo turns this off.
  bool secure_cookie = true;
  std::uint64_t session_ttl_seconds = 43200;
  std::function<std::uint64_t()> now_seconds;               // the login throttle's clock
  std::atomic<std::uint64_t>* login_locks = nullptr;        // metric: locks the throttle started
  std::atomic<std::uint64_t>* busy_refusals = nullptr;      // metric: 503s for a full queue
};

// The threads the API's work waits for. Separate, bounded queues: a full one answers 503 busy
// with Retry-After at once, and a flood of one kind never delays the other.
struct AuthPools {
  net::WorkerPool& hashing;   // Argon2id: logins and enrolments
  net::WorkerPool& accounts;  // the rest: tickets, sessions, salts (storage only)
};

std::string SessionCookieName(bool secure);
// The session token from the request's Cookie header; empty when there is none.
crypto::Bytes SessionTokenOf(const net::HttpRequest& request, bool secure_cookie);

class AuthApi {
 public:
  AuthApi(AccountService& accounts, AuthPools pools, LoginThrottle& throttle, AuthApiOptions options);
  ~AuthApi();
  AuthApi(const AuthApi&) = delete;
  AuthApi& operator=(const AuthApi&) = delete;

  // Adds the routes. They refer to this object, which must outlive the server.
  void Register(net::Router& router);

  class Impl;  // public so the route handlers in the .cc file can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace haven::auth
