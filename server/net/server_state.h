// What all connections of one server share, and what each event loop owns.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "server/config/config.h"
#include "server/net/asio.h"
#include "server/net/connections.h"
#include "server/net/router.h"
#include "server/net/tls_context.h"

namespace haven::net {

struct EventLoop;

// Shared by every thread; immutable but for the atomics.
struct ServerState {
  Config config;
  Router router;
  AddressKeyer address_keyer;
  std::vector<asio::ip::address> trusted_proxies;  // from config.http.trusted_proxies
  // Native TLS: what every new connection presents. Null: plain HTTP (a proxy terminates TLS).
  std::shared_ptr<TlsCredentials> tls;
  // WebSocket sessions all live on this loop, with the helpline they talk to: relaying a
  // frame between two sockets then never crosses threads.
  EventLoop* home_loop = nullptr;
  std::atomic<bool> stopping{false};
  std::atomic<int> connections{0};
  NetworkCounts connections_per_network;  // server.max_connections_per_network
  NetworkCounts websockets_per_network;   // websocket.max_per_network
};

// The network a peer's address belongs to, as a ClientKey: an IPv4 address, or the IPv6 prefix
// of server.ipv6_network_prefix bits (one household or phone gets a whole /64).
ClientKey NetworkKeyOf(const ServerState& state, const asio::ip::address& address);

// One io_context, run by one thread, owning the sockets assigned to it.
struct EventLoop {
  ConnectionRegistry registry;  // declared first: sessions unregister while `io` is destroyed
  asio::io_context io{1};       // concurrency hint 1: this context is only ever run by one thread
  Executor executor() { return io.get_executor(); }
};

}  // namespace haven::net
