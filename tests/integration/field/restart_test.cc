// A restart in the middle of a shift, as counselors live it: their consoles reconnect by
// themselves, and each must be told its real duty state and find itself as it was. Before,
// the server sent no status, the console went on showing "Available" while the server counted
// nobody on duty, and the next visitor was told nobody was there.
#include <gtest/gtest.h>
#include <signal.h>

#include "tests/integration/field/field_support.h"

namespace haven::testing {
namespace {

// The duty state in the newest status the counselor received after `seen` earlier ones.
std::optional<std::string> StatusAfter(const CounselorBot& counselor, std::size_t seen) {
  if (counselor.CountOf("status") <= seen) return std::nullopt;
  return JsonString(*counselor.LastOf("status"), "state");
}

bool WaitForStatus(CounselorBot& counselor, std::size_t seen, const std::string& state) {
  return counselor.Until([&] { return StatusAfter(counselor, seen) == state; });
}

TEST(Restart, AnAvailableCounselorIsAvailableAgainAndVisitorsAreQueuedMeanwhile) {
  ServerProcess server;
  auto account = EnrolCounselor(server, "c-1");
  ASSERT_TRUE(account);
  CounselorBot counselor(server, *account);
  ASSERT_TRUE(counselor.connected());
  counselor.Duty("available");
  ASSERT_TRUE(WaitForStatus(counselor, 0, "available"));

  server.Restart(SIGTERM);
  // Before her console is back, a visitor arrives: she waits, she is not told nobody is there.
  VisitorBot visitor(server);
  ASSERT_TRUE(visitor.Join()) << "refused: " << visitor.refused().value_or("");

  std::size_t seen = counselor.CountOf("status");
  ASSERT_TRUE(counselor.Reconnect());
  ASSERT_TRUE(WaitForStatus(counselor, seen, "available"));
  ASSERT_TRUE(counselor.Until([&] { return counselor.LastOf("offer").has_value(); })) << "and she gets the visitor";
}

TEST(Restart, AwayAndOffDutyConsolesAreToldTheirState) {
  ServerProcess server;
  auto away_account = EnrolCounselor(server, "c-away");
  auto off_account = EnrolCounselor(server, "c-off");
  ASSERT_TRUE(away_account && off_account);
  CounselorBot away(server, *away_account);
  CounselorBot off(server, *off_account);
  away.Duty("available");
  ASSERT_TRUE(WaitForStatus(away, 0, "available"));
  away.Duty("away");
  ASSERT_TRUE(WaitForStatus(away, 1, "away"));
  ASSERT_TRUE(off.Until([&] { return StatusAfter(off, 0) == "off_duty"; })) << "told at login too";

  server.Restart(SIGTERM);
  std::size_t away_seen = away.CountOf("status");
  std::size_t off_seen = off.CountOf("status");
  ASSERT_TRUE(away.Reconnect());
  ASSERT_TRUE(off.Reconnect());
  EXPECT_TRUE(WaitForStatus(away, away_seen, "away"));
  EXPECT_TRUE(WaitForStatus(off, off_seen, "off_duty"));
  // Nobody available: a visitor is queued (one counselor is on duty, away), not refused.
  VisitorBot visitor(server);
  EXPECT_TRUE(visitor.Join());
}

TEST(Restart, ACounselorHoldingAChatComesBackAvailableNotAway) {
  ServerProcess server;
  Chat chat = StartChat(server);
  server.Restart(SIGKILL);  // a crash, this time
  std::size_t seen = chat.counselor->CountOf("status");
  ASSERT_TRUE(chat.counselor->Reconnect());
  EXPECT_TRUE(WaitForStatus(*chat.counselor, seen, "available"));
}

}  // namespace
}  // namespace haven::testing
