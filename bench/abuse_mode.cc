// abuse: the helpline under the attacks of issue 13, against the shipped per-network limits,
// while chats run at a fixed rate and a counselor works:
//   1. a login storm: dropped logins with random handles from random addresses via the proxy;
//      measured: the chats' p99, a logged-in counselor's ticket p99, a revocation's time;
//   2. a join flood from one IPv6 /64 (via the proxy), each socket dropped after its answer:
//      places the attacker holds, whether a real visitor elsewhere gets in;
//   3. a connection flood from one address: connections held, whether a real visitor gets in;
//   4. a join flood from very many networks (its own server, shipped puzzle): what each place
//      costs the flooder in CPU once the queue is under pressure (bench/puzzle_flood.h).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include "bench/modes.h"
#include "bench/puzzle_flood.h"
#include "bench/report.h"
#include "crypto/bytes.h"
#include "crypto/certificate.h"
#include "crypto/revocation_list.h"
#include "tests/integration/support/helpline_bots.h"
#include "tests/integration/support/http_client.h"

namespace haven::bench {
namespace {

using Clock = std::chrono::steady_clock;

double MillisecondsSince(Clock::time_point started) {
  return std::chrono::duration<double, std::milli>(Clock::now() - started).count();
}

// One dropped login from `address`, as the storm sends it.
void DroppedLogin(std::uint16_t port, const std::string& address, std::mt19937& random) {
  std::string body = R"({"handle":"h-)" + std::to_string(random()) + R"(","login_key":")" + std::string(64, 'a') +
                     R"(","totp":"000000"})";
  try {
    testing::RawConnection connection(port);
    connection.Send("POST /api/login HTTP/1.1\r\nHost: x\r\nOrigin: " + std::string(testing::kTestOrigin) +
                    "\r\nX-Forwarded-For: " + address + "\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body);
  } catch (...) {
  }
}

}  // namespace

