#include "tests/integration/support/console_api.h"

#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <regex>
#include <stdexcept>
#include <thread>

#include "crypto/certificate.h"
#include "server/auth/totp.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/run_haven.h"

namespace haven::testing {
namespace json = boost::json;

std::uint64_t NowSeconds() { return static_cast<std::uint64_t>(std::time(nullptr)); }
std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

std::string JsonString(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : "";
}

crypto::Bytes JsonHex(const json::object& object, std::string_view key) {
  return crypto::FromHex(JsonString(object, key)).value_or(crypto::Bytes{});
}

namespace {

crypto::Bytes FromBase32(std::string_view text) {
  crypto::Bytes out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  return out;
}

// The invitation code for a new account, from the command or the admin socket.
std::string Invite(ServerProcess& server, const std::string& handle, const std::string& role, int max_chats,
                   AdminRoute route) {
  std::string name = "Counselor " + handle;
  if (route == AdminRoute::kAdminSocket) {
    auto reply = AdminCall(server, {{"command", "invite"},
                                    {"handle", handle},
                                    {"name", name},
                                    {"role", role},
                                    {"languages", json::array{"bg", "en"}},
                                    {"skills", json::array{"child", "adult"}},
                                    {"max_chats", max_chats}});
    if (!reply || !reply->contains("code")) throw std::runtime_error("invite failed for " + handle);
    return JsonString(*reply, "code");
  }
  auto [invited, output] = RunHaven("counselor invite " + handle + " --name '" + name + "' --role " + role +
                                    " --max-chats " + std::to_string(max_chats) +
                                    " --languages bg,en --skills child,adult --config " + server.config_path().string());
  std::smatch match;
  static const std::regex kCode("[A-Z2-7]{4}(-[A-Z2-7]{4}){7}");
  if (invited != 0 || !std::regex_search(output, match, kCode)) throw std::runtime_error("invite failed: " + output);
  return match.str();
}

// What `haven counselor certify` does, with the org's signing key already open.
void CertifyOverAdminSocket(ServerProcess& server, const CounselorAccount& account) {
  const TestOrg& org = server.org();
  auto signing = crypto::ParseCertificate(org.signing_certificate);
  if (!signing || !org.signing_key) throw std::runtime_error("the test org has no signing key");
  crypto::CertificateFields fields;
  fields.role = crypto::CertificateRole::kCounselor;
  fields.subject_key = account.identity->public_key();
  randombytes_buf(fields.serial.data(), fields.serial.size());
  fields.not_before = NowSeconds() - 60;
  fields.not_after = std::min<std::uint64_t>(fields.not_before + 30 * 86400, signing->fields.not_after);
  fields.handle = account.handle;
  fields.name = "Counselor " + account.handle;
  auto certificate = crypto::IssueCertificate(fields, *org.signing_key);
  if (!certificate) throw std::runtime_error("cannot issue a certificate for " + account.handle);
  auto stored = AdminCall(server, {{"command", "store_certificate"},
                                   {"handle", account.handle},
                                   {"certificate", crypto::ToHex(certificate->encoded)}});
  if (!stored || !stored->contains("ok") || !stored->at("ok").as_bool()) {
    throw std::runtime_error("store_certificate failed for " + account.handle);
  }
}

}  // namespace

ApiReply PostJson(std::uint16_t port, std::string_view path, const json::object& body, const std::string& cookie,
                  const std::string& origin) {
  std::string text = json::serialize(body);
  std::string request = "POST " + std::string(path) + " HTTP/1.1\r\nHost: haven.test\r\nContent-Type: application/json\r\n";
  if (!origin.empty()) request += "Origin: " + origin + "\r\n";
  if (!cookie.empty()) request += "Cookie: " + cookie + "\r\n";
  request += "Content-Length: " + std::to_string(text.size()) + "\r\nConnection: close\r\n\r\n" + text;
  ApiReply reply;
  auto raw = HttpExchange(port, request);
  if (!raw) return reply;
  reply.status = raw->status;
  reply.headers = raw->headers;
  boost::system::error_code ec;
  auto value = json::parse(raw->body, ec);
  if (!ec && value.is_object()) reply.body = value.get_object();
  return reply;
}

const crypto::CounselorKeys* KeysFor(CounselorAccount& account, const crypto::Bytes& salt) {
  if (!account.derived_keys || account.derived_salt != salt) {
    account.derived_keys.reset();
    auto keys = crypto::DeriveCounselorKeys(account.passphrase, salt);
    if (!keys) return nullptr;
    account.derived_keys.emplace(std::move(*keys));
    account.derived_salt = salt;
  }
  return &*account.derived_keys;
}

std::unique_ptr<CounselorAccount> EnrolCounselor(ServerProcess& server, const std::string& handle,
                                                 const std::string& role, int max_chats, AdminRoute route) {
  auto account = std::make_unique<CounselorAccount>();
  account->handle = handle;
  account->passphrase = "passphrase of " + handle;
  std::string code = Invite(server, handle, role, max_chats, route);
  auto started = PostJson(server.port(), "/api/enrol/start", {{"handle", handle}, {"code", code}});
  if (started.status != 200) throw std::runtime_error("enrol/start " + std::to_string(started.status));
  account->totp_secret = FromBase32(JsonString(started.body, "totp_secret"));
  const crypto::CounselorKeys* keys = KeysFor(*account, JsonHex(started.body, "salt"));
  if (!keys) throw std::runtime_error("enrol/start gave no usable salt");
  account->identity = std::make_unique<crypto::SigningKey>(crypto::SigningKey::Generate());
  crypto::Bytes wrapped = crypto::WrapIdentitySeed(keys->wrap_key, handle, account->identity->seed());
  auto finished = PostJson(server.port(), "/api/enrol/finish",
                           {{"handle", handle},
                            {"code", code},
                            {"login_key", crypto::ToHex(keys->login_key.bytes())},
                            {"identity_public_key", crypto::ToHex(account->identity->public_key())},
                            {"wrapped_identity", crypto::ToHex(wrapped)},
                            {"totp", NextTotp(*account)}});
  if (finished.status != 200) throw std::runtime_error("enrol/finish " + std::to_string(finished.status));
  if (route == AdminRoute::kAdminSocket) {
    CertifyOverAdminSocket(server, *account);
  } else {
    auto [certified, output] = RunHaven("counselor certify " + handle + " --config " + server.config_path().string() +
                                        " --passphrase-file " + (server.org().dir / "signing-passphrase").string());
    if (certified != 0) throw std::runtime_error("certify failed: " + output);
  }
  return account;
}

std::string NextTotp(CounselorAccount& account) {
  // Each code works once, and the server accepts one step either side of now: use the oldest
  // step not used yet (three logins fit in one step), waiting only when that is too far ahead.
  // The previous step is avoided in the last five seconds of the current one: the request
  // could be checked after the boundary, when that step no longer counts.
  std::uint64_t now = NowSeconds();
  std::uint64_t oldest = now / auth::kTotpStepSeconds - (now % auth::kTotpStepSeconds < auth::kTotpStepSeconds - 5 ? 1 : 0);
  std::uint64_t step = std::max(oldest, account.last_totp_step + 1);
  while (step > NowSeconds() / auth::kTotpStepSeconds + 1) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  account.last_totp_step = step;
  return auth::TotpCode(account.totp_secret, step);
}

std::optional<ConsoleSession> LogIn(std::uint16_t port, CounselorAccount& account) {
  auto salt = PostJson(port, "/api/login/salt", {{"handle", account.handle}});
  const crypto::CounselorKeys* keys = KeysFor(account, JsonHex(salt.body, "salt"));
  if (salt.status != 200 || !keys) return std::nullopt;
  auto login = PostJson(port, "/api/login",
                        {{"handle", account.handle},
                         {"login_key", crypto::ToHex(keys->login_key.bytes())},
                         {"totp", NextTotp(account)}});
  if (login.status != 200) return std::nullopt;
  auto identity = crypto::UnwrapIdentity(keys->wrap_key, account.handle, JsonHex(login.body, "wrapped_identity"));
  if (!identity || identity->public_key() != account.identity->public_key()) return std::nullopt;
  account.certificate = JsonHex(login.body, "certificate");
  std::string set_cookie = login.headers["set-cookie"];
  return ConsoleSession{set_cookie.substr(0, set_cookie.find(';')), std::move(login.body)};
}

std::optional<std::string> MintTicket(std::uint16_t port, const std::string& cookie) {
  auto ticket = PostJson(port, "/api/ticket", json::object{}, cookie);
  if (ticket.status != 200) return std::nullopt;
  return JsonString(ticket.body, "ticket");
}

std::optional<json::object> AdminCall(const ServerProcess& server, const json::object& request) {
  std::string path = server.admin_socket_path().string();
  sockaddr_un address{};
  if (path.size() >= sizeof address.sun_path) return std::nullopt;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  struct CloseAtEnd {
    int fd;
    ~CloseAtEnd() { ::close(fd); }
  } close_at_end{fd};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return std::nullopt;
  std::string line = json::serialize(request) + "\n";
  for (std::size_t sent = 0; sent < line.size();) {
    ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return std::nullopt;
    sent += static_cast<std::size_t>(n);
  }
  std::string reply;
  while (reply.find('\n') == std::string::npos) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 15000) <= 0) return std::nullopt;
    char buffer[4096];
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return std::nullopt;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  boost::system::error_code ec;
  json::value value = json::parse(reply.substr(0, reply.find('\n')), ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

}  // namespace haven::testing
