// The WebSocket session layer of the real server, through the test-only /ws/diag endpoint.
#include <gtest/gtest.h>

#include <signal.h>

#include <thread>

#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"
#include "tests/integration/support/websocket_client.h"

namespace haven::testing {
namespace {

using std::chrono::milliseconds;
const std::string kOrigin(kTestOrigin);

TEST(WebSocket, EchoesTextAndBinary) {
  ServerProcess server;
  WebSocketClient client(server.port(), "/ws/diag", kOrigin);
  ASSERT_TRUE(client.connected());
  EXPECT_EQ(client.handshake_status(), 101);
  EXPECT_EQ(client.handshake_header("Server"), "haven");  // never Beast's version banner
  ASSERT_TRUE(client.Send("hello"));
  auto text = client.Read();
  ASSERT_TRUE(text);
  EXPECT_EQ(text->data, "hello");
  EXPECT_FALSE(text->binary);
  std::string bytes("\x00\x01\xff", 3);
  ASSERT_TRUE(client.Send(bytes, true));
  auto binary = client.Read();
  ASSERT_TRUE(binary);
  EXPECT_EQ(binary->data, bytes);
  EXPECT_TRUE(binary->binary);
}

TEST(WebSocket, ForeignOrMissingOriginIsRefusedWith403) {
  ServerProcess server;
  WebSocketClient foreign(server.port(), "/ws/diag", std::string("https://evil.example"));
  EXPECT_FALSE(foreign.connected());
  EXPECT_EQ(foreign.handshake_status(), 403);
  WebSocketClient missing(server.port(), "/ws/diag", std::nullopt);
  EXPECT_FALSE(missing.connected());
  EXPECT_EQ(missing.handshake_status(), 403);
  WebSocketClient prefix(server.port(), "/ws/diag", kOrigin + ".evil.example");
  EXPECT_EQ(prefix.handshake_status(), 403);
}

TEST(WebSocket, OversizedMessageClosesWith1009) {
  ServerProcess server({{"websocket.read_message_max_bytes", "1024"}});
  WebSocketClient client(server.port(), "/ws/diag", kOrigin);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send(std::string(1024, 'a')));
  ASSERT_TRUE(client.Read());  // at the limit: fine
  client.Send(std::string(1025, 'a'));
  EXPECT_FALSE(client.Read());
  EXPECT_EQ(client.close_code(), 1009);
}

// A message far over the limit leaves most of itself unread in the server's socket; closing the
// socket then would send a reset that can overtake the close frame, and the client would see
// 1006 (seen once by a third-party client). The close frame must arrive every time.
TEST(WebSocket, AFarOversizedMessageAlwaysGetsTheCloseFrame) {
  ServerProcess server({{"websocket.read_message_max_bytes", "1024"}});
  for (int i = 0; i < 20; ++i) {
    WebSocketClient client(server.port(), "/ws/diag", kOrigin);
    ASSERT_TRUE(client.connected());
    bool sent = client.Send(std::string(512 * 1024, 'a'));  // the server reads 1 KiB of it, at most
    EXPECT_FALSE(client.Read());
    ASSERT_EQ(client.close_code(), 1009) << "attempt " << i << " sent " << sent << " timed out " << client.timed_out();
  }
}

TEST(WebSocket, ClientThatCannotKeepUpIsClosedWith1013) {
  ServerProcess server({{"websocket.outbound_queue_frames", "16"}});
  WebSocketClient client(server.port(), "/ws/diag", kOrigin);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send("flood 1000 1024"));
  int received = 0;
  while (client.Read()) ++received;
  EXPECT_FALSE(client.timed_out());
  EXPECT_EQ(client.close_code(), 1013);
  EXPECT_LE(received, 17);
}

TEST(WebSocket, OutboundByteBoundAlsoApplies) {
  ServerProcess server({{"websocket.outbound_queue_bytes", "16384"}});
  WebSocketClient client(server.port(), "/ws/diag", kOrigin);
  ASSERT_TRUE(client.Send("flood 100 4096"));
  while (client.Read()) {
  }
  EXPECT_EQ(client.close_code(), 1013);
}

TEST(WebSocket, EndpointCloseCodeReachesClient) {
  ServerProcess server;
  WebSocketClient client(server.port(), "/ws/diag", kOrigin);
  ASSERT_TRUE(client.Send("close 4001"));
  EXPECT_FALSE(client.Read());
  EXPECT_EQ(client.close_code(), 4001);
}

TEST(WebSocket, SilentPeerIsClosedAfterIdleTimeout) {
  ServerProcess server({{"websocket.idle_timeout_ms", "1000"}});
  WebSocketClient client(server.port(), "/ws/diag", kOrigin);
  ASSERT_TRUE(client.connected());
  // Not reading means not answering the server's ping: after the idle timeout it gives up.
  std::this_thread::sleep_for(milliseconds(2500));
  while (client.Read(milliseconds(2000))) {
  }
  EXPECT_TRUE(client.ended());
  EXPECT_FALSE(client.timed_out());
}

TEST(WebSocket, PlainGetOnEndpointIs426) {
  ServerProcess server;
  auto reply = HttpGet(server.port(), "/ws/diag");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 426);
}

