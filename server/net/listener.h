// Accepts TCP connections and starts an HttpSession for each on the next event loop (with
// native TLS, on the home loop).
//
// Runs on event loop 0. Over server.max_connections, a connection gets a canned 503 and is
// closed at once, so a flood costs the server one accept and one small write per socket.
#pragma once

#include <span>

#include "server/net/asio.h"
#include "server/net/server_state.h"

namespace haven::net {

class Listener {
 public:
  Listener(Acceptor& acceptor, std::span<std::unique_ptr<EventLoop>> loops, ServerState& state);
  Task<void> Run();

 private:
  Acceptor& acceptor_;
  std::span<std::unique_ptr<EventLoop>> loops_;
  ServerState& state_;
  std::size_t next_loop_ = 0;
};

}  // namespace haven::net
