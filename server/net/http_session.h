// One HTTP/1.1 connection: reads requests within the configured limits and timeouts,
// answers them from the Router, and on a WebSocket upgrade hands its socket to a
// WebSocketSession and ends.
//
// Lives on one event loop; all members are touched only from that loop's thread.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <memory>
#include <optional>

#include "server/net/asio.h"
#include "server/net/connections.h"
#include "server/net/http_types.h"
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
  Task<bool> Write(const HttpResponse& response, bool head_only, bool keep_alive);
  Task<HttpResponse> Call(const AsyncHttpHandler& handler, const HttpRequest& request);
  void Upgrade(const WebSocketEndpoint& endpoint, WebSocketSession::UpgradeRequest request, const ClientKey& client);
  ClientKey KeyOf(const asio::ip::address& address) const;
  // The client this request is for: the peer, or the one a trusted proxy names; nullopt when a
  // trusted proxy sent a malformed X-Forwarded-For.
  std::optional<ClientKey> ClientOf(const HttpRequest& request) const;

  HttpStream stream_;
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
