#include "tests/integration/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace haven::testing {

RawConnection::RawConnection(std::uint16_t port, const std::string& source_address) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in source{};
  source.sin_family = AF_INET;
  ::inet_pton(AF_INET, source_address.c_str(), &source.sin_addr);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) throw std::runtime_error("bind failed");
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &target.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) throw std::runtime_error("connect failed");
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return;  // the server may close early (e.g. after 413); the reply tells
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

namespace {

// Reads what is available within the deadline; false on timeout or EOF.
bool ReadMore(int fd, std::string& into, std::chrono::steady_clock::time_point deadline, bool& eof) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buffer[16384];
  ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
  if (n <= 0) {
    eof = true;
    return false;
  }
  into.append(buffer, static_cast<std::size_t>(n));
  return true;
}

}  // namespace

std::optional<HttpReply> RawConnection::ReadReply(bool head_request, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool eof = false;
  std::size_t header_end;
  while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadMore(fd_, pending_, deadline, eof)) return std::nullopt;
  }
  HttpReply reply;
  std::string head = pending_.substr(0, header_end);
  std::size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return std::nullopt;
  reply.status = std::stoi(status_line.substr(9, 3));
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    std::size_t next = head.find("\r\n", pos);
    if (next == std::string::npos) next = head.size();
    std::string line = head.substr(pos, next - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      reply.headers[name] = value;
    }
    pos = next + 2;
  }
  pending_.erase(0, header_end + 4);
  std::size_t length = 0;
  bool has_length = reply.Has("content-length");
  if (has_length) length = std::stoul(reply.Header("content-length"));
  // RFC 9112 §6.3: 1xx, 204 and 304 answers and answers to HEAD have no body.
  bool bodiless = head_request || reply.status == 304 || reply.status == 204 || reply.status / 100 == 1;
  if (bodiless) length = 0;
  if (has_length || bodiless) {
    while (pending_.size() < length) {
      if (!ReadMore(fd_, pending_, deadline, eof)) return std::nullopt;
    }
    reply.body = pending_.substr(0, length);
    pending_.erase(0, length);
  } else {
    while (ReadMore(fd_, pending_, deadline, eof)) {
    }
    if (!eof) return std::nullopt;
    reply.body = std::move(pending_);
    pending_.clear();
  }
  return reply;
}

bool RawConnection::WaitForClose(std::chrono::milliseconds timeout) { return ReadToClose(timeout).has_value(); }

std::optional<std::string> RawConnection::ReadToClose(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool eof = false;
  std::string rest = std::move(pending_);
  pending_.clear();
  while (ReadMore(fd_, rest, deadline, eof)) {
  }
  if (!eof) return std::nullopt;
  return rest;
}

std::optional<HttpReply> HttpGet(std::uint16_t port, std::string_view path, std::string_view extra_headers,
                                 const std::string& source_address) {
  RawConnection connection(port, source_address);
  connection.Send("GET " + std::string(path) + " HTTP/1.1\r\nHost: haven.test\r\n" + std::string(extra_headers) +
                  "Connection: close\r\n\r\n");
  return connection.ReadReply();
}

std::optional<HttpReply> HttpExchange(std::uint16_t port, std::string_view raw_request, bool head_request) {
  RawConnection connection(port);
  connection.Send(raw_request);
  return connection.ReadReply(head_request);
}

}  // namespace haven::testing
