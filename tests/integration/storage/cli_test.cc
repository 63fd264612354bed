// The storage as the `haven` binary uses it: serve opens it (and refuses unsafe key
// placement), backup create copies the data without the keys, storage inspect counts
// without showing contents.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "storage/storage_runtime.h"
#include "tests/integration/support/console_api.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/run_haven.h"
#include "tests/integration/support/server_process.h"
#include "tests/unit/storage/temp_dir.h"

namespace haven::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
constexpr uid_t kNobody = 65534;

// Gives `dir` and everything in it to nobody, as files another user left behind.
void GiveToNobody(const fs::path& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    ASSERT_EQ(::lchown(entry.path().c_str(), kNobody, kNobody), 0) << entry.path();
  }
  ASSERT_EQ(::chown(dir.c_str(), kNobody, kNobody), 0);
}
constexpr std::string_view kCanary = "CANARY-c41b";

// A helpline's directories and config, for commands run against the same data.
class Helpline {
 public:
  Helpline() { WriteConfig(keys().string()); }
  fs::path data() const { return dir_.path() / "data"; }
  fs::path keys() const { return dir_.path() / "keys"; }
  fs::path config() const { return dir_.path() / "haven.toml"; }
  const fs::path& dir() const { return dir_.path(); }
  void WriteConfig(const std::string& key_dir) const {
    std::ofstream(config()) << "[server]\nport = 0\ndata_dir = \"" << data().string() << "\"\n"
                            << "[storage]\nkey_dir = \"" << key_dir << "\"\n"
                            << "[org]\ndir = \"" << (dir_.path() / "org").string() << "\"\n";
  }
  // Writes one account and one waiting conversation, both named with the canary.
  void Populate() const {
    ASSERT_TRUE(crypto::InitSodium());
    storage::SystemClock clock;
    storage::StorageOptions options;
    options.data_dir = data();
    options.key_dir = keys();
    auto runtime = storage::StorageRuntime::Open(options, clock);
    ASSERT_TRUE(runtime) << runtime.error().ToString();
    storage::AccountRecord account;
    account.handle = std::string(kCanary) + "-handle";
    ASSERT_TRUE((*runtime)->stores().accounts().Put(account));
    storage::ConversationRecord conversation;
    conversation.chat_id = crypto::Bytes(kCanary.begin(), kCanary.end());
    conversation.queued_at = clock.NowSeconds();
    ASSERT_TRUE((*runtime)->stores().conversations().Put(conversation));
  }

 private:
  storage::testing::TempDir dir_;
};

// Runs `haven ARGS` under timeout(1), for a command that would serve forever if the test
// failed.
std::pair<int, std::string> RunHavenAtMost(int seconds, const std::string& arguments) {
  std::string command =
      "timeout " + std::to_string(seconds) + " " + std::string(HAVEN_BINARY) + " " + arguments + " 2>&1 < /dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get())) output.append(buffer, n);
  int status = ::pclose(pipe.release());
  return {WEXITSTATUS(status), output};
}

