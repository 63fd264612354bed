#include "bench/bench_server.h"

#include <sodium.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <mutex>
#include <iostream>
#include <regex>
#include <stdexcept>
#include <thread>

#include "crypto/bytes.h"
#include "tests/integration/support/http_client.h"

namespace haven::bench {
namespace {

std::string RandomToken() {
  std::array<std::uint8_t, 24> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return crypto::ToHex(bytes);
}

std::map<std::string, std::string> Compose(const std::map<std::string, std::string>& extra, const std::string& token) {
  std::map<std::string, std::string> settings = LoadSettings();
  settings["metrics.token"] = "\"" + token + "\"";
  for (const auto& [key, value] : extra) settings[key] = value;
  return settings;
}

// Runs `work(i)` for i in [0, count) on `threads` threads; rethrows the first failure.
template <typename Work>
void InParallel(std::size_t count, int threads, Work work) {
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(threads, 1); ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) {
        try {
          work(i);
        } catch (...) {
          std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
        }
      }
    });
  }
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

const std::map<std::string, std::string>& LoadSettings() {
  // Everything else keeps the shipped default (ops/haven.example.toml).
  static const std::map<std::string, std::string> settings = {
      // One process holds every connection of the run (the file limit here is 20,000).
      {"server.max_connections", "100000"},
      // Every visitor of a run comes from the loopback network: the per-network join limit
      // (30 a minute) would refuse all but the first few.
      {"helpline.visitor_connections_per_minute", "1000000"},
      // Likewise the per-network connection and WebSocket caps, and the counselors' logins.
      {"server.max_connections_per_network", "1000000"},
      {"websocket.max_per_network", "1000000"},
      {"helpline.max_waiting_per_network", "100000"},
      // Hundreds of joins in seconds are join pressure; the abuse mode measures puzzles itself.
      {"helpline.puzzle_solutions", "0"},
      {"auth.login_attempts_per_minute", "10000"},
      // A closed loop sends as fast as the server answers: far above a person's 50 frames a
      // second per visitor and 200 per counselor.
      {"helpline.visitor_frames_per_second", "100000"},
      {"helpline.counselor_frames_per_second", "100000"},
      // Counselors taking, ending and accepting thousands of chats.
      {"helpline.control_messages_per_second", "10000"},
      // The queue mode holds 10,000 waiting visitors (default limit 200).
      {"helpline.max_queue_length", "100000"},
      {"testing.diagnostic_endpoints", "false"},
  };
  return settings;
}

BenchServer::BenchServer(const std::map<std::string, std::string>& extra, const ServerChoice& choice)
    : metrics_token_(RandomToken()),
      settings_(Compose(extra, metrics_token_)),
      process_(settings_, choice.binary),
      pinning_(choice.pinning),
      binary_(choice.binary.empty() ? "this build's haven" : choice.binary) {}

std::string BenchServer::Description() const {
  return "server: " + binary_ + (pinned_ ? ", pinned to core " + std::to_string(pinning_.server_cpu) +
                                               ", the generator to core " + std::to_string(pinning_.generator_cpu)
                                         : ", not pinned");
}

Accounts BenchServer::Enrol(std::size_t count, int max_chats, const std::string& prefix, int threads) {
  Accounts accounts(count);
  InParallel(count, threads, [&](std::size_t i) {
    accounts[i] = testing::EnrolCounselor(process_, prefix + "-" + std::to_string(i + 1), "counselor", max_chats,
                                          testing::AdminRoute::kAdminSocket);
  });
  return accounts;
}

std::vector<std::string> BenchServer::LogIn(Accounts& accounts, int threads) {
  std::vector<std::string> cookies(accounts.size());
  InParallel(accounts.size(), threads, [&](std::size_t i) {
    auto session = testing::LogIn(process_.port(), *accounts[i]);
    if (!session) throw std::runtime_error("login failed for " + accounts[i]->handle);
    cookies[i] = session->cookie;
  });
  return cookies;
}

std::vector<std::string> BenchServer::Tickets(const std::vector<std::string>& cookies) {
  std::vector<std::string> tickets;
  tickets.reserve(cookies.size());
  for (const auto& cookie : cookies) {
    auto ticket = testing::MintTicket(process_.port(), cookie);
    if (!ticket) throw std::runtime_error("no ticket");
    tickets.push_back(std::move(*ticket));
  }
  return tickets;
}

bool BenchServer::Pin() {
  if (!pinning_.enabled) return false;
  if (AvailableCpus() <= std::max(pinning_.server_cpu, pinning_.generator_cpu)) {
    std::cerr << "haven-bench: not enough CPUs to pin the server and the generator apart; running unpinned\n";
    return false;
  }
  bool server = PinProcess(process_.pid(), pinning_.server_cpu);
  bool self = PinProcess(0, pinning_.generator_cpu);
  if (!server || !self) std::cerr << "haven-bench: pinning failed; the numbers are not comparable\n";
  pinned_ = server && self;
  return pinned_;
}

ProcessSample BenchServer::Sample() const {
  auto sample = SampleProcess(process_.pid());
  if (!sample) throw std::runtime_error("the server process is gone");
  return *sample;
}

std::uint64_t BenchServer::RelayedFrames() const {
  auto reply = testing::HttpGet(process_.port(), "/metrics", "Authorization: Bearer " + metrics_token_ + "\r\n");
  if (!reply || reply->status != 200) return 0;
  static const std::regex kSample(R"(haven_relay_frames_total\{direction="[a-z_]+"\} (\d+))");
  std::uint64_t total = 0;
  for (std::sregex_iterator it(reply->body.begin(), reply->body.end(), kSample), end; it != end; ++it) {
    total += std::stoull((*it)[1]);
  }
  return total;
}

}  // namespace haven::bench
