// relay: N chats relaying texts through the server, in a closed loop (throughput and CPU per
// frame) or at a fixed rate (latency).
#include <iostream>

#include "bench/modes.h"
#include "bench/report.h"

namespace haven::bench {

int RunRelay(const RelayOptions& options, const ServerChoice& server_choice) {
  BenchServer server({}, server_choice);
  asio::io_context io{1};
  ChatFleet fleet(io, server, options.fleet);
  auto setup_started = std::chrono::steady_clock::now();
  try {
    fleet.Establish(std::chrono::seconds(240));
  } catch (const std::exception& failure) {
    std::cerr << "haven-bench relay: set-up failed: " << failure.what() << "\n";
    return 2;
  }
  double setup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_started).count();

  bool closed_loop = options.rate <= 0;
  TrafficResult result =
      closed_loop ? fleet.RunClosedLoop(options.messages, std::chrono::seconds(120))
                  : fleet.RunOpenLoop(options.rate, std::chrono::milliseconds(static_cast<long>(options.seconds * 1000)));

  std::size_t connections = fleet.visitors() + fleet.counselors();
  Report report(closed_loop ? "relay, closed loop" : "relay, open loop at " + Count(options.rate) + " frames/s");
  report.Value("chats", Count(static_cast<double>(options.fleet.chats)) + " (" + Count(static_cast<double>(fleet.visitors())) +
                            " visitors, " + Count(static_cast<double>(fleet.counselors())) + " counselors with up to " +
                            std::to_string(options.fleet.chats_per_counselor) + " chats each: " +
                            Count(static_cast<double>(connections)) + " connections)");
  report.Value("text", std::to_string(options.fleet.text_size) +
                           " bytes, padded to 256 and encrypted: 296-byte data frames; acks are 23 bytes");
  report.Value("set-up", Fixed(setup_seconds, 1) + " s (enrolment, logins, connections, handshakes)");
  report.Value("measured", Fixed(result.seconds, 2) + " s, " + Count(static_cast<double>(result.messages)) +
                               " texts delivered, " + Count(static_cast<double>(result.server_frames)) +
                               " frames relayed (texts + acks)");
  double per_frame = result.ServerMicrosPerFrame();
  if (closed_loop) {
    report.Target("relayed frames/s", result.FramesPerSecond(), true, 150000, Count(result.FramesPerSecond()), "150,000");
  } else {
    report.Value("relayed frames/s", Count(result.FramesPerSecond()) + " (asked " + Count(options.rate) + ")");
  }
  report.Target("server CPU per frame", per_frame, false, 6, Fixed(per_frame, 2) + " µs", "6 µs");
  report.Latency("latency p50 / p99 / p99.9", result.latency);
  if (!closed_loop) {
    double p99_ms = static_cast<double>(result.latency.Percentile(0.99)) / 1e6;
    report.Target("latency p99", p99_ms, false, 3, Fixed(p99_ms, 2) + " ms", "3 ms");
    report.Value("generator lag, worst", Duration(result.worst_lag_ns));
  }
  report.Value("server CPU", Fixed(result.ServerCores() * 100, 0) + "% of a core");
  report.Value("server RSS", Megabytes(result.server_after.rss_bytes));
  report.Value("generator CPU", Fixed(result.GeneratorCores() * 100, 0) + "% of a core");
  if (closed_loop && result.GeneratorCores() > 0.9) {
    report.Note(result.ServerCores() > 0.9
                    ? "both cores were busy: the generator limits the throughput about as much as the server does"
                    : "the load generator used its whole core before the server did: the throughput is a lower bound");
  }
  std::string detail;
  report.Check("every text delivered once, in order", fleet.AllDelivered(detail), detail);
  report.Check("E2E errors", fleet.E2eErrors() == 0, std::to_string(fleet.E2eErrors()));
  report.Note("latency: one way, from the sender's send (open loop: its scheduled send) to the text decrypted at the peer");
  report.OtherLoad(result.OtherCores());
  report.Settings(server.settings());
  report.Note(server.Description());
  report.Print(std::cout);
  return report.failed() ? 1 : 0;
}

}  // namespace haven::bench