TEST(StorageCommands, ServeOpensStorageWithKeysOutsideTheDataAndIsReady) {
  ServerProcess server;
  auto ready = HttpGet(server.port(), "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_TRUE(fs::exists(server.dir() / "data" / "rocksdb" / "CURRENT"));
  struct stat info {};
  ASSERT_EQ(::stat((server.dir() / "keys" / "master.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(server.dir() / "data" / "master.key"));
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitForExit(milliseconds(5000)), 0);
  EXPECT_NE(server.StandardError().find("storage.opened"), std::string::npos);
  EXPECT_NE(server.StandardError().find("storage.maintenance"), std::string::npos) << "maintenance runs at start";
}

TEST(StorageCommands, ServeRefusesKeysInsideTheDataOrNoKeysAtAll) {
  Helpline helpline;
  helpline.WriteConfig((helpline.data() / "keys").string());
  auto [inside_status, inside] = RunHaven("serve --check-config --config " + helpline.config().string());
  EXPECT_EQ(inside_status, 2);
  EXPECT_NE(inside.find("storage.key_dir"), std::string::npos) << inside;

  helpline.WriteConfig("");
  auto [missing_status, missing] = RunHaven("serve --config " + helpline.config().string());
  EXPECT_EQ(missing_status, 2);
  EXPECT_NE(missing.find("storage.key_dir: must be set"), std::string::npos) << missing;
}

TEST(StorageCommands, ServeRefusesToStartWhenTheKeysOfExistingDataAreGone) {
  Helpline helpline;
  helpline.Populate();
  fs::remove_all(helpline.keys());
  auto [status, output] = RunHavenAtMost(20, "serve --config " + helpline.config().string());
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("restore the key directory"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(helpline.keys() / "master.key")) << "no new key may be made for old data";
}

TEST(StorageCommands, BackupCreateCopiesTheDataButNotTheKeys) {
  Helpline helpline;
  helpline.Populate();
  fs::path backup = helpline.dir() / "backup";
  auto [status, output] = RunHaven("backup create " + backup.string() + " --config " + helpline.config().string());
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("does NOT contain the storage keys"), std::string::npos) << output;
  EXPECT_TRUE(fs::exists(backup / "rocksdb" / "CURRENT"));
  EXPECT_EQ(ReadFile(backup / "FORMAT"), "haven-data-format 2\n");
  EXPECT_EQ(fs::status(backup).permissions() & fs::perms::all, fs::perms::owner_all);
  std::string backup_bytes, key_bytes;
  for (const auto& entry : fs::recursive_directory_iterator(backup)) {
    EXPECT_NE(entry.path().filename(), "master.key");
    EXPECT_NE(entry.path().filename(), "epoch.key");
    if (entry.is_regular_file()) backup_bytes += ReadFile(entry.path());
  }
  for (const char* name : {"master.key", "epoch.key"}) {
    std::string key = ReadFile(helpline.keys() / name);
    EXPECT_EQ(backup_bytes.find(key.substr(key.size() - 32)), std::string::npos) << name;
  }
  EXPECT_EQ(backup_bytes.find(kCanary), std::string::npos);

  // With the key directory, the backup is a working copy of the data.
  ASSERT_TRUE(crypto::InitSodium());
  storage::SystemClock clock;
  auto copy = storage::RocksDbStore::Open(backup / "rocksdb", {});
  ASSERT_TRUE(copy);
  auto keys = storage::KeyRing::Open(helpline.keys(), helpline.data(), clock.Today(), false);
  ASSERT_TRUE(keys);
  storage::SealedRecords records(**copy, **keys, clock);
  storage::AccountStore accounts(records);
  EXPECT_TRUE(accounts.Get(std::string(kCanary) + "-handle")->has_value());

  auto [again_status, again] = RunHaven("backup create " + backup.string() + " --config " + helpline.config().string());
  EXPECT_EQ(again_status, 1);
  EXPECT_NE(again.find("already exists"), std::string::npos);
}

TEST(StorageCommands, InspectSaysToStopServeFirst) {
  ServerProcess server;
  auto [inspect_status, inspect] = RunHaven("storage inspect --config " + server.config_path().string());
  EXPECT_EQ(inspect_status, 1);
  EXPECT_NE(inspect.find("stop haven serve first"), std::string::npos) << inspect;
}

// The restore drill: a backup taken while the server serves, more written after it, then the
// server stopped and the backup restored: what was there at the backup is back, what came
// after is not, and the server starts on it.
TEST(StorageCommands, LiveBackupThenRestoreDrill) {
  ServerProcess server;
  std::string config = server.config_path().string();
  ASSERT_TRUE(EnrolCounselor(server, "before"));
  fs::path backup = server.dir() / "drill";
  auto [backed_up, output] = RunHaven("backup create " + backup.string() + " --config " + config);
  ASSERT_EQ(backed_up, 0) << output;
  EXPECT_FALSE(server.WaitForExit(milliseconds(10))) << "the server kept serving";
  ASSERT_TRUE(EnrolCounselor(server, "after"));

  auto [refused, busy] = RunHaven("backup restore " + backup.string() + " --config " + config);
  EXPECT_EQ(refused, 1);
  EXPECT_NE(busy.find("stop haven serve first"), std::string::npos) << busy;
  server.Signal(SIGTERM);
  ASSERT_TRUE(server.WaitForExit(std::chrono::seconds(10)));
  auto [restored, report] = RunHaven("backup restore " + backup.string() + " --config " + config);
  ASSERT_EQ(restored, 0) << report;
  EXPECT_NE(report.find("kept in"), std::string::npos) << report;
  for (const auto& entry : fs::recursive_directory_iterator(server.dir() / "data" / "rocksdb")) {
    EXPECT_EQ(entry.status().permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write)
        << entry.path();
  }

  server.Restart(SIGTERM);
  auto [listed, accounts] = RunHaven("counselor list --config " + config);
  ASSERT_EQ(listed, 0) << accounts;
  EXPECT_NE(accounts.find("before\t"), std::string::npos) << accounts;
  EXPECT_EQ(accounts.find("after\t"), std::string::npos) << accounts;
}

TEST(StorageCommands, ARestoreRunAsRootLeavesTheFilesToTheirOwner) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving files to another user needs root";
  Helpline helpline;
  helpline.Populate();
  fs::path backup = helpline.dir() / "backup";
  ASSERT_EQ(RunHaven("backup create " + backup.string() + " --config " + helpline.config().string()).first, 0);
  GiveToNobody(helpline.data());
  auto [restored, report] = RunHaven("backup restore " + backup.string() + " --config " + helpline.config().string());
  ASSERT_EQ(restored, 0) << report;
  for (const auto& entry : fs::recursive_directory_iterator(helpline.data() / "rocksdb")) {
    struct stat info {};
    ASSERT_EQ(::lstat(entry.path().c_str(), &info), 0);
    EXPECT_EQ(info.st_uid, kNobody) << entry.path();
  }
  struct stat marker {};
  ASSERT_EQ(::lstat((helpline.data() / "FORMAT").c_str(), &marker), 0);
  EXPECT_EQ(marker.st_uid, kNobody);
}

// The field report: a restore or a `storage inspect` run as root left root-owned files, and
// serve then failed with "Permission denied" or nothing at all. Haven now checks who owns its
// files and says which file, whose it is, and what to run. (Needs root to give files away.)
TEST(StorageCommands, RootIsRefusedOnTheServiceUsersData) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving files to another user needs root";
  Helpline helpline;
  helpline.Populate();
  GiveToNobody(helpline.data());
  auto [status, output] = RunHaven("storage inspect --config " + helpline.config().string());
  EXPECT_EQ(status, 1);
  EXPECT_NE(output.find("Do not run haven as root on its data"), std::string::npos) << output;
  EXPECT_NE(output.find("runuser -u nobody -- haven"), std::string::npos) << output;
}

