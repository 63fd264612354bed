// The HTTP/WebSocket server: listens, runs the event loops, and shuts down gracefully.
//
// Usage: build a Router, call Server::Start (binds the port, so port() is known at once),
// then Run() on the main thread until SIGTERM or SIGINT (SIGHUP calls Options::on_reload). Shutdown stops accepting, marks
// /readyz unready, closes WebSockets with 1012 (service restart) and idle HTTP connections,
// waits for connections to drain up to server.shutdown_deadline, then returns.
//
// Boost stays behind the pointer to implementation, so callers do not compile Asio.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "server/config/config.h"
#include "server/net/router.h"
#include "server/net/tls_context.h"

namespace haven::net {

class Server {
 public:
  struct Options {
    AddressKeyer address_keyer;                // ClientKey for rate limits; none: all zero
    // Why the server should take no new work right now (storage full, clock untrusted), or empty
    // when it can: /readyz answers 503 with the reason. Called on an event loop: must not block.
    std::function<std::string()> unready_reason;
    std::function<void()> on_stop;             // called on the home loop when shutdown begins
    std::function<void()> on_reload;           // called on the home loop for each SIGHUP
    // Native TLS: every connection is HTTPS/WSS with what this holds at its accept. Null: plain.
    std::shared_ptr<TlsCredentials> tls;
  };
  // Binds the listening socket. `router` gets /healthz and /readyz added.
  static std::expected<std::unique_ptr<Server>, std::string> Start(const Config& config, Router router,
                                                                   Options options = {});
  // Runs `task` on the home event loop (where the helpline lives). Any thread may call it.
  void Post(std::function<void()> task);
  // Runs `task` on the home loop every `interval` until shutdown begins.
  void Every(std::chrono::milliseconds interval, std::function<void()> task);

  // A local administration socket (Unix domain, mode 0600, replacing a stale one): each
  // connection sends one line of at most 64 KiB within 10 s and gets one line back. `reply`
  // may be called from any thread. The socket file is removed at shutdown.
  using AdminHandler = std::function<void(std::string line, std::function<void(std::string reply)> reply)>;
  std::expected<void, std::string> ServeAdminSocket(const std::string& path, AdminHandler handler);
  // A second, plain-HTTP listener on `address`:`port` (0: any free port) that answers with
  // `router` only: /metrics for a scraper on the host or a private network, off the public port.
  // Same limits as the main listener; closed at shutdown. Returns the bound port.
  std::expected<std::uint16_t, std::string> ServeLocalHttp(const std::string& address, std::uint16_t port, Router router);
  ~Server();

  std::uint16_t port() const;
  // Open HTTP and WebSocket connections right now (any thread).
  int connections() const;
  // Serves until a termination signal, then shuts down. Returns 0 after a clean shutdown,
  // 1 when connections were still open at the deadline.
  int Run();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace haven::net
