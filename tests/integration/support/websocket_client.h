// A WebSocket client for tests, on Beast, where every operation has a deadline: a server
// that misbehaves fails the test instead of hanging it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace haven::testing {

struct WsMessage {
  std::string data;
  bool binary = false;
};

class WebSocketClient {
 public:
  // Connects to 127.0.0.1:port from `source_address` and sends the upgrade with `origin`
  // (no Origin header when nullopt). Check connected() / handshake_status() after.
  // `forwarded_for`, when given, is sent as X-Forwarded-For (as a reverse proxy would).
  WebSocketClient(std::uint16_t port, std::string_view path, std::optional<std::string> origin,
                  const std::string& source_address = "127.0.0.1", std::optional<std::string> forwarded_for = {});
  ~WebSocketClient();

  bool connected() const;
  int handshake_status() const;                   // 101 on success, else the refusal's status
  std::string handshake_header(std::string_view name) const;

  bool Send(std::string_view data, bool binary = false);
  // Drops the TCP connection without a close frame, as a failing network would.
  void Abort();
  // The next message; nullopt when the connection closed (see close_code()) or on timeout.
  std::optional<WsMessage> Read(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // The code of the server's close frame, once one arrived.
  std::optional<std::uint16_t> close_code() const;
  bool timed_out() const;
  // True once the connection has ended in any way (close frame, EOF or reset).
  bool ended() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace haven::testing
