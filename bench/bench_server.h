// The server under test and its staff. Starts the real `haven serve` of this build
// (testing::ServerProcess: a temporary data directory, a test organisation) with the limits a
// load test needs raised (kLoadSettings, printed with every report), enrols counselors through
// the console API, logs them in, mints their tickets, pins the processes to their cores and
// reads the server's CPU time, memory and relay counters.
//
// Set-up runs before pinning and may use both cores; measurements run pinned.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/process_probe.h"
#include "bench/ws_connection.h"
#include "tests/integration/support/console_api.h"
#include "tests/integration/support/server_process.h"

namespace haven::bench {

using Accounts = std::vector<std::unique_ptr<testing::CounselorAccount>>;

// What every benchmark run changes in the server's config, and why.
const std::map<std::string, std::string>& LoadSettings();

struct Pinning {
  bool enabled = true;
  int server_cpu = 0;
  int generator_cpu = 1;
};

// Which server runs and where.
struct ServerChoice {
  Pinning pinning;
  std::string binary;  // the haven executable; empty: this build's
};

class BenchServer {
 public:
  // Starts the server with LoadSettings() overridden by `extra` ("section.key" -> TOML value).
  BenchServer(const std::map<std::string, std::string>& extra, const ServerChoice& choice);

  ServerAddress address() const { return {process_.port(), std::string(testing::kTestOrigin)}; }
  testing::ServerProcess& process() { return process_; }
  // Which binary runs, and how the processes were pinned, for the report.
  std::string Description() const;
  // Every setting that differs from the shipped defaults, for the report.
  const std::map<std::string, std::string>& settings() const { return settings_; }

  // Enrols `count` counselors holding up to `max_chats` chats each, `threads` at a time (the
  // Argon2id of enrolment dominates: about 0.14 s of CPU per counselor, on both sides; more
  // threads than cores keep both busy while requests wait). Handles are "<prefix>-<n>".
  // Throws if any enrolment fails.
  Accounts Enrol(std::size_t count, int max_chats, const std::string& prefix, int threads = 4);
  // Logs every account in (Argon2id on the server, `threads` at a time); the session cookies
  // in the same order. Throws if any login fails.
  std::vector<std::string> LogIn(Accounts& accounts, int threads = 4);
  // A fresh single-use ticket per cookie (valid for storage.ticket_ttl_seconds: connect soon).
  std::vector<std::string> Tickets(const std::vector<std::string>& cookies);

  // Pins the server to its core and this process to the other. Returns false (and says why on
  // standard error) when pinning is off or impossible.
  bool Pin();
  ProcessSample Sample() const;
  // The server's haven_relay_frames_total (both directions), read from /metrics.
  std::uint64_t RelayedFrames() const;

 private:
  std::string metrics_token_;  // before settings_, which holds it
  std::map<std::string, std::string> settings_;
  testing::ServerProcess process_;
  Pinning pinning_;
  std::string binary_;
  bool pinned_ = false;
};

}  // namespace haven::bench
