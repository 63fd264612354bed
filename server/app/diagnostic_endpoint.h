// /ws/diag: a test-only WebSocket echo endpoint that exercises the session layer (limits,
// close codes, outbound queue) before the helpline's own endpoints exist.
//
// Registered only when [testing] diagnostic_endpoints = true; off by default and never for
// production. Text commands: "close <code>" closes with that code; "flood <count> <bytes>"
// queues that many messages at once (to overflow the outbound queue); anything else is
// echoed back with its type.
#pragma once

#include "server/net/websocket_endpoint.h"

namespace haven::app {

net::WebSocketEndpoint DiagnosticEchoEndpoint(std::shared_ptr<const net::OriginList> allowed_origins);

}  // namespace haven::app