TEST(StorageCommands, AFileLeftByAnotherUserIsNamedWithTheFix) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving files to another user needs root";
  Helpline helpline;
  helpline.Populate();
  ASSERT_EQ(::chown((helpline.data() / "haven.lock").c_str(), kNobody, kNobody), 0);
  auto [status, output] = RunHaven("storage inspect --config " + helpline.config().string());
  EXPECT_EQ(status, 1);
  EXPECT_NE(output.find("haven.lock belongs to nobody (uid 65534)"), std::string::npos) << output;
  EXPECT_NE(output.find("chown -R root: " + helpline.data().string()), std::string::npos) << output;

  ASSERT_EQ(::chown((helpline.data() / "haven.lock").c_str(), 0, 0), 0);
  ASSERT_EQ(::chown((helpline.keys() / "master.key").c_str(), kNobody, kNobody), 0);
  std::ofstream(helpline.config(), std::ios::app) << "";
  auto [serve_status, serve_output] = RunHaven("serve --config " + helpline.config().string());
  EXPECT_NE(serve_status, 0);
  EXPECT_NE(serve_output.find("master.key belongs to nobody"), std::string::npos) << serve_output;
}

TEST(StorageCommands, InspectCountsRecordsAndNeverShowsContents) {
  Helpline helpline;
  helpline.Populate();
  auto [status, output] = RunHaven("storage inspect --config " + helpline.config().string());
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("accounts"), std::string::npos) << output;
  EXPECT_NE(output.find("conversations"), std::string::npos);
  EXPECT_NE(output.find("never"), std::string::npos) << "accounts do not expire";
  EXPECT_NE(output.find("epoch key horizon: day "), std::string::npos);
  EXPECT_EQ(output.find(kCanary), std::string::npos);
  for (const char* family : {"accounts", "conversations"}) {
    auto line = output.substr(output.find(std::string("\n") + family));
    line = line.substr(1, line.find('\n', 1));
    int live = -1;
    std::sscanf(line.c_str() + std::string(family).size(), "%d", &live);
    EXPECT_EQ(live, 1) << line;
  }
}

}  // namespace
}  // namespace haven::testing
