// The benchmark's modes, one file each. Every mode starts its own server (bench_server.h),
// prints one report (report.h) and returns the process exit code: 0 when every correctness
// check passed (targets may still be missed), 1 when one failed, 2 when the run could not
// be set up.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bench/bench_server.h"
#include "bench/chat_fleet.h"

namespace haven::bench {

struct RelayOptions {
  FleetOptions fleet;
  std::uint32_t messages = 200;  // closed loop: round trips per chat
  double rate = 0;               // relayed frames a second; 0 = closed loop
  double seconds = 10;           // open loop: how long
};
int RunRelay(const RelayOptions& options, const ServerChoice& server_choice);

struct IdleOptions {
  std::size_t connections = 10000;
  double settle_seconds = 3;
};
int RunIdle(const IdleOptions& options, const ServerChoice& server_choice);

struct QueueOptions {
  std::size_t visitors = 10000;
  double hold_seconds = 10;  // 10,000 waiting while a counselor takes chats at hold_rate
  double hold_rate = 2;      // chats taken a second while holding: every take moves everyone
};
int RunQueue(const QueueOptions& options, const ServerChoice& server_choice);

struct ConnectOptions {
  std::size_t connections = 50000;
  bool join = false;  // each visitor also joins the queue and leaves it again
  std::size_t concurrency = 256;
  int source_addresses = 64;  // 127.0.0.1 .. 127.0.0.N: more port space for the client side
};
int RunConnect(const ConnectOptions& options, const ServerChoice& server_choice);

struct LoginBurstOptions {
  FleetOptions fleet;
  double rate = 20000;  // relayed frames a second, with and without the burst
  double seconds = 8;
  std::size_t logins = 32;
};
int RunLoginBurst(const LoginBurstOptions& options, const ServerChoice& server_choice);

struct AbuseOptions {
  // 400 chats: 25 counselors, whose consoles all come from one network here, stay under
  // websocket.max_per_network (50) as an office's would.
  FleetOptions fleet{.chats = 400};
  double rate = 2000;             // relayed frames a second while the attacks run
  double seconds = 5;             // each traffic phase
  double storm_rate = 100;        // dropped logins a second, from random addresses through the proxy
  std::size_t flood_joins = 200;  // joins from one IPv6 /64, each dropped after its answer
  std::size_t flood_connections = 400;  // idle connections from one address
  std::size_t botnet_joins = 150;       // joins from as many networks, against the shipped puzzle
};
// Chats running while an abuser attacks: a login storm, a join flood from one network and a
// connection flood from one address, each against the shipped per-network defaults; then a
// join flood from many networks against the shipped client puzzle (its own server).
int RunAbuse(const AbuseOptions& options, const ServerChoice& server_choice);

}  // namespace haven::bench
