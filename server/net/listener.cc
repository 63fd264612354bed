#include "server/net/listener.h"

#include <algorithm>
#include <chrono>

#include "server/log/log.h"
#include "server/net/http_session.h"
#include "server/net/spawn.h"

namespace haven::net {
namespace {

constexpr std::string_view kBusyResponse =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 34\r\n"
    "Retry-After: 5\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nserver is at its connection limit\n";

constexpr std::string_view kNetworkBusyResponse =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 38\r\n"
    "Retry-After: 5\r\nCache-Control: no-store\r\nConnection: close\r\n\r\ntoo many connections from one network\n";

template <typename AnySocket>
void RefuseBusy(AnySocket& socket, std::string_view response = kBusyResponse) {
  beast::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.send(asio::buffer(response), 0, ignored);
  socket.close(ignored);
}

}  // namespace

Listener::Listener(Acceptor& acceptor, std::span<std::unique_ptr<EventLoop>> loops, ServerState& state)
    : acceptor_(acceptor), loops_(loops), state_(state) {}

Task<void> Listener::Run() {
  Timer backoff(acceptor_.get_executor());
  while (acceptor_.is_open()) {
    // A TLS session cannot move between event loops, and a WebSocket must end up on the home
    // loop: TLS connections start there. Plain ones are spread and moved on upgrade.
    EventLoop& loop = state_.tls ? *state_.home_loop : *loops_[next_loop_];
    next_loop_ = (next_loop_ + 1) % loops_.size();
    auto [ec, socket] = co_await acceptor_.async_accept(loop.executor(), kUseTask);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
      log::Warn("listener.accept_failed", {{"error", ec.value()}});
      // Out of descriptors or memory: pause rather than spin on the same error.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kUseTask);
      continue;
    }
    const ServerSettings& limits = state_.config.server;
    ConnectionSlot slot = ConnectionSlot::TryAcquire(state_.connections, limits.max_connections);
    if (!slot || state_.stopping.load()) {
      log::Info("listener.connection_refused", {{"reason", slot ? "stopping" : "connection_limit"}});
      RefuseBusy(socket);
      continue;
    }
    // At most a tenth of the budget is kept for counselors, so that a small max_connections is
    // not all reserve.
    int reserve = std::min(limits.counselor_reserved_connections, limits.max_connections / 10);
    slot.reserved = state_.connections.load(std::memory_order_relaxed) > limits.max_connections - reserve;
    beast::error_code remote_error;
    auto remote = socket.remote_endpoint(remote_error);
    bool proxy = !remote_error && std::ranges::find(state_.trusted_proxies, remote.address()) != state_.trusted_proxies.end();
    if (!remote_error && !proxy) {
      slot.network = NetworkSlot::TryAcquire(state_.connections_per_network, NetworkKeyOf(state_, remote.address()),
                                             limits.max_connections_per_network);
      if (!slot.network) {
        log::Info("listener.connection_refused", {{"reason", "network_limit"}});
        RefuseBusy(socket, kNetworkBusyResponse);
        continue;
      }
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session = std::make_shared<HttpSession>(Socket(std::move(socket)), loop, state_, std::move(slot));
    Spawn(loop.executor(), "http_session", [session] { return session->Run(); });
  }
}

}  // namespace haven::net
