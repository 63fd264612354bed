// One HTTP/1.1 connection: with native TLS first the TLS handshake, then reads requests
// within the configured limits and timeouts, answers them from the Router, and on a
// WebSocket upgrade hands its transport to a WebSocketSession and ends.
//
// Lives on one event loop; all members are touched only from that loop's thread.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <memory>
#include <optional>

#include "server/net/asio.h"
#include "server/net/connections.h"
#include "server/net/http_types.h"
#include "server/net/transport.h"
#include "server/net/server_state.h"
#include "server/net/websocket_session.h"

namespace haven::net {

class HttpSession : public Connection, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Socket socket, EventLoop& loop, ServerState& state, ConnectionSlot slot);
  ~HttpSession() override;

  // Serves requests until the peer leaves, a limit is hit, or the socket is upgraded.
  Task<void> Run();
  void Shutdown() override;

 private:
  // The TLS handshake within http.request_timeout. A client that spoke plain HTTP to the TLS
  // port is told so in plain HTTP. False: the connection is over.
  Task<bool> AcceptTls();
  Task<bool> Write(const HttpResponse& response, bool head_only, bool keep_alive);
  // Bounds the read or write that follows: past `timeout` the socket is closed, so the
  // operation fails, and timed_out_ says why. Beast's basic_stream did this for plain TCP; TLS
  // sits above the socket, so the session keeps its own deadline.
  void ArmDeadline(std::chrono::milliseconds timeout);
  void DisarmDeadline();
  // Runs an async handler; sets `abandoned` when the client closes the connection meanwhile.
  Task<HttpResponse> Call(const AsyncHttpHandler& handler, const HttpRequest& request,
                          std::shared_ptr<std::atomic<bool>> abandoned);
  void Upgrade(const WebSocketEndpoint& endpoint, WebSocketSession::UpgradeRequest request, const ClientKey& client);
  ClientKey KeyOf(const asio::ip::address& address) const;
  // The client this request is for: the peer, or the one a trusted proxy names; nullopt when a
  // trusted proxy sent a malformed X-Forwarded-For.
  std::optional<ClientKey> ClientOf(const HttpRequest& request) const;

  Transport transport_;
  Timer deadline_;
  std::uint64_t deadline_round_ = 0;
  bool timed_out_ = false;
  ClientKey client_{};  // the peer's
  bool from_trusted_proxy_ = false;
  beast::flat_buffer buffer_;
  EventLoop& loop_;
  ServerState& state_;
  ConnectionSlot slot_;
  bool waiting_for_request_ = false;
  bool shutdown_requested_ = false;
};

}  // namespace haven::net
