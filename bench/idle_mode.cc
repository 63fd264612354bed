// idle: K visitor connections that do nothing, first only connected (welcome received), then
// waiting in the queue; the server's resident memory per connection at each stage.
#include <iostream>

#include "bench/bench_visitor.h"
#include "bench/duty_counselor.h"
#include "bench/modes.h"
#include "bench/report.h"
#include "bench/run_until.h"

namespace haven::bench {
namespace {

class IdleCrowd final : public BenchVisitor::Events {
 public:
  IdleCrowd(asio::io_context& io, ServerAddress server) : io_(io), server_(std::move(server)) {}

  void Open(std::size_t count, std::size_t concurrency) {
    target_ = count;
    concurrency_ = concurrency;
    More();
  }
  void JoinAll() {
    for (auto& visitor : visitors_) visitor->Join();
  }

  std::size_t welcomed() const { return welcomed_; }
  std::size_t joined() const { return joined_; }
  std::size_t closed() const { return closed_; }
  std::size_t refused() const { return refused_; }

  void OnWelcome(BenchVisitor&) override {
    ++welcomed_;
    --connecting_;
    More();
  }
  void OnJoined(BenchVisitor&) override { ++joined_; }
  void OnRefused(BenchVisitor&, std::string_view) override { ++refused_; }
  void OnClosed(BenchVisitor&, std::optional<std::uint16_t>) override { ++closed_; }

 private:
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
  std::size_t target_ = 0, concurrency_ = 1, connecting_ = 0;
  std::size_t welcomed_ = 0, joined_ = 0, closed_ = 0, refused_ = 0;
};

}  // namespace

int RunIdle(const IdleOptions& options, const ServerChoice& server_choice) {
  // Connected-but-silent visitors would be closed after helpline.hello_timeout_ms (10 s).
  BenchServer server({{"helpline.hello_timeout_ms", "600000"}}, server_choice);
  asio::io_context io{1};
  BenchCounselor::Events ignore;
  DutyCounselor duty(io, server, 1, ignore);
  server.Pin();
  duty.Connect("away");  // on duty, so visitors may join; offered nothing, so they stay waiting
  auto settle = std::chrono::milliseconds(static_cast<long>(options.settle_seconds * 1000));
  RunFor(io, settle);
  ProcessSample empty = server.Sample();

  IdleCrowd crowd(io, server.address());
  auto started = std::chrono::steady_clock::now();
  crowd.Open(options.connections, 256);
  bool connected = RunUntil(io, [&] { return crowd.welcomed() + crowd.closed() >= options.connections; },
                            std::chrono::seconds(60));
  double connect_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  RunFor(io, settle);
  ProcessSample open = server.Sample();

  started = std::chrono::steady_clock::now();
  crowd.JoinAll();
  bool joined = RunUntil(io, [&] { return crowd.joined() + crowd.refused() + crowd.closed() >= options.connections; },
                         std::chrono::seconds(60));
  double join_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  RunFor(io, settle);
  ProcessSample waiting = server.Sample();

  auto per = [&](const ProcessSample& sample) {
    return static_cast<double>(sample.rss_bytes - empty.rss_bytes) / static_cast<double>(options.connections);
  };
  Report report("idle: " + Count(static_cast<double>(options.connections)) + " visitor connections");
  report.Value("server RSS, no visitors", Megabytes(empty.rss_bytes));
  report.Value("connected (welcome received)", Megabytes(open.rss_bytes) + " after " + Fixed(connect_seconds, 1) + " s");
  report.Value("joined, waiting in the queue", Megabytes(waiting.rss_bytes) + " after " + Fixed(join_seconds, 1) + " s");
  report.Target("RSS per connected visitor", per(open), false, 5 * 1024, Fixed(per(open) / 1024, 2) + " KB", "5 KB");
  report.Target("RSS per waiting visitor", per(waiting), false, 5 * 1024, Fixed(per(waiting) / 1024, 2) + " KB", "5 KB");
  report.Check("every visitor connected", connected && crowd.welcomed() == options.connections,
               std::to_string(crowd.welcomed()) + " welcomed");
  report.Check("every visitor joined", joined && crowd.joined() == options.connections,
               std::to_string(crowd.joined()) + " joined, " + std::to_string(crowd.refused()) + " refused, " +
                   std::to_string(crowd.closed()) + " closed");
  report.Note("RSS is the server's VmRSS after " + Fixed(options.settle_seconds, 0) +
              " s of quiet at each stage, less its RSS before any visitor came; kernel socket buffers are not in it");
  report.Note("a waiting visitor also costs its queue entry, chat state, relay buffer (empty) and the conversation record in RocksDB's memtable");
  report.Settings(server.settings());
  report.Note(server.Description());
  report.Print(std::cout);
  return report.failed() ? 1 : 0;
}

}  // namespace haven::bench
