// haven-bench: the real `haven serve` under load from clients that speak the real protocol,
// with real end-to-end encryption on both ends. See README, Performance, for how to run it
// and what it measured. Loopback only; every mode is bounded in connections and time.
#include <CLI/CLI.hpp>

#include <iostream>

#include "bench/modes.h"
#include "bench/process_probe.h"
#include "crypto/secret_bytes.h"

int main(int argc, char** argv) {
  using namespace haven::bench;
  CLI::App app{"haven-bench: load the real Haven server over loopback and report throughput, latency, CPU and memory"};
  app.require_subcommand(1);
  ServerChoice server_choice;
  Pinning& pinning = server_choice.pinning;
  bool no_pin = false;
  app.add_option("--haven", server_choice.binary, "The haven executable to load (default: this build's)");
  app.add_flag("--no-pin", no_pin, "Do not pin the server and the generator to separate cores");
  app.add_option("--server-cpu", pinning.server_cpu, "Core for the server")->capture_default_str();
  app.add_option("--generator-cpu", pinning.generator_cpu, "Core for the load generator")->capture_default_str();

  RelayOptions relay;
  std::size_t relay_connections = 0;
  auto* relay_command = app.add_subcommand("relay", "N chats relaying texts: closed loop, or --rate frames a second");
  relay_command->add_option("--chats", relay.fleet.chats, "Chats (visitor/counselor pairs)")->capture_default_str();
  relay_command->add_option("--connections", relay_connections,
                            "Instead of --chats: as many chats as fit in this many connections, counselors included");
  relay_command->add_option("--chats-per-counselor", relay.fleet.chats_per_counselor, "1..16")->capture_default_str();
  relay_command->add_option("--messages", relay.messages, "Closed loop: round trips per chat")->capture_default_str();
  relay_command->add_option("--size", relay.fleet.text_size, "Bytes of text per message")->capture_default_str();
  relay_command->add_option("--rate", relay.rate, "Open loop: relayed frames a second (texts and acks)");
  relay_command->add_option("--seconds", relay.seconds, "Open loop: duration")->capture_default_str();

  IdleOptions idle;
  auto* idle_command = app.add_subcommand("idle", "K idle visitor connections: server memory per connection");
  idle_command->add_option("--connections", idle.connections, "Visitor connections")->capture_default_str();

  QueueOptions queue;
  auto* queue_command = app.add_subcommand("queue", "Waiting visitors served in order: cost of the queue and its position updates");
  queue_command->add_option("--visitors", queue.visitors, "Waiting visitors")->capture_default_str();
  queue_command->add_option("--hold-seconds", queue.hold_seconds, "Time measured with the queue full")->capture_default_str();
  queue_command->add_option("--hold-rate", queue.hold_rate, "Chats taken a second while holding")->capture_default_str();

  ConnectOptions connect;
  auto* connect_command = app.add_subcommand("connect", "New visitor connections a second (connect, welcome, close)");
  connect_command->add_option("--connections", connect.connections, "Connections in all")->capture_default_str();
  connect_command->add_option("--concurrency", connect.concurrency, "Connections in progress at once")->capture_default_str();
  connect_command->add_flag("--join", connect.join, "Each visitor also joins the queue and leaves (three synced writes)");

  LoginBurstOptions burst;
  auto* burst_command = app.add_subcommand("login-burst", "Chat latency at a fixed rate, without and with a burst of logins");
  burst_command->add_option("--chats", burst.fleet.chats, "Chats")->capture_default_str();
  burst_command->add_option("--rate", burst.rate, "Relayed frames a second")->capture_default_str();
  burst_command->add_option("--seconds", burst.seconds, "Duration of each phase")->capture_default_str();
  burst_command->add_option("--logins", burst.logins, "Counselor logins in the burst")->capture_default_str();

  AbuseOptions abuse;
  auto* abuse_command = app.add_subcommand("abuse", "Chats and a counselor while a login storm, a join flood and a connection flood run");
  abuse_command->add_option("--chats", abuse.fleet.chats, "Chats")->capture_default_str();
  abuse_command->add_option("--rate", abuse.rate, "Relayed frames a second")->capture_default_str();
  abuse_command->add_option("--seconds", abuse.seconds, "Duration of each traffic phase")->capture_default_str();
  abuse_command->add_option("--storm-rate", abuse.storm_rate, "Dropped logins a second")->capture_default_str();
  abuse_command->add_option("--flood-joins", abuse.flood_joins, "Joins from one IPv6 /64")->capture_default_str();
  abuse_command->add_option("--flood-connections", abuse.flood_connections, "Idle connections from one address")->capture_default_str();
  abuse_command->add_option("--botnet-joins", abuse.botnet_joins, "Joins from as many networks, against the client puzzle")->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  pinning.enabled = !no_pin;
  if (!haven::crypto::InitSodium()) {
    std::cerr << "haven-bench: libsodium could not initialise\n";
    return 2;
  }
  long files = RaiseFileLimit();
  std::cout << "haven-bench: open-file limit " << files << " (the server inherits it)\n";
  if (relay_connections > 0) {
    // chats + ceil(chats / per_counselor) <= connections
    auto per = static_cast<std::size_t>(std::max(1, relay.fleet.chats_per_counselor));
    relay.fleet.chats = relay_connections * per / (per + 1);
  }
  try {
    if (*relay_command) return RunRelay(relay, server_choice);
    if (*idle_command) return RunIdle(idle, server_choice);
    if (*queue_command) return RunQueue(queue, server_choice);
    if (*connect_command) return RunConnect(connect, server_choice);
    if (*burst_command) return RunLoginBurst(burst, server_choice);
    if (*abuse_command) return RunAbuse(abuse, server_choice);
  } catch (const std::exception& failure) {
    std::cerr << "haven-bench: " << failure.what() << "\n";
    return 2;
  }
  return 2;
}
