// One connection of the real server's network layer, driven in memory: the HttpSession the
// Listener would start (and the WebSocketSession it upgrades to), with the server's default
// [http] and [websocket] limits, over one end of a socketpair. The fuzz targets for HTTP and
// WebSocket bytes write the client's side with it, so they exercise Beast exactly as the
// server configures it, and the session code around it, rather than a copy of either.
//
// Routes: POST|GET|HEAD /api/echo (answers with the body's length), static files under /
// (index.html, /assets/app.js), the test-only echo endpoint /ws/diag for the Origin
// kFuzzOrigin, and 404 / 405 / 426 for the rest.
#pragma once

#include <string>
#include <string_view>

namespace haven::fuzz {

inline constexpr std::string_view kFuzzOrigin = "http://localhost:8080";

// Writes `client_bytes`, then, once the server has written the head of its first response,
// `after_response` (a WebSocket client's frames wait for the 101), then shuts the client's side
// for writing, and returns every byte the server wrote until it closed its end. A connection
// the server does not close, or a connection slot it does not give back, is a finding (abort).
std::string ServeConnection(std::string_view client_bytes, std::string_view after_response = {});

}  // namespace haven::fuzz
