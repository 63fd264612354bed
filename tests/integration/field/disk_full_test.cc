// A full data volume, for real: the server's data directory on a small ext4 file system that
// the test fills to the last block. What a visitor, a counselor and an operator see: new
// visitors are answered busy (with the numbers), /readyz says 503 and why, a metric counts it,
// the chat in progress goes on, the process never aborts, and everything comes back by
// itself once space returns, with nothing acknowledged lost.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "tests/integration/field/field_support.h"
#include "tests/integration/support/small_volume.h"

namespace haven::testing {
namespace {

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!volume_.problem().empty()) GTEST_SKIP() << "no real small file system here: " << volume_.problem();
  }
  ServerProcess::Settings Settings() const {
    return {{"server.data_dir", Quoted((volume_.root() / "data").string())},
            // Maintenance (the run that aborted inside RocksDB) every second, not every hour.
            {"storage.compaction_interval_seconds", "1"},
            {"storage.reserve_free_megabytes", "8"},
            {"metrics.token", Quoted(kMetricsToken)}};
  }
  SmallVolume volume_{48};
};

TEST_F(DiskFull, VisitorsAreToldBusyTheChatGoesOnAndServiceReturnsWithSpace) {
  ServerProcess server(Settings());
  Chat chat = StartChat(server);
  std::string id = chat.visitor->chat();
  ASSERT_GT(volume_.Fill(), 0u);

  // Within a health check (a second) the server knows, and says why.
  ASSERT_TRUE(WaitFor([&] { return HttpGet(server.port(), "/readyz")->status == 503; }));
  EXPECT_NE(HttpGet(server.port(), "/readyz")->body.find("disk"), std::string::npos) << "says why";
  // A new visitor: refused busy, not queued for a chat whose record may not be written.
  VisitorBot newcomer(server);
  EXPECT_FALSE(newcomer.Join());
  ASSERT_TRUE(newcomer.refused());
  EXPECT_EQ(*newcomer.refused(), "busy");
  EXPECT_EQ(MetricValue(server, "haven_storage_room_for_chats"), 0);
  EXPECT_EQ(MetricValue(server, "haven_ready"), 0);

  // The chat in progress needs no disk: it goes on.
  ASSERT_TRUE(chat.counselor->Say(id, "Тук съм."));
  ASSERT_TRUE(chat.visitor->Until([&] { return chat.visitor->heard().size() == 1; }));
  chat.visitor->Say("Благодаря.");
  ASSERT_TRUE(chat.counselor->Until([&] { return chat.counselor->heard[id].size() == 1; }));

  // Several maintenance runs (shredding, flush, compaction) on the full volume: before, the
  // first one aborted the process inside RocksDB.
  ASSERT_TRUE(WaitForMaintenanceRuns(server, 3));
  ASSERT_FALSE(server.WaitForExit(std::chrono::milliseconds(10))) << server.StandardError();

  volume_.Free();
  EXPECT_TRUE(WaitFor([&] { return HttpGet(server.port(), "/readyz")->status == 200; }));
  EXPECT_EQ(MetricValue(server, "haven_storage_room_for_chats"), 1);
  EXPECT_EQ(MetricValue(server, "haven_ready"), 1);
  VisitorBot later(server);
  EXPECT_TRUE(later.Join()) << "a join after space returned";
  chat.counselor->End(id);
  ASSERT_TRUE(chat.visitor->Until([&] { return chat.visitor->ended().has_value(); }));
  chat.counselor->Send({{"type", "wrap_up"}, {"chat_id", id}, {"categories", boost::json::array{"physical_violence"}},
                        {"age_band", "26-40"}, {"outcome", "safety_plan"}, {"referral", false}});
  EXPECT_TRUE(chat.counselor->Until([&] { return chat.counselor->LastOf("wrap_up_saved").has_value(); }))
      << boost::json::serialize(chat.counselor->control.back());
  ASSERT_FALSE(server.WaitForExit(std::chrono::milliseconds(10)));
}

TEST_F(DiskFull, StartingOnAFullVolumeServesAndRecovers) {
  ServerProcess server(Settings());
  auto account = EnrolCounselor(server, "c-1");
  ASSERT_TRUE(account);
  server.Signal(SIGTERM);
  ASSERT_TRUE(server.WaitForExit(std::chrono::seconds(10)));
  ASSERT_GT(volume_.Fill(), 0u);

  server.Restart(SIGTERM);
  EXPECT_EQ(HttpGet(server.port(), "/healthz")->status, 200);
  EXPECT_TRUE(WaitFor([&] { return HttpGet(server.port(), "/readyz")->status == 503; }));
  VisitorBot visitor(server);
  EXPECT_FALSE(visitor.Join());
  EXPECT_EQ(visitor.refused().value_or(""), "busy");
  ASSERT_TRUE(WaitForMaintenanceRuns(server, 3));
  ASSERT_FALSE(server.WaitForExit(std::chrono::milliseconds(10))) << server.StandardError();

  volume_.Free();
  EXPECT_TRUE(WaitFor([&] { return HttpGet(server.port(), "/readyz")->status == 200; }));
  // The account written before the disk filled is still there: she can log in and go on duty.
  CounselorBot counselor(server, *account);
  EXPECT_TRUE(counselor.connected());
}

}  // namespace
}  // namespace haven::testing
