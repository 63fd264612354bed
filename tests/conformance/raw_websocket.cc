#include "tests/conformance/raw_websocket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <random>

namespace haven::conformance {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string Base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

int MillisecondsUntil(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(left, 0));
}

// The 101's problem, or empty when it is the answer RFC 6455 §4.2.2 requires for `key`.
std::string CheckUpgradeResponse(std::string_view head, std::string_view key) {
  auto line_end = head.find("\r\n");
  std::string_view status = head.substr(0, line_end);
  if (!status.starts_with("HTTP/1.1 101")) return "the upgrade was answered \"" + std::string(status) + "\"";
  std::string upgrade, connection, accept;
  bool extensions = false, protocol = false;
  std::size_t at = line_end + 2;
  while (at < head.size()) {
    auto next = head.find("\r\n", at);
    if (next == std::string_view::npos) next = head.size();
    std::string_view line = head.substr(at, next - at);
    at = next + 2;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = Lower(line.substr(0, colon));
    std::string value = Trim(line.substr(colon + 1));
    if (name == "upgrade") upgrade = Lower(value);
    if (name == "connection") connection = Lower(value);
    if (name == "sec-websocket-accept") accept = value;
    if (name == "sec-websocket-extensions") extensions = true;
    if (name == "sec-websocket-protocol") protocol = true;
  }
  std::string keyed = std::string(key) + std::string(kAcceptGuid);
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(keyed.data()), keyed.size(), digest.data());
  if (upgrade != "websocket") return "the 101 has Upgrade \"" + upgrade + "\"";
  if (connection.find("upgrade") == std::string::npos) return "the 101 has Connection \"" + connection + "\"";
  if (accept != Base64(digest.data(), digest.size())) return "the 101 has a wrong Sec-WebSocket-Accept";
  if (extensions) return "the 101 names an extension nobody asked for";
  if (protocol) return "the 101 names a subprotocol nobody asked for";
  return {};
}

}  // namespace

std::expected<std::unique_ptr<RawWebSocket>, std::string> RawWebSocket::Open(std::uint16_t port, std::string_view path,
                                                                             std::string_view origin,
                                                                             milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::unexpected("socket() failed");
  std::unique_ptr<RawWebSocket> ws(new RawWebSocket(fd));
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &target.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) return std::unexpected("connect failed");
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);

  static std::mt19937 keys(13);
  std::array<unsigned char, 16> nonce{};
  for (auto& byte : nonce) byte = static_cast<unsigned char>(keys() & 0xFF);
  std::string key = Base64(nonce.data(), nonce.size());
  std::string request = "GET " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
                        "\r\nSec-WebSocket-Version: 13\r\nOrigin: " + std::string(origin) +
                        "\r\nUser-Agent: haven-rfc6455-conformance\r\n\r\n";
  // Written and read here, not by Write(), which would hand the 101 to the frame parser.
  for (std::string_view rest = request; !rest.empty();) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, MillisecondsUntil(deadline)) <= 0)
      return std::unexpected("the upgrade could not be written in time");
    ssize_t sent = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (sent < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (sent < 0) return std::unexpected("the connection ended while the upgrade was written");
    rest.remove_prefix(static_cast<std::size_t>(sent));
  }

  std::string head;
  std::array<char, 4096> buffer{};
  std::size_t end;
  while ((end = head.find("\r\n\r\n")) == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, MillisecondsUntil(deadline)) <= 0) return std::unexpected("no answer to the upgrade in time");
    ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return std::unexpected("the connection ended during the upgrade");
    head.append(buffer.data(), static_cast<std::size_t>(n));
  }
  if (auto problem = CheckUpgradeResponse(std::string_view(head).substr(0, end), key); !problem.empty()) {
    return std::unexpected(problem);
  }
  ws->stream_.Append(std::string_view(head).substr(end + 4));
  ws->Parse();
  return ws;
}

RawWebSocket::~RawWebSocket() {
  if (fd_ >= 0) ::close(fd_);
}

void RawWebSocket::Parse() {
  while (auto event = stream_.Next()) {
    if (event->kind == Event::Kind::kClose) server_close_ = events_.size();
    events_.push_back(std::move(*event));
  }
}

void RawWebSocket::ReceiveAvailable() {
  std::array<char, 65536> buffer{};
  while (!ended_) {
    ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n > 0) {
      stream_.Append(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    ended_ = true;
    reset_ = n < 0;
  }
  Parse();
}

bool RawWebSocket::Write(std::string_view bytes, std::size_t chop, milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    if (ended_ || send_shut_) return false;
    pollfd p{fd_, POLLIN | POLLOUT, 0};
    int ready = ::poll(&p, 1, MillisecondsUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      write_timed_out_ = true;
      return false;
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) ReceiveAvailable();
    if (!(p.revents & POLLOUT) || ended_) continue;
    std::size_t size = chop > 0 ? std::min(chop, bytes.size()) : bytes.size();
    ssize_t sent = ::send(fd_, bytes.data(), size, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      ReceiveAvailable();  // the reason (a close frame) may be waiting
      ended_ = true;
      reset_ = true;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  ReceiveAvailable();
  return true;
}

bool RawWebSocket::Send(const std::vector<Frame>& frames, std::size_t chop) {
  std::string bytes;
  for (const Frame& frame : frames) {
    bytes += EncodeClientFrame(frame);
    // A close frame with RSV bits or without FIN is a malformed frame, not our close (as
    // Autobahn counts it: sendFrame with opcode 8 is not sendClose).
    if (frame.opcode == opcode::kClose && frame.fin && frame.rsv == 0 && !client_close_sent_) {
      client_close_sent_ = true;
      client_closed_first_ = !server_close_;
    }
  }
  return Write(bytes, chop);
}

bool RawWebSocket::ReadUntil(const std::function<bool()>& done, milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  ReceiveAvailable();
  while (!done() && !ended_) {
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, MillisecondsUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    ReceiveAvailable();
  }
  return done();
}

void RawWebSocket::ShutdownSend() {
  if (send_shut_) return;
  send_shut_ = true;
  ::shutdown(fd_, SHUT_WR);
}

}  // namespace haven::conformance