int RunAbuse(const AbuseOptions& options, const ServerChoice& server_choice) {
  // The shipped per-network limits (LoadSettings raises them for the other modes); the fleet's
  // visitors come from 250 networks of their own, the attackers from theirs.
  BenchServer server({{"http.trusted_proxies", R"(["127.0.0.1"])"},
                      {"helpline.visitor_connections_per_minute", "30"},
                      {"helpline.max_waiting_per_network", "5"},
                      {"server.max_connections_per_network", "200"},
                      {"websocket.max_per_network", "50"}},
                     server_choice);
  asio::io_context io{1};
  ChatFleet fleet(io, server, options.fleet);
  Accounts staff;
  std::vector<std::string> cookies;
  try {
    staff = server.Enrol(2, 2, "staff");
    cookies = server.LogIn(staff);
    fleet.Establish(std::chrono::seconds(240));
  } catch (const std::exception& failure) {
    std::cerr << "haven-bench abuse: set-up failed: " << failure.what() << "\n";
    return 2;
  }
  std::uint16_t port = server.address().port;
  auto duration = std::chrono::milliseconds(static_cast<long>(options.seconds * 1000));
  TrafficResult calm = fleet.RunOpenLoop(options.rate, duration);

  // 1. The login storm, with a counselor asking for tickets throughout.
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> storm_sent{0};
  LatencyHistogram tickets;
  std::atomic<std::size_t> ticket_failures{0};
  std::vector<std::thread> threads;
  TrafficResult stormy = fleet.RunOpenLoop(options.rate, duration, [&] {
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937 random(static_cast<unsigned>(t + 1));
        auto gap = std::chrono::duration<double>(2.0 / options.storm_rate);
        auto next = Clock::now();
        while (!stop.load()) {
          std::string address = "10." + std::to_string(random() % 256) + "." + std::to_string(random() % 256) + "." +
                                std::to_string(1 + random() % 254);
          DroppedLogin(port, address, random);
          ++storm_sent;
          next += std::chrono::duration_cast<Clock::duration>(gap);
          std::this_thread::sleep_until(next);
        }
      });
    }
    threads.emplace_back([&] {
      while (!stop.load()) {
        auto started = Clock::now();
        if (!testing::MintTicket(port, cookies[0])) ++ticket_failures;
        tickets.Record(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count());
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  });
  // A revocation while the storm still runs.
  double revoke_ms = -1;
  bool revoked = false;
  if (auto certificate = crypto::ParseCertificate(staff[1]->certificate)) {
    auto list = crypto::IssueRevocationList(crypto::RevocationIssuer::kOrgSigning, static_cast<std::uint64_t>(std::time(nullptr)),
                                            {certificate->fields.serial}, *server.process().org().signing_key);
    if (list) {
      auto started = Clock::now();
      auto reply = testing::AdminCall(server.process(), {{"command", "revoke"}, {"handle", staff[1]->handle},
                                                         {"revocation_list", crypto::ToHex(list->encoded)}});
      revoke_ms = MillisecondsSince(started);
      revoked = reply && !reply->contains("error");
    }
  }
  stop = true;
  for (auto& thread : threads) thread.join();

  // 2. The join flood from one /64.
  std::size_t places = 0, flood_busy = 0, flood_limited = 0;
  for (std::size_t i = 0; i < options.flood_joins; ++i) {
    char address[64];
    std::snprintf(address, sizeof address, "2001:db8:7:7:%zx::%zx", i, i + 1);
    std::string answer = testing::JoinOnce(server.process(), std::string(address));
    if (answer == "joined") ++places;
    if (answer == "busy") ++flood_busy;
    if (answer == "rate_limited") ++flood_limited;
  }
  std::string after_joins = testing::JoinOnce(server.process(), std::string("198.51.100.30"));

  // 3. The connection flood from one address.
  std::vector<std::unique_ptr<testing::RawConnection>> held;
  std::size_t refused_connections = 0;
  for (std::size_t i = 0; i < options.flood_connections; ++i) {
    try {
      held.push_back(std::make_unique<testing::RawConnection>(port, "127.0.0.2"));
    } catch (...) {
      ++refused_connections;
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto probe = testing::HttpGet(port, "/healthz", "", "127.0.0.2");
  bool flood_capped = probe && probe->status == 503;
  std::string after_connections = testing::JoinOnce(server.process(), std::string("198.51.100.31"));
  held.clear();

  // 4. The botnet against the puzzle.
  PuzzleFloodResult botnet;
  try {
    botnet = RunPuzzleFlood(server_choice, options.botnet_joins);
  } catch (const std::exception& failure) {
    std::cerr << "haven-bench abuse: the puzzle flood's set-up failed: " << failure.what() << "\n";
    return 2;
  }

  auto p99_ms = [](const TrafficResult& result) { return static_cast<double>(result.latency.Percentile(0.99)) / 1e6; };
  double ticket_p99 = static_cast<double>(tickets.Percentile(0.99)) / 1e6;
  Report report("abuse: a login storm, a join flood and a connection flood while " + Count(static_cast<double>(options.fleet.chats)) +
                " chats relay " + Count(options.rate) + " frames/s");
  report.Latency("chats without attack p50 / p99 / p99.9", calm.latency);
  report.Latency("chats during the login storm p50 / p99 / p99.9", stormy.latency);
  report.Value("login storm", Count(static_cast<double>(storm_sent.load())) + " dropped logins in " + Fixed(options.seconds, 0) +
                                  " s from random addresses (" + Fixed(static_cast<double>(storm_sent.load()) / options.seconds, 0) + "/s)");
  report.Latency("counselor's ticket p50 / p99 / p99.9", tickets);
  report.Target("ticket p99 during the storm", ticket_p99, false, 500, Fixed(ticket_p99, 1) + " ms", "500 ms");
  report.Target("revocation during the storm", revoke_ms, false, 1000, Fixed(revoke_ms, 1) + " ms", "1000 ms");
  report.Value("join flood from one /64", Count(static_cast<double>(options.flood_joins)) + " joins: " +
                                              std::to_string(places) + " places held, " + std::to_string(flood_busy) +
                                              " busy, " + std::to_string(flood_limited) + " rate limited");
  report.Value("attacker's cost per place held",
               places == 0 ? "no place" : Fixed(static_cast<double>(options.flood_joins) / static_cast<double>(places), 0) + " joins");
  report.Value("connection flood from one address", std::to_string(options.flood_connections) + " opened, " +
                                                       std::to_string(refused_connections) + " failed to connect; the next is " +
                                                       (flood_capped ? "refused 503" : "served"));
  report.Value("join flood from " + std::to_string(options.botnet_joins) + " networks",
               std::to_string(botnet.free_places) + " places before the pressure (20 waiting), " +
                   std::to_string(botnet.paid_places) + " paid with a puzzle, " + std::to_string(botnet.refused) + " refused");
  report.Latency("flooder's CPU per paid place (16 x 2^14 hashes, native) p50 / p99 / p99.9", botnet.solve);
  double per_place_s = static_cast<double>(botnet.solve.Percentile(0.5)) / 1e9;
  report.Value("flooder's CPU for all its puzzles", Fixed(botnet.solving_seconds, 1) + " s on one core; the rest of a 200-place queue: " +
                                                         Fixed(per_place_s * 180, 0) + " s more");
  report.Check("every place after the first 20 cost a puzzle", botnet.free_places <= 20, std::to_string(botnet.free_places) + " free");
  report.Check("a real visitor (solving too) gets in after the botnet flood", botnet.real_visitor == "joined", botnet.real_visitor);
  report.Check("every ticket issued during the storm", ticket_failures.load() == 0, std::to_string(ticket_failures.load()) + " failed");
  report.Check("the revocation succeeded", revoked);
  report.Check("one /64 holds at most 5 places", places <= 5, std::to_string(places));
  report.Check("a real visitor gets in after the join flood", after_joins == "joined", after_joins);
  report.Check("one address cannot take every connection", flood_capped);
  report.Check("a real visitor gets in during the connection flood", after_connections == "joined", after_connections);
  std::string detail;
  report.Check("every text delivered once, in order", fleet.AllDelivered(detail), detail);
  report.Check("E2E errors", fleet.E2eErrors() == 0, std::to_string(fleet.E2eErrors()));
  report.Value("chat p99 with the storm / without", Fixed(p99_ms(stormy), 2) + " / " + Fixed(p99_ms(calm), 2) + " ms");
  report.Settings(server.settings());
  report.Note(server.Description());
  report.Print(std::cout);
  return report.failed() ? 1 : 0;
}

}  // namespace haven::bench
