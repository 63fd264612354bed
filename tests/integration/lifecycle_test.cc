// Start-up, shutdown and what the server writes about people (nothing).
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
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
