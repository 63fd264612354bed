// queue: V visitors join and wait; a counselor then takes them through the server's offers,
// first slowly (every take moves everyone up: the position updates this causes are what is
// measured), then as fast as it can. Checks that they were served in the order they joined and
// that nobody's position ever went up.
#include <boost/asio/basic_waitable_timer.hpp>

#include <unistd.h>

#include <iostream>
#include <unordered_map>

#include "bench/bench_visitor.h"
#include "bench/duty_counselor.h"
#include "bench/modes.h"
#include "bench/report.h"
#include "bench/run_until.h"

namespace haven::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor>;

class QueueRun final : public BenchVisitor::Events, public BenchCounselor::Events {
 public:
  QueueRun(asio::io_context& io, ServerAddress server) : io_(io), server_(std::move(server)), pace_(io.get_executor()) {}

  void Open(std::size_t count, std::size_t concurrency) {
    target_ = count;
    concurrency_ = concurrency;
    visitors_.reserve(count);
    state_.resize(count);
    More();
  }
  // Offers are accepted one per `interval`, or at once when zero.
  void Pace(std::chrono::microseconds interval) { interval_ = interval; }

  std::size_t placed() const { return placed_; }
  std::size_t served() const { return served_order_.size(); }
  std::uint64_t updates() const { return updates_; }
  std::size_t refused() const { return refused_; }
  const std::string& failure() const { return failure_; }

  // Served in join order: the n-th chat assigned is the one that was n-th in the queue.
  bool InOrder(std::string& detail) const {
    for (std::size_t n = 0; n < served_order_.size(); ++n) {
      auto it = by_chat_.find(served_order_[n]);
      if (it == by_chat_.end()) {
        detail = "an assigned chat belongs to no visitor";
        return false;
      }
      const Visitor& visitor = state_[it->second];
      if (visitor.first_position != n + 1) {
        detail = "the " + std::to_string(n + 1) + "th chat served had joined at position " +
                 std::to_string(visitor.first_position);
        return false;
      }
    }
    return true;
  }
  // Every visitor told it was assigned once, and positions that never went up.
  bool Consistent(std::string& detail) const {
    for (std::size_t i = 0; i < state_.size(); ++i) {
      if (state_[i].assigned != 1 || state_[i].position_rose) {
        detail = "visitor " + std::to_string(i) + ": assigned " + std::to_string(state_[i].assigned) + " times" +
                 (state_[i].position_rose ? ", and its position went up" : "");
        return false;
      }
    }
    return true;
  }

  // BenchVisitor::Events
  void OnWelcome(BenchVisitor& visitor) override { visitor.Join(); }
  void OnJoined(BenchVisitor& visitor) override { by_chat_[visitor.chat()] = visitor.id(); }
  void OnPosition(BenchVisitor& visitor, std::size_t position) override {
    Visitor& state = state_[visitor.id()];
    if (state.first_position == 0) {
      state.first_position = position;
      ++placed_;
      --connecting_;
      More();
    } else {
      ++updates_;
      if (position > state.last_position) state.position_rose = true;
    }
    state.last_position = position;
  }
  void OnRefused(BenchVisitor&, std::string_view reason) override {
    ++refused_;
    if (failure_.empty()) failure_ = "a visitor was refused: " + std::string(reason);
  }
  void OnAssigned(BenchVisitor& visitor) override { ++state_[visitor.id()].assigned; }

  // BenchCounselor::Events
  void OnOffer(BenchCounselor& counselor, const core::ChatId& chat) override {
    if (interval_.count() == 0) {
      counselor.AnswerOffer(chat, true);
      return;
    }
    auto at = std::max(Clock::now(), next_accept_);
    next_accept_ = at + interval_;
    pace_.expires_at(at);
    pace_.async_wait([&counselor, chat, this](const boost::system::error_code& ec) {
      if (!ec) counselor.AnswerOffer(chat, true);
      else pending_offer_ = chat;  // Pace(0) cancelled the wait: answer now
    });
  }
  void OnAssigned(BenchCounselor& counselor, const core::ChatId& chat) override {
    served_order_.push_back(chat);
    counselor.End(chat);
  }
  void OnRejected(BenchCounselor&, std::string_view code) override {
    if (failure_.empty()) failure_ = "the counselor was refused: " + std::string(code);
  }
  void OnClosed(BenchCounselor&, std::optional<std::uint16_t> code) override {
    if (failure_.empty()) failure_ = "the counselor's connection ended (code " + (code ? std::to_string(*code) : "none") + ")";
  }

  // Stops pacing and answers an offer that was waiting for its slot.
  void Unpace(BenchCounselor& counselor) {
    interval_ = std::chrono::microseconds(0);
    pace_.cancel();
    io_.poll();
    if (pending_offer_) {
      counselor.AnswerOffer(*pending_offer_, true);
      pending_offer_.reset();
    }
  }

 private:
  struct Visitor {
    std::size_t first_position = 0;
    std::size_t last_position = 0;
    int assigned = 0;
    bool position_rose = false;
  };
  void More() {
    while (connecting_ < concurrency_ && visitors_.size() < target_) {
      visitors_.push_back(std::make_unique<BenchVisitor>(visitors_.size(), *this));
      visitors_.back()->Connect(io_, server_, asio::ip::address_v4::loopback());
      ++connecting_;
    }
  }

