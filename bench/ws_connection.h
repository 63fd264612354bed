// One client WebSocket connection of the load generator: RFC 6455 over a plain TCP socket,
// written for many thousands of connections on one thread rather than for generality.
//
//   - Reads wait for readability, then drain the socket into one buffer shared by every
//     connection of the thread; only an incomplete trailing frame is kept per connection, so an
//     idle connection holds no read buffer.
//   - Sends append a masked frame to the connection's output and flush once, after the handler
//     that sent them returns: an acknowledgement and a reply written in the same handler leave
//     in one write. The flush writes at once and waits for writability only when the socket is
//     full.
//   - Server frames are never masked, server messages are not fragmented (Haven turns
//     auto-fragmentation off), pings are answered, a close frame is answered and then the
//     server's end of TCP awaited. The opening handshake's Sec-WebSocket-Accept is not checked:
//     the peer is the loopback server under test.
//
// Thread-safety: one thread (the io_context's). A connection stays alive while an operation
// is pending (handlers hold it); its listener must call Detach() before it goes away.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace haven::bench {

namespace asio = boost::asio;
using Executor = asio::io_context::executor_type;
using TcpSocket = asio::basic_stream_socket<asio::ip::tcp, Executor>;

// Where connections go and what they present.
struct ServerAddress {
  std::uint16_t port = 0;
  std::string origin;  // sent as the Origin header
};

class WsConnection : public std::enable_shared_from_this<WsConnection> {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // The server answered the upgrade with 101.
    virtual void OnOpen() = 0;
    // One complete message; `data` is valid during the call only.
    virtual void OnMessage(std::string_view data, bool binary) = 0;
    // The connection is over: with the code of the server's close frame if one came, nullopt
    // after a failure (refused upgrade, reset, connect error).
    virtual void OnClose(std::optional<std::uint16_t> code) = 0;
  };

  // Connects from `source` (a loopback address; several spread connections over more port
  // space) to 127.0.0.1 and sends the upgrade for `path`.
  static std::shared_ptr<WsConnection> Open(asio::io_context& io, const ServerAddress& server,
                                            const asio::ip::address_v4& source, std::string_view path,
                                            Listener* listener);
  ~WsConnection();

  // Queues one message; ignored once the connection is closing or closed.
  void Send(std::string_view payload, bool binary);
  // Sends a close frame; the connection ends when the server closes TCP.
  void Close(std::uint16_t code);
  // Drops the connection at once with a TCP reset (no close handshake, no TIME_WAIT).
  void Abort();
  // The listener is going away: no more callbacks.
  void Detach() { listener_ = nullptr; }

  bool open() const { return open_ && !ended_; }
  bool ended() const { return ended_; }
  int handshake_status() const { return handshake_status_; }

  // Use Open().
  WsConnection(asio::io_context& io, Listener* listener);

 private:
  void Start(const ServerAddress& server, const asio::ip::address_v4& source, std::string_view path);
  void WaitReadable();
  void OnReadable();
  // Consumes the complete frames (or the handshake) at the start of `data`; returns the bytes used.
  std::size_t Consume(std::string_view data);
  std::size_t ConsumeHandshake(std::string_view data);
  void HandleFrame(std::uint8_t opcode, bool fin, std::string_view payload);
  void AppendFrame(std::uint8_t opcode, std::string_view payload);
  void ScheduleFlush();
  void Flush();
  void End(std::optional<std::uint16_t> code);

  TcpSocket socket_;
  Listener* listener_;
  std::string partial_;   // an incomplete frame (or handshake) carried to the next read
  std::string fragments_;  // a fragmented message being assembled
  std::uint8_t fragment_opcode_ = 0;
  std::string output_;     // bytes not yet written; output_offset_ of them already went
  std::size_t output_offset_ = 0;
  std::uint32_t mask_state_;
  std::optional<std::uint16_t> close_code_;
  int handshake_status_ = 0;
  bool open_ = false;
  bool closing_ = false;  // we sent a close frame
  bool ended_ = false;
  bool flush_scheduled_ = false;
  bool waiting_writable_ = false;
};

}  // namespace haven::bench
