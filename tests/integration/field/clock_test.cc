// The server's wall clock moved for real (libfaketime preloaded into the real binary; its
// monotonic clock keeps real time, as the kernel's does when someone sets the date). The
// field report: started with the clock a year ahead (retention 90 days), stopped, clock
// corrected - every new visitor was refused busy for 275 days while /readyz said 200, and the
// keys of conversations inside retention were gone.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "tests/integration/field/field_support.h"

namespace haven::testing {
namespace {

constexpr const char* kFakeTimeLibrary = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

// For the next start: the wall clock moved by `offset` ("+365d", "-2d"; empty: the real one).
std::map<std::string, std::string> ClockOffset(const std::string& offset) {
  if (offset.empty()) return {};
  return {{"LD_PRELOAD", kFakeTimeLibrary}, {"FAKETIME", offset}, {"FAKETIME_DONT_FAKE_MONOTONIC", "1"}};
}

class Clock : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kFakeTimeLibrary)) << "libfaketime is missing: scripts/setup --test installs faketime";
  }
};

TEST_F(Clock, AYearAheadThenCorrectedTurnsNobodyAwayAndKeepsTheConversations) {
  ServerProcess server({{"storage.compaction_interval_seconds", "1"}, {"metrics.token", Quoted(kMetricsToken)}});
  Chat chat = StartChat(server);
  std::string id = chat.visitor->chat();

  server.SetEnvironment(ClockOffset("+365d"));
  server.Restart(SIGTERM);
  // Operators are told: /readyz and a metric, and a loud log line.
  ASSERT_TRUE(WaitFor([&] { return HttpGet(server.port(), "/readyz")->status == 503; }));
  EXPECT_NE(HttpGet(server.port(), "/readyz")->body.find("clock ahead"), std::string::npos);
  EXPECT_EQ(MetricValue(server, "haven_clock_state"), 1);
  EXPECT_TRUE(WaitFor([&] { return server.StandardError().find("clock.untrusted") != std::string::npos; }));
  ASSERT_TRUE(WaitForMaintenanceRuns(server, 3));
  EXPECT_EQ(Count(server.StandardError(), "\"shredded_days\":0"), Count(server.StandardError(), "\"shredded_days\""))
      << "no key destroyed while the clock is wrong";

  server.SetEnvironment(ClockOffset(""));
  server.Restart(SIGTERM);
  ASSERT_TRUE(WaitFor([&] { return HttpGet(server.port(), "/readyz")->status == 200; }, std::chrono::seconds(20)))
      << HttpGet(server.port(), "/readyz")->body;
  EXPECT_EQ(MetricValue(server, "haven_clock_state"), 0);
  // The counselor from before the clock went wrong finds her chat, and a new visitor is taken.
  ASSERT_TRUE(chat.counselor->Reconnect());
  ASSERT_TRUE(chat.counselor->Until([&] { return chat.counselor->ready_for(id); })) << "the chat survived";
  VisitorBot newcomer(server);
  EXPECT_TRUE(newcomer.Join()) << "refused: " << newcomer.refused().value_or("");
}

TEST_F(Clock, AClockThatWentBackIsReportedAndNewChatsAreStillStored) {
  ServerProcess server({{"storage.compaction_interval_seconds", "1"}, {"metrics.token", Quoted(kMetricsToken)}});
  auto account = EnrolCounselor(server, "c-1");
  ASSERT_TRUE(account);
  {
    CounselorBot counselor(server, *account);  // on duty: kept across the restart
    counselor.Duty("available");
    ASSERT_TRUE(counselor.Until([&] { return counselor.LastOf("status").has_value(); }));
  }
  server.SetEnvironment(ClockOffset("-2d"));
  server.Restart(SIGTERM);
  ASSERT_TRUE(WaitFor([&] { return HttpGet(server.port(), "/readyz")->status == 503; }));
  EXPECT_NE(HttpGet(server.port(), "/readyz")->body.find("clock behind"), std::string::npos);
  EXPECT_EQ(MetricValue(server, "haven_clock_state"), 2);
  // Today, by this clock, is older than the oldest epoch key: the chat's record is sealed under
  // a key that exists instead of failing (which answered every visitor busy).
  VisitorBot visitor(server);
  EXPECT_TRUE(visitor.Join()) << "refused: " << visitor.refused().value_or("");
}

}  // namespace
}  // namespace haven::testing
