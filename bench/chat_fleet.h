// N chats in progress at once: N visitors and enough counselors to hold them (each up to
// chats_per_counselor), every chat's E2E session up, then traffic through the server in a
// closed loop (each visitor message answered by its counselor, one round trip in flight per
// chat) or an open loop (a fixed rate of messages each way, nobody waiting for anybody).
//
// Every text carries its index and send time (stamped_text.h); the receiver checks that each
// direction of each chat delivers 1, 2, 3, ... exactly once, in order, and records the one-way
// latency (send -> decrypted at the peer, both ends in this process and on one clock).
//
// Runs on the caller's thread, on `io`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/bench_counselor.h"
#include "bench/bench_server.h"
#include "bench/bench_visitor.h"
#include "bench/latency_histogram.h"
#include "bench/process_probe.h"

namespace haven::bench {

struct FleetOptions {
  std::size_t chats = 1000;
  int chats_per_counselor = 16;  // the most a counselor may hold (server/helpline clamps to 16)
  std::size_t text_size = 240;   // bytes of text: padded to 256 before encryption
  std::size_t connect_concurrency = 256;
};

// What one traffic phase measured, between two samples taken with the traffic stopped.
struct TrafficResult {
  LatencyHistogram latency;
  std::uint64_t messages = 0;       // texts delivered, both directions
  std::uint64_t server_frames = 0;  // envelopes the server relayed (its /metrics), acks included
  double seconds = 0;
  ProcessSample server_before, server_after, generator_before, generator_after, machine_before, machine_after;
  std::int64_t worst_lag_ns = 0;  // open loop: how late the generator sent, at worst

  double FramesPerSecond() const { return seconds > 0 ? static_cast<double>(server_frames) / seconds : 0; }
  double ServerMicrosPerFrame() const;
  double ServerCores() const { return CoresUsed(server_before, server_after); }
  double GeneratorCores() const { return CoresUsed(generator_before, generator_after); }
  // CPU used by everything but the server and the generator (other programs on the machine).
  double OtherCores() const {
    return CoresUsed(machine_before, machine_after) - ServerCores() - GeneratorCores();
  }
};

class ChatFleet final : public BenchVisitor::Events, public BenchCounselor::Events {
 public:
  ChatFleet(asio::io_context& io, BenchServer& server, FleetOptions options);
  ~ChatFleet() override;

  // Enrols and logs in the counselors (both cores), pins the processes, connects everyone and
  // waits until every chat is secure. Throws std::runtime_error on failure or timeout.
  void Establish(std::chrono::seconds timeout);

  // Each chat: `messages` visitor texts, each answered by its counselor before the next.
  TrafficResult RunClosedLoop(std::uint32_t messages, std::chrono::seconds timeout);
  // `frames_per_second` relayed envelopes (texts and their acks: two per text), half the texts
  // each way, spread over every chat, for `duration`; then waits for what is in flight.
  // `during` is called once, right after the traffic starts (login-burst starts its logins).
  TrafficResult RunOpenLoop(double frames_per_second, std::chrono::milliseconds duration,
                            const std::function<void()>& during = {});

  // Every text sent so far arrived once and in order (with `detail` saying what did not).
  bool AllDelivered(std::string& detail) const;
  bool AllDelivered() const;
  // The first thing that went wrong (a refusal, a dropped connection), or "".
  const std::string& failure() const { return failure_; }
  std::uint64_t E2eErrors() const;
  std::size_t visitors() const { return visitors_.size(); }
  std::size_t counselors() const { return counselors_.size(); }
  // Runs the io_context until `done()` or the timeout; false on timeout.
  bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

 private:
  enum class Traffic { kNone, kClosedLoop, kOpenLoop };
  enum Direction { kToCounselor = 0, kToVisitor = 1 };
  struct Chat {
    BenchVisitor* visitor = nullptr;
    BenchCounselor* counselor = nullptr;
    core::ChatId id;
    bool secure = false;  // both streams started
    std::uint32_t sent[2] = {0, 0};
    std::uint32_t received[2] = {0, 0};
    std::uint32_t misordered = 0;
  };

  void ConnectMoreVisitors();
  // Waits (serving connections) until the server's CPU use falls below 3% of a core.
  void SettleServer();
  bool SendText(Chat& chat, Direction direction);
  bool SendStamped(Chat& chat, Direction direction, std::int64_t stamp_ns);
  void Deliver(Chat& chat, Direction direction, std::string_view text);
  TrafficResult Begin();
  void Finish(TrafficResult& result, std::chrono::steady_clock::time_point started);

  // BenchVisitor::Events
  void OnWelcome(BenchVisitor& visitor) override { visitor.Join(); }
  void OnJoined(BenchVisitor& visitor) override;
  void OnRefused(BenchVisitor& visitor, std::string_view reason) override;
  void OnText(BenchVisitor& visitor, std::string_view text) override;
  void OnClosed(BenchVisitor& visitor, std::optional<std::uint16_t> code) override;
  // BenchCounselor::Events
  void OnReady(BenchCounselor& counselor) override { counselor.Duty("available"); }
  void OnSecure(BenchCounselor& counselor, const core::ChatId& chat) override;
  void OnText(BenchCounselor& counselor, const core::ChatId& chat, std::string_view text) override;
  void OnClosed(BenchCounselor& counselor, std::optional<std::uint16_t> code) override;

  asio::io_context& io_;
  BenchServer& server_;
  FleetOptions options_;
  Accounts accounts_;
  std::vector<std::unique_ptr<BenchCounselor>> counselors_;
  std::vector<std::unique_ptr<BenchVisitor>> visitors_;
  std::vector<Chat> chats_;  // by visitor id
  std::unordered_map<core::ChatId, std::size_t, core::ChatIdHash> chat_index_;
  std::size_t connecting_ = 0;
  std::size_t secure_chats_ = 0;
  std::string failure_;  // the first thing that went wrong, if anything did

  Traffic traffic_ = Traffic::kNone;
  std::uint32_t closed_loop_messages_ = 0;
  std::size_t closed_loop_done_ = 0;
  LatencyHistogram latency_;
  std::uint64_t delivered_ = 0;
  std::uint64_t frames_before_ = 0;
};

}  // namespace haven::bench
