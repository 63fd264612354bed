// Haven's runtime configuration: one plain struct per TOML section.
//
// Every field has exactly one definition, in config_schema.cc: its TOML name, its default
// (the initialiser here), its allowed range and its documentation. ops/haven.example.toml
// lists every field with its default and a test keeps the two in step.
//
// Values are read once at start-up and never change; the struct is copied freely.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace haven {

struct ServerSettings {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 8080;                 // 0 picks a free port (tests)
  int event_loop_threads = 1;                // threads that own sockets and the core
  int worker_threads = 2;                    // threads for blocking work (Argon2id, synced writes)
  int max_connections = 10000;               // HTTP + WebSocket, across all event loops
  std::chrono::milliseconds shutdown_deadline{10000};
  std::string data_dir;                      // required by `haven serve`
  bool operator==(const ServerSettings&) const = default;
};

struct HttpSettings {
  std::uint32_t header_limit_bytes = 8192;   // request line + headers; beyond it: 431
  std::uint32_t body_limit_bytes = 16384;    // request body; beyond it: 413
  std::chrono::milliseconds request_timeout{10000};     // to read one whole request
  std::chrono::milliseconds keep_alive_timeout{30000};  // idle between requests
  std::string static_dir;                    // built browser apps; empty = the build's own
  bool operator==(const HttpSettings&) const = default;
};

struct WebSocketSettings {
  std::vector<std::string> allowed_origins = {"http://localhost:8080", "http://127.0.0.1:8080"};
  std::uint32_t read_message_max_bytes = 8192;    // larger message: close 1009
  std::uint32_t outbound_queue_frames = 256;      // per connection; full queue: close 1013
  std::uint32_t outbound_queue_bytes = 262144;
  std::chrono::milliseconds handshake_timeout{5000};
  std::chrono::milliseconds idle_timeout{60000};  // no traffic nor pong for this long: closed
  bool operator==(const WebSocketSettings&) const = default;
};

struct LogSettings {
  std::string level = "info";                // debug | info | warn | error
  std::uint32_t queue_size = 8192;           // async queue; when full the oldest line is dropped
  std::string file;                          // empty = standard error
  bool operator==(const LogSettings&) const = default;
};

struct StorageSettings {
  std::string key_dir;                              // required by `haven serve`; never inside server.data_dir
  std::uint32_t session_ttl_seconds = 43200;        // console sessions: 12 h
  std::uint32_t ticket_ttl_seconds = 60;            // single-use WebSocket tickets
  std::uint32_t conversation_retention_days = 90;   // conversation metadata; older epoch keys are destroyed
  std::uint32_t stats_retention_days = 1826;        // aggregate statistics: 5 years
  std::uint32_t audit_retention_days = 365;         // audit log entries
  std::uint32_t compaction_interval_seconds = 3600; // how often expired bytes are compacted away
  bool operator==(const StorageSettings&) const = default;
};

struct TestingSettings {
  bool diagnostic_endpoints = false;         // /ws/diag echo endpoint; never in production
  bool operator==(const TestingSettings&) const = default;
};

struct Config {
  ServerSettings server;
  HttpSettings http;
  WebSocketSettings websocket;
  LogSettings log;
  StorageSettings storage;
  TestingSettings testing;
  bool operator==(const Config&) const = default;
};

}  // namespace haven
