// One WebSocket connection: a coroutine for the opening handshake, then a chain of reads
// (each completion hands a whole message to the endpoint's handler and starts the next
// read) and a bounded outbound queue drained one write at a time (each write's completion
// starts the next; a run of queued messages reaches the kernel in one write, see
// CoalescingSocket). Completions rather than coroutines: an idle connection then holds one
// pending read and no coroutine frames, about a kilobyte less.
//
// Limits (all from [websocket] config): read_message_max_bytes (larger: close 1009),
// outbound_queue_frames/bytes (exceeded: close 1013), handshake_timeout, idle_timeout with
// keep-alive pings. permessage-deflate is off: compression before encryption leaks, and
// ciphertext does not compress anyway.
//
// Lives on one event loop; touched only from that loop's thread.
#pragma once

#include <boost/asio/cancellation_signal.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <memory>
#include <optional>
#include <string>

#include "server/net/asio.h"
#include "server/net/coalescing_socket.h"
#include "server/net/connections.h"
#include "server/net/outbound_queue.h"
#include "server/net/server_state.h"
#include "server/net/websocket_endpoint.h"

namespace haven::net {

class WebSocketSession : public Connection, public WebSocketPeer, public std::enable_shared_from_this<WebSocketSession> {
 public:
  using UpgradeRequest = beast::http::request<beast::http::string_body>;

  // `over_network_limit`: websocket.max_per_network is reached for this client's network; the
  // session completes the handshake and closes with 1008 without opening the endpoint.
  WebSocketSession(Transport transport, EventLoop& loop, ServerState& state, ConnectionSlot slot,
                   const WebSocketEndpoint& endpoint, const ClientKey& client, bool over_network_limit = false);
  ~WebSocketSession() override;

  // Completes the opening handshake and starts reading; the session then lives in its
  // pending read and write until the connection closes.
  Task<void> Run(UpgradeRequest request);

  bool Send(OutboundMessage message) override;
  void Close(std::uint16_t code, std::string_view reason) override;
  void Shutdown() override;

 private:
  // Starts the next write (or the close handshake) unless a write is in flight.
  void Pump();
  void ReadNext();
  // The connection is over: tell the handler, let go of everything.
  void Finish();
  void ForceClose();

  bool over_network_limit_ = false;
  beast::websocket::stream<CoalescingSocket> ws_;
  beast::flat_buffer read_buffer_;
  Timer close_deadline_;
  EventLoop& loop_;
  ServerState& state_;
  ConnectionSlot slot_;
  const WebSocketEndpoint& endpoint_;
  ClientKey client_;
  std::unique_ptr<WebSocketHandler> handler_;

  OutboundQueue queue_;
  std::size_t queued_bytes_ = 0;
  OutboundMessage writing_;  // being written: its bytes must live until the write completes
  bool write_in_flight_ = false;
  std::optional<std::uint16_t> close_code_;  // set once a close has been requested
  std::string close_reason_;
  bool close_started_ = false;
  bool closed_ = false;  // the reader has ended; the socket is gone
  bool registered_ = false;  // in loop_.registry (for shutdown)
  // A protocol error that arrives while the session's own close waits for the peer's close
  // frame leaves Beast 1.81's read and close operations each parked on the lock the other
  // holds, forever, with the session (and its connection slots) in their handlers (found by
  // fuzz/websocket_fuzzer). Parked operations complete only on terminal cancellation, which
  // ForceClose sends once the close deadline has passed.
  asio::cancellation_signal read_cancel_;
  asio::cancellation_signal close_cancel_;
};

}  // namespace haven::net
