// The RFC 6455 conformance run (issue 15, item 5): the Autobahn TestSuite's case groups 1-7
// and 9, rewritten here because the suite needs Python 2, against the real `haven serve`
// through the test-only echo endpoint /ws/diag. Prints every case that is not OK, group 9's
// times (printed only, never asserted), and a table per group; exits 1 if any case FAILED.
//
//   haven_rfc6455_conformance [--group N]... [--verbose] [--haven PATH]
//
// --group runs only the named groups; --verbose prints every case; --haven runs another build
// of the server (this build's by default).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <set>
#include <string>

#include "tests/conformance/case_groups.h"
#include "tests/integration/support/server_process.h"

namespace haven::conformance {
namespace {

using Clock = std::chrono::steady_clock;

// The most websocket.read_message_max_bytes may be (server/config/config_schema.cc).
constexpr std::size_t kReadMessageMax = 1u << 20;

struct Group {
  int number;
  const char* name;
  std::function<std::vector<CaseResult>(const Target&)> run;
};

struct Tally {
  int cases = 0, ok = 0, non_strict = 0, informational = 0, failed = 0;
  double seconds = 0;
  void Add(Grade grade) {
    ++cases;
    switch (grade) {
      case Grade::kOk:
        ++ok;
        break;
      case Grade::kNonStrict:
        ++non_strict;
        break;
      case Grade::kInformational:
        ++informational;
        break;
      case Grade::kFailed:
        ++failed;
        break;
    }
  }
};

void PrintCase(const CaseResult& result) {
  std::string time;
  if (result.elapsed) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%9.1f ms", static_cast<double>(result.elapsed->count()) / 1000.0);
    time = buffer;
  }
  std::printf("  %-8s %-13s %s%s%s%s\n", result.id.c_str(), std::string(GradeName(result.grade)).c_str(),
              result.description.c_str(), time.empty() ? "" : "  ", time.c_str(),
              result.reason.empty() ? "" : ("\n           " + result.reason).c_str());
}

void PrintRow(const std::string& name, const Tally& tally) {
  std::printf("%-28s %6d %6d %11d %14d %7d %8.1f s\n", name.c_str(), tally.cases, tally.ok, tally.non_strict,
              tally.informational, tally.failed, tally.seconds);
}

int Run(const std::set<int>& only, bool verbose, const std::string& binary) {
  auto started = Clock::now();
  testing::ServerProcess server(
      testing::ServerProcess::Settings{
          {"websocket.read_message_max_bytes", std::to_string(kReadMessageMax)},
          {"websocket.outbound_queue_bytes", std::to_string(4 * kReadMessageMax)},
          // No keep-alive ping from the server in the middle of a case's events.
          {"websocket.idle_timeout_ms", "600000"},
      },
      binary);
  Target target{&server, server.port(), "/ws/diag", std::string(testing::kTestOrigin)};

  const Group kGroups[] = {
      {1, "framing", RunFramingCases},
      {2, "pings and pongs", RunPingPongCases},
      {3, "reserved bits", RunReservedBitCases},
      {4, "opcodes", RunOpcodeCases},
      {5, "fragmentation", RunFragmentationCases},
      {6, "UTF-8 handling", RunUtf8Cases},
      {7, "close handling", RunCloseCases},
      {9, "limits and performance", [](const Target& t) { return RunLimitAndSizeCases(t, kReadMessageMax); }},
  };
  std::printf("RFC 6455 conformance after the Autobahn TestSuite, groups 1-7 and 9: haven serve %s on port %u\n",
              target.path.c_str(), target.port);
  std::vector<std::pair<std::string, Tally>> rows;
  Tally total;
  for (const Group& group : kGroups) {
    if (!only.empty() && !only.contains(group.number)) continue;
    auto group_started = Clock::now();
    std::vector<CaseResult> results = group.run(target);
    Tally tally;
    tally.seconds = std::chrono::duration<double>(Clock::now() - group_started).count();
    std::printf("\n%d %s\n", group.number, group.name);
    for (const CaseResult& result : results) {
      tally.Add(result.grade);
      total.Add(result.grade);
      if (verbose || result.grade != Grade::kOk || result.elapsed) PrintCase(result);
    }
    if (!verbose && tally.ok == tally.cases) std::printf("  all %d cases OK\n", tally.cases);
    total.seconds += tally.seconds;
    rows.emplace_back(std::to_string(group.number) + " " + group.name, tally);
    if (auto status = server.WaitForExit(std::chrono::milliseconds(0))) {
      std::printf("\nthe server exited with status %d; the run stops here\n%s\n", *status,
                  server.StandardError().c_str());
      total.failed += 1;
      break;
    }
  }

  std::printf("\n%-28s %6s %6s %11s %14s %7s %10s\n", "group", "cases", "OK", "non-strict", "informational", "failed",
              "time");
  for (const auto& [name, tally] : rows) PrintRow(name, tally);
  total.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  PrintRow("total (with server start)", total);
  std::printf("\n%s\n", total.failed == 0 ? "PASSED: no case FAILED" : "FAILED: see the cases above");
  return total.failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace haven::conformance

int main(int argc, char** argv) {
  std::set<int> only;
  bool verbose = false;
  std::string binary;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--verbose") == 0) {
      verbose = true;
    } else if (std::strcmp(argv[i], "--group") == 0 && i + 1 < argc) {
      only.insert(std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--haven") == 0 && i + 1 < argc) {
      binary = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--group N]... [--verbose] [--haven PATH]\n", argv[0]);
      return 2;
    }
  }
  try {
    return haven::conformance::Run(only, verbose, binary);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "conformance run could not start: %s\n", error.what());
    return 1;
  }
}