// RFC 6455 §4.2.1: the key must be 16 bytes in base64; anything else is a bad request, not an upgrade.
TEST(WebSocket, MalformedKeyIs400) {
  ServerProcess server;
  auto upgrade = [&](std::string_view key) {
    return HttpExchange(server.port(), "GET /ws/diag HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                       "Sec-WebSocket-Version: 13\r\nOrigin: " + std::string(kOrigin) +
                                           "\r\nSec-WebSocket-Key: " + std::string(key) + "\r\n\r\n");
  };
  for (std::string_view key : {"x", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZR==", "dGhlIHNhbXBsZSBub25jZQ==AA",
                               "dGhl*HNhbXBsZSBub25jZQ=="}) {
    auto reply = upgrade(key);
    ASSERT_TRUE(reply) << key;
    EXPECT_EQ(reply->status, 400) << key;
    EXPECT_NE(reply->body.find("Sec-WebSocket-Key"), std::string::npos) << reply->body;
  }
  // A well-formed key (every other test's client sends one) still upgrades.
  EXPECT_TRUE(WebSocketClient(server.port(), "/ws/diag", kOrigin).connected());
}

// §12.2: close 1008 when one network holds websocket.max_per_network sockets already.
TEST(WebSocket, TooManyFromOneNetworkAreClosedWith1008) {
  ServerProcess server({{"websocket.max_per_network", "2"}});
  WebSocketClient first(server.port(), "/ws/diag", kOrigin, "127.0.0.2");
  WebSocketClient second(server.port(), "/ws/diag", kOrigin, "127.0.0.2");
  ASSERT_TRUE(first.connected() && second.connected());
  WebSocketClient third(server.port(), "/ws/diag", kOrigin, "127.0.0.2");
  ASSERT_TRUE(third.connected()) << "the upgrade completes, then closes with a reason";
  EXPECT_FALSE(third.Read(milliseconds(3000)));
  EXPECT_EQ(third.close_code(), 1008);
  WebSocketClient elsewhere(server.port(), "/ws/diag", kOrigin, "127.0.0.3");
  ASSERT_TRUE(elsewhere.connected());
  ASSERT_TRUE(elsewhere.Send("hello"));
  EXPECT_TRUE(elsewhere.Read(milliseconds(3000))) << "another network is unaffected";
}

TEST(WebSocket, DiagnosticEndpointIsAbsentByDefault) {
  ServerProcess server({{"testing.diagnostic_endpoints", "false"}});
  WebSocketClient client(server.port(), "/ws/diag", kOrigin);
  EXPECT_FALSE(client.connected());
  EXPECT_EQ(client.handshake_status(), 404);
}

TEST(WebSocket, NeighboursAreUnaffectedByAClosedConnection) {
  ServerProcess server({{"websocket.read_message_max_bytes", "1024"}});
  WebSocketClient good(server.port(), "/ws/diag", kOrigin);
  WebSocketClient bad(server.port(), "/ws/diag", kOrigin);
  bad.Send(std::string(5000, 'x'));
  EXPECT_FALSE(bad.Read());
  ASSERT_TRUE(good.Send("still here"));
  auto echo = good.Read();
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->data, "still here");
}

// With several event loops, WebSocket sessions still all live on the home loop.
TEST(WebSocket, SessionsWorkWhateverLoopAcceptedThem) {
  ServerProcess server({{"server.event_loop_threads", "3"}});
  std::vector<std::unique_ptr<WebSocketClient>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(std::make_unique<WebSocketClient>(server.port(), "/ws/diag", kOrigin));
    ASSERT_TRUE(clients.back()->connected()) << i;
  }
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(clients[i]->Send("loop test " + std::to_string(i)));
    auto echo = clients[i]->Read();
    ASSERT_TRUE(echo) << i;
    EXPECT_EQ(echo->data, "loop test " + std::to_string(i));
  }
  EXPECT_EQ(HttpGet(server.port(), "/healthz")->status, 200);
  server.Signal(SIGTERM);
  for (auto& client : clients) {
    EXPECT_FALSE(client->Read(milliseconds(3000)));
    EXPECT_EQ(client->close_code(), 1012);
  }
  EXPECT_EQ(server.WaitForExit(milliseconds(5000)), 0);
}

// A protocol error that arrives while the server's own close waits for the peer's close frame
// parked Beast's read and close operations on each other for good, and the connection's slot
// with them (found by fuzz/websocket_fuzzer): a client repeating it took every connection.
TEST(WebSocket, AProtocolErrorDuringTheServersCloseDoesNotKeepTheConnection) {
  ServerProcess server({{"server.max_connections", "8"}, {"server.counselor_reserved_connections", "1"},
                        {"websocket.handshake_timeout_ms", "300"}});
  auto frame = [](std::uint8_t first, std::string_view payload, bool masked) {
    std::string bytes{static_cast<char>(first), static_cast<char>((masked ? 0x80 : 0) | payload.size())};
    const char key[4] = {0x11, 0x22, 0x33, 0x44};
    if (masked) bytes.append(key, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) bytes.push_back(static_cast<char>(payload[i] ^ (masked ? key[i % 4] : 0)));
    return bytes;
  };
  for (int i = 0; i < 12; ++i) {
    RawConnection connection(server.port());
    connection.Send("GET /ws/diag HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: " +
                    kOrigin + "\r\n\r\n");
    auto upgraded = connection.ReadReply();
    ASSERT_TRUE(upgraded) << i;
    ASSERT_EQ(upgraded->status, 101) << i;
    // The server is asked to close; before its close frame is answered, an unmasked frame.
    connection.Send(frame(0x81, "close 4000", true) + frame(0x81, "unmasked", false));
    // Seven places, each given back within the 300 ms close deadline: twelve such clients fit
    // in turn, but only if every one is let go.
    std::this_thread::sleep_for(milliseconds(150));
  }
  std::this_thread::sleep_for(milliseconds(1000));  // past the close deadline
  auto page = HttpGet(server.port(), "/");
  ASSERT_TRUE(page) << "no connection left";
  EXPECT_EQ(page->status, 200);
}

}  // namespace
}  // namespace haven::testing
