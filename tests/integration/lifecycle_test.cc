// Start-up, shutdown and what the server writes about people (nothing).
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "tests/integration/support/http_client.h"
#include "tests/integration/support/run_haven.h"
#include "tests/integration/support/server_process.h"
#include "tests/integration/support/websocket_client.h"

namespace haven::testing {
namespace {

using std::chrono::milliseconds;

TEST(Lifecycle, SigtermClosesWebSocketsWith1012AndExitsCleanly) {
  ServerProcess server;
  WebSocketClient client(server.port(), "/ws/diag", std::string(kTestOrigin));
  ASSERT_TRUE(client.connected());
  auto start = std::chrono::steady_clock::now();
  server.Signal(SIGTERM);
  EXPECT_FALSE(client.Read(milliseconds(3000)));
  EXPECT_EQ(client.close_code(), 1012);
  auto status = server.WaitForExit(milliseconds(5000));
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(3000));
  EXPECT_NE(server.StandardError().find("server.stopped"), std::string::npos);
}

// Waits until the server's standard error holds `text` (an event it logs), or `timeout`.
bool WaitForLog(const ServerProcess& server, std::string_view text, milliseconds timeout = milliseconds(5000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (server.StandardError().find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

TEST(Lifecycle, SighupReloadsOriginsWithoutDroppingAConnection) {
  ServerProcess server;
  std::filesystem::create_directories(server.dir() / "web" / "widget");
  std::ofstream(server.dir() / "web" / "widget" / "frame.html") << "<!doctype html><title>frame</title>\n";
  server.Restart(SIGTERM);  // static files are read at start
  constexpr std::string_view kNewOrigin = "https://new.example.org";
  WebSocketClient before(server.port(), "/ws/diag", std::string(kNewOrigin));
  EXPECT_FALSE(before.connected()) << "an origin not yet in the list";
  auto frame = HttpGet(server.port(), "/widget/frame.html");
  ASSERT_TRUE(frame);
  ASSERT_EQ(frame->status, 200);
  EXPECT_EQ(frame->Header("content-security-policy").find("https://partner.example.org"), std::string::npos);
  // On a shared device even a revalidated copy of the frame in the cache tells that it was opened.
  EXPECT_EQ(frame->Header("cache-control"), "no-store");

  WebSocketClient open(server.port(), "/ws/diag", std::string(kTestOrigin));
  ASSERT_TRUE(open.connected());
  std::string config = ReadFile(server.config_path());
  std::string old_list = "allowed_origins = [\"" + std::string(kTestOrigin) + "\"]";
  auto at = config.find(old_list);
  ASSERT_NE(at, std::string::npos);
  config.replace(at, old_list.size(),
                 "allowed_origins = [\"" + std::string(kTestOrigin) + "\", \"" + std::string(kNewOrigin) + "\"]");
  config += "[widget]\npartner_origins = [\"https://partner.example.org\"]\n";
  std::ofstream(server.config_path()) << config;
  server.Signal(SIGHUP);
  ASSERT_TRUE(WaitForLog(server, "reload.done"));

  WebSocketClient after(server.port(), "/ws/diag", std::string(kNewOrigin));
  EXPECT_TRUE(after.connected());
  frame = HttpGet(server.port(), "/widget/frame.html");
  ASSERT_TRUE(frame);
  EXPECT_NE(frame->Header("content-security-policy").find("frame-ancestors 'self' https://partner.example.org"),
            std::string::npos)
      << frame->Header("content-security-policy");
  EXPECT_EQ(frame->Header("cache-control"), "no-store") << "after the reload too";
  ASSERT_TRUE(open.Send("still here"));
  auto echo = open.Read(milliseconds(3000));
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->data, "still here");
  EXPECT_FALSE(server.WaitForExit(milliseconds(100))) << "SIGHUP must not stop the server";
}

TEST(Lifecycle, SighupWithABrokenConfigKeepsTheRunningOne) {
  ServerProcess server;
  // A section the harness does not write (a second [helpline] table would be a TOML error,
  // not the field error this is about).
  std::ofstream(server.config_path(), std::ios::app) << "[relay]\nbuffer_frames = \"many\"\n";
  server.Signal(SIGHUP);
  ASSERT_TRUE(WaitForLog(server, "reload.config_invalid"));
  EXPECT_NE(server.StandardError().find("relay.buffer_frames"), std::string::npos) << "names the field";
  WebSocketClient client(server.port(), "/ws/diag", std::string(kTestOrigin));
  EXPECT_TRUE(client.connected());
}

TEST(Lifecycle, SighupReopensTheLogFileAfterRotation) {
  ServerProcess probe;  // only for its org and a directory to write in
  std::filesystem::path log_path = probe.dir() / "rotating.log";
  ServerProcess server({{"log.file", "\"" + log_path.string() + "\""}});
  ASSERT_TRUE(std::filesystem::exists(log_path));
  std::filesystem::rename(log_path, probe.dir() / "rotating.log.1");  // what logrotate does
  server.Signal(SIGHUP);
  auto deadline = std::chrono::steady_clock::now() + milliseconds(5000);
  while (ReadFile(log_path).find("reload.done") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_NE(ReadFile(log_path).find("reload.done"), std::string::npos) << "the new file gets the lines after SIGHUP";
  EXPECT_NE(ReadFile(probe.dir() / "rotating.log.1").find("server.listening"), std::string::npos);
}

TEST(Lifecycle, ShutdownDeadlineBoundsAPeerThatNeverAnswersTheClose) {
  ServerProcess server({{"server.shutdown_deadline_ms", "500"}, {"websocket.handshake_timeout_ms", "5000"}});
  WebSocketClient silent(server.port(), "/ws/diag", std::string(kTestOrigin));
  ASSERT_TRUE(silent.connected());
  auto start = std::chrono::steady_clock::now();
  server.Signal(SIGINT);
  // The client never reads, so never answers the close frame.
  auto status = server.WaitForExit(milliseconds(4000));
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 1) << "connections were still open at the deadline";
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

TEST(Lifecycle, IdleHttpConnectionsDoNotDelayShutdown) {
  ServerProcess server;
  RawConnection idle(server.port());
  std::this_thread::sleep_for(milliseconds(100));
  server.Signal(SIGTERM);
  EXPECT_TRUE(idle.WaitForClose(milliseconds(2000)));
  EXPECT_EQ(server.WaitForExit(milliseconds(3000)), 0);
}

// Non-negotiable: no IP address (nor user agent, origin or payload) in anything the server writes.
TEST(Lifecycle, NothingWrittenNamesTheClient) {
  ServerProcess server({{"log.level", "\"debug\""}});
  const std::string kSource = "127.0.0.77";
  for (int i = 0; i < 5; ++i) {
    HttpGet(server.port(), "/", "User-Agent: UA-CANARY-7731\r\n", kSource);
    HttpGet(server.port(), "/missing", "", kSource);
    RawConnection garbage(server.port(), kSource);
    garbage.Send("BROKEN /x HTTP/1.1\r\nHost: HOST-CANARY\r\n\r\n");
    garbage.ReadReply();
  }
  WebSocketClient refused(server.port(), "/ws/diag", std::string("https://origin-canary.example"), kSource);
  EXPECT_EQ(refused.handshake_status(), 403);
  {
    WebSocketClient client(server.port(), "/ws/diag", std::string(kTestOrigin), kSource);
    ASSERT_TRUE(client.connected());
    client.Send("PAYLOAD-CANARY-5521");
    client.Read();
    client.Send(std::string(20000, 'Z'));  // too big: closed, and logged without content
    client.Read();
  }
  server.Signal(SIGTERM);
  ASSERT_TRUE(server.WaitForExit(milliseconds(5000)));
  std::string written = server.StandardOutput() + server.StandardError() + server.AllFileBytes();
  ASSERT_FALSE(server.StandardError().empty());  // the log did run
  for (const char* canary : {"127.0.0.77", "UA-CANARY", "origin-canary", "PAYLOAD-CANARY", "HOST-CANARY", "ZZZZZZZZ"}) {
    EXPECT_EQ(written.find(canary), std::string::npos) << canary << " appears in the server's output";
  }
}

TEST(Lifecycle, CheckConfigAcceptsTheExampleAndNamesABadField) {
  auto good = RunHaven("serve --check-config --config " + std::string(HAVEN_SOURCE_DIR) + "/ops/haven.example.toml");
  EXPECT_EQ(good.first, 0) << good.second;
  std::string bad_path = ::testing::TempDir() + "/bad-haven.toml";
  {
    std::FILE* file = std::fopen(bad_path.c_str(), "w");
    std::fputs("[server]\ndata_dir = \"/tmp/x\"\n[websocket]\nread_message_max_bytes = 12\n", file);
    std::fclose(file);
  }
  auto bad = RunHaven("serve --check-config --config " + bad_path);
  EXPECT_NE(bad.first, 0);
  EXPECT_NE(bad.second.find("websocket.read_message_max_bytes"), std::string::npos) << bad.second;
  std::remove(bad_path.c_str());
}

TEST(Lifecycle, VersionIsPrinted) {
  auto version = RunHaven("--version");
  EXPECT_EQ(version.first, 0);
  EXPECT_EQ(version.second.rfind("haven ", 0), 0u) << version.second;
}

}  // namespace
}  // namespace haven::testing
