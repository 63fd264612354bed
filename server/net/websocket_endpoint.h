// The seam between a WebSocket connection (net) and the logic behind an endpoint.
//
// The net module owns the socket, its reader and writer coroutines and its bounded outbound
// queue; an endpoint supplies a WebSocketHandler per connection and talks back through the
// WebSocketPeer. Both sides run on the connection's event loop thread only, so neither needs
// locks; code on another thread must post to that loop first.
#pragma once

#include "server/net/reloadable.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/net/http_types.h"

namespace haven::net {

// Close codes Haven sends (RFC 6455 section 7.4 and the 4000-4999 private range; the
// application codes are listed in docs/protocol.md).
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kClosePolicy = 1008;
inline constexpr std::uint16_t kCloseTooBig = 1009;
inline constexpr std::uint16_t kCloseInternalError = 1011;
inline constexpr std::uint16_t kCloseServiceRestart = 1012;
inline constexpr std::uint16_t kCloseTryAgainLater = 1013;

struct OutboundMessage {
  std::shared_ptr<const std::string> data;  // shared so one buffer can go to several peers
  bool binary = false;
};

// What an endpoint can do with its connection. Valid from WebSocketEndpoint::open until the
// handler's OnClose returns.
class WebSocketPeer {
 public:
  virtual ~WebSocketPeer() = default;
  // Queues a message for sending. When the queue's frame or byte bound would be exceeded the
  // connection is closed with 1013 (the peer is not reading fast enough) and false returned.
  virtual bool Send(OutboundMessage message) = 0;
  // Sends a close frame after the messages already queued; later Sends are dropped.
  virtual void Close(std::uint16_t code, std::string_view reason) = 0;
};

// Receives one connection's events, in order, on its event loop.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  // `data` is valid only during the call.
  virtual void OnMessage(std::string_view data, bool binary) = 0;
  // The connection is gone; the peer must not be used after this returns.
  virtual void OnClose() = 0;
};

struct WebSocketEndpoint {
  std::shared_ptr<const OriginList> allowed_origins;  // exact match of the Origin header, else 403
  std::function<std::unique_ptr<WebSocketHandler>(WebSocketPeer& peer, const HttpRequest& upgrade)> open;
};

}  // namespace haven::net
