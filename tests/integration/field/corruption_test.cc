// A damaged table file under a running server (a failing disk, a bad block): before, storage
// maintenance failed with only a log line while /readyz said 200. Now the operator sees it -
// a metric that an alert watches, and readiness - and the process does not crash.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/field/field_support.h"

namespace haven::testing {
namespace {

namespace fs = std::filesystem;

// Overwrites a few bytes of every table file's first data block, as a bad sector would: the
// damage is found when the block is read (compaction), not when the table is opened.
std::size_t DamageTables(const fs::path& database) {
  std::size_t damaged = 0;
  for (const auto& entry : fs::directory_iterator(database)) {
    if (entry.path().extension() != ".sst" || entry.file_size() < 64) continue;
    std::fstream file(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(16);
    std::string garbage(16, '\xA5');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    ++damaged;
  }
  return damaged;
}

TEST(Corruption, ADamagedTableIsReportedNotHidden) {
  ServerProcess server({{"storage.compaction_interval_seconds", "1"}, {"metrics.token", Quoted(kMetricsToken)}});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(EnrolCounselor(server, "c-" + std::to_string(i)));
  fs::path database = server.dir() / "data" / "rocksdb";
  // Maintenance flushes and compacts every second: wait until the accounts sit in a table.
  ASSERT_TRUE(WaitFor([&] {
    for (const auto& entry : fs::directory_iterator(database)) {
      if (entry.path().extension() == ".sst") return true;
    }
    return false;
  }));
  // The damage happens while the server is down (a bad sector found at the next read): what the
  // running server had cached would hide it.
  server.Signal(SIGTERM);
  ASSERT_TRUE(server.WaitForExit(std::chrono::seconds(10)));
  ASSERT_GT(DamageTables(database), 0u);
  std::size_t failures_before = Count(server.StandardError(), "storage.maintenance_failed");
  server.Restart(SIGTERM);
  EXPECT_TRUE(WaitFor([&] { return Count(server.StandardError(), "storage.maintenance_failed") > failures_before; },
                      std::chrono::seconds(15)))
      << server.StandardError();
  EXPECT_TRUE(WaitFor([&] { return MetricValue(server, "haven_storage_maintenance_failures_total") >= 1; }));
  EXPECT_TRUE(WaitFor([&] { return HttpGet(server.port(), "/readyz")->status == 503; }))
      << HttpGet(server.port(), "/readyz")->body;
  EXPECT_FALSE(server.WaitForExit(std::chrono::milliseconds(10))) << "it reports, it does not crash";
}

}  // namespace
}  // namespace haven::testing
