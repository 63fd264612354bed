// Haven behind a reverse proxy: a trusted proxy's X-Forwarded-For names the client for the
// per-address visitor limit; anyone else's is ignored; neither address is ever written down.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "tests/integration/support/helpline_bots.h"
#include "tests/integration/support/run_haven.h"
#include "tests/integration/support/server_process.h"
#include "tests/integration/support/websocket_client.h"

namespace haven::testing {
namespace {

namespace json = boost::json;

TEST(Proxy, ATrustedProxysForwardedAddressIsTheClient) {
  ServerProcess server({{"http.trusted_proxies", R"(["127.0.0.1"])"}, {"helpline.visitor_connections_per_minute", "2"}});
  // Nobody is on duty, so a visitor the limit lets through is told "offline".
  EXPECT_EQ(JoinOnce(server, "198.51.100.7"), "offline");
  EXPECT_EQ(JoinOnce(server, "198.51.100.7"), "offline");
  EXPECT_EQ(JoinOnce(server, "198.51.100.7"), "rate_limited");
  // The proxy appends the address it saw: only the last entry counts, whatever the client wrote before it.
  EXPECT_EQ(JoinOnce(server, "198.51.100.7, 203.0.113.9"), "offline");
  EXPECT_EQ(JoinOnce(server, "203.0.113.9, 198.51.100.7"), "rate_limited");
  EXPECT_EQ(JoinOnce(server, "not-an-address"), "handshake 400");

  std::string written = server.AllFileBytes() + server.StandardError() + server.StandardOutput();
  EXPECT_EQ(written.find("198.51.100.7"), std::string::npos);
  EXPECT_EQ(written.find("203.0.113.9"), std::string::npos);
}

TEST(Proxy, AnUntrustedPeerCannotPickItsAddress) {
  ServerProcess server({{"helpline.visitor_connections_per_minute", "2"}});
  EXPECT_EQ(JoinOnce(server, "198.51.100.1"), "offline");
  EXPECT_EQ(JoinOnce(server, "198.51.100.2"), "offline");
  EXPECT_EQ(JoinOnce(server, "198.51.100.3"), "rate_limited");
}

TEST(Proxy, TrustedProxiesMustBeAddresses) {
  ServerProcess server;
  std::ofstream(server.dir() / "bad.toml") << "[http]\ntrusted_proxies = [\"proxy.local\"]\n";
  auto [status, output] = RunHaven("serve --check-config --config " + (server.dir() / "bad.toml").string());
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("http.trusted_proxies"), std::string::npos) << output;
}

}  // namespace
}  // namespace haven::testing
