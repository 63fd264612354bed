// connect: new visitor connections as fast as they come, `concurrency` at a time. Each
// connects, upgrades and is welcomed, then closes (a close frame, answered by the server's);
// with --join it first joins the queue and leaves it again, and the server closes.
#include <boost/asio/post.hpp>

#include <unistd.h>

#include <iostream>

#include "bench/bench_visitor.h"
#include "bench/duty_counselor.h"
#include "bench/latency_histogram.h"
#include "bench/modes.h"
#include "bench/report.h"
#include "bench/run_until.h"
#include "bench/stamped_text.h"

namespace haven::bench {
namespace {

class Arrivals final : public BenchVisitor::Events {
 public:
  Arrivals(asio::io_context& io, ServerAddress server, const ConnectOptions& options)
      : io_(io), server_(std::move(server)), options_(options) {}

  void Start() {
    for (std::size_t i = 0; i < options_.concurrency; ++i) Next();
  }
  std::size_t done() const { return completed_ + failed_; }
  std::size_t completed() const { return completed_; }
  std::size_t failed() const { return failed_; }
  const LatencyHistogram& to_welcome() const { return to_welcome_; }
  const LatencyHistogram& to_joined() const { return to_joined_; }
  const LatencyHistogram& whole_visit() const { return whole_visit_; }

  void OnWelcome(BenchVisitor& visitor) override {
    to_welcome_.Record(MonotonicNanos() - started_[visitor.id()]);
    if (options_.join) {
      visitor.Join();
    } else {
      visitor.Close();
    }
  }
  void OnJoined(BenchVisitor& visitor) override {
    to_joined_.Record(MonotonicNanos() - started_[visitor.id()]);
    visitor.Leave();
  }
  void OnClosed(BenchVisitor& visitor, std::optional<std::uint16_t> code) override {
    if (code == 1000 && (visitor.joined() || !options_.join)) {
      ++completed_;
      whole_visit_.Record(MonotonicNanos() - started_[visitor.id()]);
    } else {
      ++failed_;
    }
    // Not destroyed inside its own callback.
    asio::post(io_, [this, id = visitor.id()] {
      live_.erase(id);
      Next();
    });
  }

 private:
  void Next() {
    if (launched_ >= options_.connections) return;
    std::size_t id = launched_++;
    auto visitor = std::make_unique<BenchVisitor>(id, *this);
    started_.push_back(MonotonicNanos());
    auto source = asio::ip::address_v4(0x7F000001u + static_cast<std::uint32_t>(id % static_cast<std::size_t>(options_.source_addresses)));
    visitor->Connect(io_, server_, source);
    live_.emplace(id, std::move(visitor));
  }

  asio::io_context& io_;
  ServerAddress server_;
  const ConnectOptions& options_;
  std::unordered_map<std::size_t, std::unique_ptr<BenchVisitor>> live_;
  std::vector<std::int64_t> started_;
  std::size_t launched_ = 0, completed_ = 0, failed_ = 0;
  LatencyHistogram to_welcome_, to_joined_, whole_visit_;
};

// Waits until the server's CPU use falls below 5% of a core (its storage writes are done).
ProcessSample AfterSettling(BenchServer& server, asio::io_context& io) {
  ProcessSample last = server.Sample();
  for (int i = 0; i < 150; ++i) {
    RunFor(io, std::chrono::milliseconds(200));
    ProcessSample now = server.Sample();
    if (CoresUsed(last, now) < 0.05) return now;
    last = now;
  }
  return last;
}

}  // namespace

int RunConnect(const ConnectOptions& options, const ServerChoice& server_choice) {
  BenchServer server({}, server_choice);
  asio::io_context io{1};
  BenchCounselor::Events ignore;
  DutyCounselor duty(io, server, 1, ignore);
  server.Pin();
  duty.Connect("away");

  Arrivals arrivals(io, server.address(), options);
  ProcessSample before = server.Sample();
  ProcessSample generator_before = *SampleProcess(static_cast<int>(::getpid()));
  ProcessSample machine_before = SampleMachine();
  auto started = std::chrono::steady_clock::now();
  arrivals.Start();
  bool finished = RunUntil(io, [&] { return arrivals.done() >= options.connections; }, std::chrono::seconds(110));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ProcessSample at_end = server.Sample();
  ProcessSample generator_end = *SampleProcess(static_cast<int>(::getpid()));
  ProcessSample machine_end = SampleMachine();
  ProcessSample settled = AfterSettling(server, io);

  double rate = static_cast<double>(arrivals.completed()) / seconds;
  auto per_visit = [&](const ProcessSample& sample) {
    return static_cast<double>((sample.cpu - before.cpu).count()) / static_cast<double>(std::max<std::size_t>(arrivals.completed(), 1));
  };
  Report report("connect: " + Count(static_cast<double>(options.connections)) +
                (options.join ? " visits (connect, join, leave), " : " connections (connect, welcome, close), ") +
                std::to_string(options.concurrency) + " at a time");
  if (options.join) {
    report.Value("visits/s", Count(rate) + " (the 25,000/s target is for connections; see the run without --join)");
  } else {
    report.Target("new visitor connections/s", rate, true, 25000, Count(rate), "25,000");
  }
  report.Latency("connect to welcome p50 / p99 / p99.9", arrivals.to_welcome());
  if (options.join) report.Latency("connect to joined p50 / p99 / p99.9", arrivals.to_joined());
  report.Latency("connect to closed p50 / p99 / p99.9", arrivals.whole_visit());
  report.Value("server CPU per visit", Fixed(per_visit(at_end), 1) + " µs during the run, " + Fixed(per_visit(settled), 1) +
                                           " µs with the storage writes finished after it");
  report.Value("server CPU during the run", Fixed(CoresUsed(before, at_end) * 100, 0) + "% of a core");
  report.Value("server RSS", Megabytes(settled.rss_bytes));
  double generator_cores = CoresUsed(generator_before, generator_end);
  report.Value("generator CPU", Fixed(generator_cores * 100, 0) + "% of a core");
  double server_cores = CoresUsed(before, at_end);
  if (generator_cores > 0.9 && server_cores < 0.9) {
    report.Note("the load generator used its whole core before the server did: at " + Fixed(per_visit(settled), 1) +
                " µs of server CPU each, one server core could take about " + Count(1e6 / per_visit(settled)) + "/s");
  }
  report.Check("every visit completed", finished && arrivals.completed() == options.connections,
               std::to_string(arrivals.completed()) + " completed, " + std::to_string(arrivals.failed()) + " failed");
  if (options.join) {
    report.Note("a visit: TCP connect, WebSocket upgrade, welcome, join, joined (plus its queue position), leave, the "
                "server's close; each join and leave is a synced conversation record (and the leave a synced statistics "
                "record), written in order by the server's one storage thread");
  } else {
    report.Note("a connection: TCP connect, WebSocket upgrade (the server keys the client's address), welcome (the org's "
                "trust material, about 1.5 KB), close handshake, TCP close");
  }
  report.OtherLoad(CoresUsed(machine_before, machine_end) - CoresUsed(before, at_end) -
                   CoresUsed(generator_before, generator_end));
  report.Settings(server.settings());
  report.Note(server.Description());
  report.Print(std::cout);
  return report.failed() ? 1 : 0;
}

}  // namespace haven::bench
