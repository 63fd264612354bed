// A counselor's side of the console HTTP API (docs/protocol.md 11.5) and the administrator's
// steps around it, as the tests and haven-bench need them: invite, enrol with an Argon2id
// login key and a TOTP code, certify, log in, mint a WebSocket ticket. Everything goes to the
// real server; nothing is written to its storage behind its back.
//
// Blocking calls; each opens its own connection, so different accounts may be handled on
// different threads at once (one account on one thread at a time).
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.h"
#include "crypto/credentials.h"
#include "crypto/signing_key.h"
#include "tests/integration/support/server_process.h"

namespace haven::testing {

std::uint64_t NowSeconds();
std::uint64_t NowMs();

// A string field of a JSON object, or "" when it is missing or not a string; JsonHex decodes
// it from hex (empty when it is not hex).
std::string JsonString(const boost::json::object& object, std::string_view key);
crypto::Bytes JsonHex(const boost::json::object& object, std::string_view key);

// A JSON POST to the server's API; the reply's status, headers and parsed body.
struct ApiReply {
  int status = 0;
  std::map<std::string, std::string> headers;
  boost::json::object body;
};
ApiReply PostJson(std::uint16_t port, std::string_view path, const boost::json::object& body,
                  const std::string& cookie = "", const std::string& origin = std::string(kTestOrigin));

struct CounselorAccount {
  std::string handle;
  std::string passphrase;
  crypto::Bytes totp_secret;
  std::uint64_t last_totp_step = 0;
  crypto::Bytes certificate;
  std::unique_ptr<crypto::SigningKey> identity;
  // The last Argon2id derivation and its salt: the same passphrase and salt give the same keys,
  // so a second login with an unchanged salt skips the 80 ms of hashing (client side only).
  crypto::Bytes derived_salt;
  std::optional<crypto::CounselorKeys> derived_keys;
};

// The console's keys for `account` under `salt` (docs/protocol.md 13). Nullptr if the salt is
// not valid.
const crypto::CounselorKeys* KeysFor(CounselorAccount& account, const crypto::Bytes& salt);

// How the administrator's two steps are done. kCommands runs `haven counselor invite` and
// `haven counselor certify`, as an administrator would. kAdminSocket sends the same requests
// over the server's admin socket and signs the certificate with the test org's signing key in
// memory: no process start and no key-file unlock (Argon2id) per counselor, for the benchmark,
// which enrols hundreds.
enum class AdminRoute { kCommands, kAdminSocket };

// Invites, enrols and certifies a counselor on `server` through the real commands and API.
// Throws std::runtime_error naming the step that failed.
std::unique_ptr<CounselorAccount> EnrolCounselor(ServerProcess& server, const std::string& handle,
                                                 const std::string& role = "counselor", int max_chats = 2,
                                                 AdminRoute route = AdminRoute::kCommands);
// The next TOTP code the server will accept for `account`.
std::string NextTotp(CounselorAccount& account);

// A logged-in console session.
struct ConsoleSession {
  std::string cookie;  // "name=value", for a Cookie header
  boost::json::object me;  // the login reply: handle, name, role, wrapped identity, certificate...
};
// Salt, key derivation, login with a TOTP code; checks that the wrapped identity the server
// returns opens to the account's identity key, and records the account's certificate.
// Nullopt on any refusal.
std::optional<ConsoleSession> LogIn(std::uint16_t port, CounselorAccount& account);
// A single-use ticket for /ws/counselor, or nullopt.
std::optional<std::string> MintTicket(std::uint16_t port, const std::string& cookie);

// One line to the server's admin socket (docs: server/app/admin_service.h); the parsed reply,
// or nullopt when the socket cannot be reached or the reply is not JSON.
std::optional<boost::json::object> AdminCall(const ServerProcess& server, const boost::json::object& request);

}  // namespace haven::testing
