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
// All work runs on the worker pool.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "server/auth/account_service.h"
#include "server/net/router.h"
#include "server/net/worker_pool.h"

namespace haven::auth {

struct AuthApiOptions {
  std::shared_ptr<const net::OriginList> allowed_origins;  // websocket.allowed_origins, reloadable
  // __Host-haven_session with Secure; only a plain-HTTP localhost demo turns this off.
  bool secure_cookie = true;
  std::uint64_t session_ttl_seconds = 43200;
};

std::string SessionCookieName(bool secure);
// The session token from the request's Cookie header; empty when there is none.
crypto::Bytes SessionTokenOf(const net::HttpRequest& request, bool secure_cookie);

class AuthApi {
 public:
  AuthApi(AccountService& accounts, net::WorkerPool& workers, AuthApiOptions options);
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
