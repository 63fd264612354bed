#include "bench/puzzle_flood.h"

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>

#include "tests/integration/support/helpline_bots.h"
#include "tests/integration/support/websocket_client.h"

namespace haven::bench {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct JoinAttempt {
  std::string answer;         // "joined", a refusal's reason, an error's code
  bool puzzled = false;
  std::int64_t solve_ns = 0;
};

// One join from `network` through the proxy, solving the welcome's puzzle as a client must.
JoinAttempt JoinFrom(const testing::ServerProcess& server, const std::string& network) {
  JoinAttempt attempt;
  testing::WebSocketClient ws(server.port(), "/ws/visitor", std::string(testing::kTestOrigin), "127.0.0.1", network);
  if (!ws.connected()) {
    attempt.answer = "handshake " + std::to_string(ws.handshake_status());
    return attempt;
  }
  while (auto message = ws.Read()) {
    json::object object = json::parse(message->data).as_object();
    std::string type(object.at("type").as_string());
    if (type == "welcome") {
      auto started = Clock::now();
      auto solution = testing::PuzzleSolution(object);
      attempt.solve_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count();
      attempt.puzzled = solution.has_value();
      ws.Send(json::serialize(testing::JoinMessage({{"language", "bg"}, {"age_band", ""}, {"in_danger", ""}}, solution)));
    } else if (type == "joined") {
      attempt.answer = type;
      return attempt;
    } else if (type == "refused") {
      attempt.answer = std::string(object.at("reason").as_string());
      return attempt;
    } else if (type == "error") {
      attempt.answer = std::string(object.at("code").as_string());
      return attempt;
    }
  }
  attempt.answer = "no answer";
  return attempt;
}

}  // namespace

PuzzleFloodResult RunPuzzleFlood(const ServerChoice& server_choice, std::size_t joins) {
  // The shipped join limits and puzzle (LoadSettings turns the puzzle off for the load modes).
  BenchServer server({{"http.trusted_proxies", R"(["127.0.0.1"])"},
                      {"helpline.offer_chats", "false"},
                      {"helpline.visitor_connections_per_minute", "30"},
                      {"helpline.max_waiting_per_network", "5"},
                      {"helpline.puzzle_solutions", "16"}},
                     server_choice);
  Accounts staff = server.Enrol(1, 1, "puzzle");
  testing::CounselorBot on_duty(server.process(), *staff[0]);
  on_duty.Duty("available");
  on_duty.Until([] { return false; }, std::chrono::milliseconds(200));

  PuzzleFloodResult result;
  for (std::size_t i = 0; i < joins; ++i) {
    char network[64];
    std::snprintf(network, sizeof network, "2001:db8:%zx:%zx::1", i / 0x10000, i % 0x10000);  // a /64 each
    JoinAttempt attempt = JoinFrom(server.process(), network);
    if (attempt.puzzled) {
      result.solve.Record(attempt.solve_ns);
      result.solving_seconds += static_cast<double>(attempt.solve_ns) / 1e9;
    }
    if (attempt.answer == "joined") {
      ++(attempt.puzzled ? result.paid_places : result.free_places);
    } else {
      ++result.refused;
    }
  }
  result.real_visitor = JoinFrom(server.process(), "198.51.100.40").answer;
  return result;
}

}  // namespace haven::bench