  asio::io_context& io_;
  ServerAddress server_;
  std::vector<std::unique_ptr<BenchVisitor>> visitors_;
  std::vector<Visitor> state_;
  std::unordered_map<core::ChatId, std::size_t, core::ChatIdHash> by_chat_;
  std::vector<core::ChatId> served_order_;
  std::size_t target_ = 0, concurrency_ = 1, connecting_ = 0, placed_ = 0, refused_ = 0;
  std::uint64_t updates_ = 0;
  std::chrono::microseconds interval_{0};
  Clock::time_point next_accept_{};
  Timer pace_;
  std::optional<core::ChatId> pending_offer_;
  std::string failure_;
};

}  // namespace

int RunQueue(const QueueOptions& options, const ServerChoice& server_choice) {
  BenchServer server({}, server_choice);
  asio::io_context io{1};
  QueueRun run(io, server.address());
  DutyCounselor duty(io, server, 16, run);
  server.Pin();
  duty.Connect("away");  // on duty but taking nothing: everyone waits

  ProcessSample before_join = server.Sample();
  auto started = Clock::now();
  run.Open(options.visitors, 256);
  bool placed = RunUntil(io, [&] { return run.placed() + run.refused() >= options.visitors || !run.failure().empty(); },
                         std::chrono::seconds(90));
  double join_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  ProcessSample after_join = server.Sample();

  // Holding: the counselor takes one chat every 1/hold_rate seconds.
  run.Pace(std::chrono::microseconds(static_cast<long>(1e6 / std::max(options.hold_rate, 0.01))));
  duty.counselor().Duty("available");
  std::uint64_t updates_before = run.updates();
  std::size_t served_before = run.served();
  ProcessSample hold_start = server.Sample();
  ProcessSample machine_start = SampleMachine();
  ProcessSample generator_start = *SampleProcess(static_cast<int>(::getpid()));
  RunFor(io, std::chrono::milliseconds(static_cast<long>(options.hold_seconds * 1000)));
  ProcessSample hold_end = server.Sample();
  ProcessSample machine_end = SampleMachine();
  ProcessSample generator_end = *SampleProcess(static_cast<int>(::getpid()));
  std::uint64_t hold_updates = run.updates() - updates_before;
  std::size_t hold_served = run.served() - served_before;

  // Draining: every remaining visitor, as fast as the counselor can take them.
  run.Unpace(duty.counselor());
  std::size_t drain_from = run.served();
  started = Clock::now();
  bool drained = RunUntil(io, [&] { return run.served() >= options.visitors || !run.failure().empty(); },
                          std::chrono::seconds(120));
  double drain_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  ProcessSample drain_end = server.Sample();
  RunFor(io, std::chrono::milliseconds(500));  // the last visitors hear `assigned`

  auto cpu_ms = [](const ProcessSample& a, const ProcessSample& b) {
    return static_cast<double>((b.cpu - a.cpu).count()) / 1000.0;
  };
  double hold_cores = CoresUsed(hold_start, hold_end);
  std::size_t drained_count = run.served() - drain_from;
  Report report("queue: " + Count(static_cast<double>(options.visitors)) + " waiting visitors");
  report.Value("joining", Count(static_cast<double>(run.placed())) + " placed in " + Fixed(join_seconds, 1) + " s, server CPU " +
                              Fixed(cpu_ms(before_join, after_join), 0) + " ms (" +
                              Fixed(cpu_ms(before_join, after_join) * 1000 / static_cast<double>(std::max<std::size_t>(run.placed(), 1)), 0) +
                              " µs a join)");
  report.Value("holding", Fixed(options.hold_seconds, 0) + " s taking " + Fixed(options.hold_rate, 1) + " chats/s: " +
                              std::to_string(hold_served) + " taken, " + Count(static_cast<double>(hold_updates)) +
                              " position updates (" + Count(static_cast<double>(hold_updates) / options.hold_seconds) + "/s)");
  report.Target("server CPU while holding", hold_cores * 100, false, 5, Fixed(hold_cores * 100, 1) + "% of a core", "5%");
  report.Value("draining", Count(static_cast<double>(drained_count)) + " served in " + Fixed(drain_seconds, 1) + " s (" +
                               Count(static_cast<double>(drained_count) / std::max(drain_seconds, 1e-9)) + "/s), server CPU " +
                               Fixed(cpu_ms(hold_end, drain_end), 0) + " ms (" +
                               Fixed(cpu_ms(hold_end, drain_end) * 1000 / static_cast<double>(std::max<std::size_t>(drained_count, 1)), 0) +
                               " µs a visitor served)");
  report.Value("server RSS with the queue full", Megabytes(after_join.rss_bytes));
  std::string detail;
  report.Check("every visitor placed", placed && run.placed() == options.visitors,
               std::to_string(run.placed()) + " placed" + (run.failure().empty() ? "" : "; " + run.failure()));
  report.Check("everyone served", drained && run.served() == options.visitors, std::to_string(run.served()) + " served");
  detail.clear();
  report.Check("served in the order they joined", run.InOrder(detail), detail);
  detail.clear();
  report.Check("each told once it was assigned; no position went up", run.Consistent(detail), detail);
  report.Note("while holding, the CPU includes everything the server did: offers, ends, storage writes, position "
              "updates, the queue overview to the counselor, the once-a-second tick");
  report.OtherLoad(CoresUsed(machine_start, machine_end) - hold_cores - CoresUsed(generator_start, generator_end));
  report.Settings(server.settings());
  report.Note(server.Description());
  report.Print(std::cout);
  return report.failed() ? 1 : 0;
}

}  // namespace haven::bench
