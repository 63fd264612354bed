// A WebSocket client on a bare TCP socket, for conformance cases: it writes whatever bytes a
// case asks for (malformed frames, one byte per TCP segment) and keeps reading the server's
// frames through ServerStream while it writes, so that neither side can block the other. Every
// wait has a deadline; nothing here throws once the connection is open.
//
// Not thread-safe: one case, one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/conformance/websocket_frames.h"

namespace haven::conformance {

class RawWebSocket {
 public:
  // Connects to 127.0.0.1:`port` and opens a WebSocket on `path` with `origin`, checking the
  // server's 101 as RFC 6455 §4.2.2 has it (Upgrade, Connection, Sec-WebSocket-Accept; no
  // extension or subprotocol, since none was asked for). The error says what went wrong.
  static std::expected<std::unique_ptr<RawWebSocket>, std::string> Open(std::uint16_t port, std::string_view path,
                                                                        std::string_view origin,
                                                                        std::chrono::milliseconds timeout);
  ~RawWebSocket();
  RawWebSocket(const RawWebSocket&) = delete;
  RawWebSocket& operator=(const RawWebSocket&) = delete;

  // Writes `bytes`, in writes of at most `chop` bytes each when `chop` > 0 (TCP_NODELAY is on,
  // so each leaves as its own segment). Reads whatever arrives meanwhile. False when the bytes
  // could not all be written: the server ended the connection (not an error in itself: it may
  // be failing it, as it should) or the deadline passed (see write_timed_out()).
  bool Write(std::string_view bytes, std::size_t chop = 0,
             std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // The frames' bytes in one Write; a final close frame without RSV bits is remembered as ours.
  bool Send(const std::vector<Frame>& frames, std::size_t chop = 0);
  bool Send(const Frame& frame, std::size_t chop = 0) { return Send(std::vector<Frame>{frame}, chop); }

  // Reads until `done()` holds, the server's end of stream or `timeout`; returns done() at the
  // end. After a violation bytes are still read (to see the end of stream) but not parsed.
  bool ReadUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  // Shuts down our sending side (our FIN) and stops writing.
  void ShutdownSend();

  // Everything the server sent so far, in order, its close frame included.
  const std::vector<Event>& events() const { return events_; }
  // The server's close frame, once it came.
  const Event* server_close() const { return server_close_ ? &events_[*server_close_] : nullptr; }
  // We sent a close frame; `client_closed_first`: before the server's close frame came.
  bool client_close_sent() const { return client_close_sent_; }
  bool client_closed_first() const { return client_closed_first_; }
  // The server ended its side of TCP (FIN or reset).
  bool ended() const { return ended_; }
  bool reset() const { return reset_; }
  bool write_timed_out() const { return write_timed_out_; }
  // The first thing the server sent that RFC 6455 forbids; empty if none.
  const std::string& violation() const { return stream_.violation(); }

 private:
  explicit RawWebSocket(int fd) : fd_(fd) {}
  // Reads what the socket holds now, without waiting, and parses it.
  void ReceiveAvailable();
  void Parse();

  int fd_ = -1;
  ServerStream stream_;
  std::vector<Event> events_;
  std::optional<std::size_t> server_close_;
  bool client_close_sent_ = false;
  bool client_closed_first_ = false;
  bool ended_ = false;
  bool reset_ = false;
  bool send_shut_ = false;
  bool write_timed_out_ = false;
};

}  // namespace haven::conformance
