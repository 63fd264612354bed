// An abusive partner with a laptop against the console API (issue 13 items 1 and 3), over real
// sockets against the real server: a login storm must not hold up counselors or revocation,
// and nobody may lock a counselor out by knowing the handle.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/certificate.h"
#include "crypto/revocation_list.h"
#include "tests/integration/support/console_api.h"
#include "tests/integration/support/helpline_bots.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"
#include "tests/integration/support/websocket_client.h"

namespace haven::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

// A POST from `source` (127.0.0.x: another network, as far as the server can tell).
int PostFrom(std::uint16_t port, const std::string& source, std::string_view path, const json::object& body,
             std::string* retry_after = nullptr) {
  std::string text = json::serialize(body);
  RawConnection connection(port, source);
  connection.Send("POST " + std::string(path) + " HTTP/1.1\r\nHost: x\r\nOrigin: " + std::string(kTestOrigin) +
                  "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(text.size()) +
                  "\r\nConnection: close\r\n\r\n" + text);
  auto reply = connection.ReadReply();
  if (!reply) return 0;
  if (retry_after) *retry_after = reply->Header("retry-after");
  return reply->status;
}

std::string LoginKeyOf(CounselorAccount& account, std::uint16_t port) {
  auto salt = PostJson(port, "/api/login/salt", {{"handle", account.handle}});
  const crypto::CounselorKeys* keys = KeysFor(account, *crypto::FromHex(std::string(salt.body.at("salt").as_string())));
  return crypto::ToHex(keys->login_key.bytes());
}

// Before: five wrong passphrases locked the account itself, the real counselor with the right
// passphrase and code was refused 429, and an unknown handle was never locked (so five tries
// told whether a handle exists).
TEST(Abuse, NobodyCanLockACounselorOutByKnowingTheHandle) {
  ServerProcess server({{"auth.login_attempts_per_minute", "20"}});
  auto account = EnrolCounselor(server, "c-1");
  std::string wrong(64, '7');
  auto attack = [&](const std::string& handle, std::string* retry_after = nullptr) {
    return PostFrom(server.port(), "127.0.0.2", "/api/login", {{"handle", handle}, {"login_key", wrong}, {"totp", "123456"}},
                    retry_after);
  };
  for (const std::string handle : {"c-1", "nobody-here"}) {
    for (int i = 0; i < 4; ++i) EXPECT_EQ(attack(handle), 401) << handle << " try " << i;
    std::string retry_after;
    EXPECT_EQ(attack(handle, &retry_after), 429) << handle << ": the fifth failure locks, known handle or not";
    EXPECT_EQ(retry_after, "30") << handle;
    EXPECT_EQ(attack(handle), 429) << handle;
  }
  // The counselor, from the office, logs in with the right passphrase and code at once.
  auto session = LogIn(server.port(), *account);
  ASSERT_TRUE(session) << "the counselor was locked out by someone else's failures";
  // Only the attacker's network is locked for that handle; and the lock was audited.
  EXPECT_EQ(PostFrom(server.port(), "127.0.0.2", "/api/login",
                     {{"handle", "c-1"}, {"login_key", LoginKeyOf(*account, server.port())}, {"totp", NextTotp(*account)}}),
            429);
}

// Before: 160 dropped logins with random handles queued 160 Argon2id hashes on the one worker
// queue that tickets and the admin socket shared: a ticket took 10 s and got 503, and
// `haven counselor revoke` failed. Now logins wait on their own bounded queue, work for a client
// that left is skipped, and tickets and the admin socket have threads of their own.
TEST(Abuse, ALoginStormHoldsUpNeitherCounselorsNorRevocation) {
  // The storm comes through the proxy from very many addresses, so per-network budgets do not
  // stop it: what is tested is that the queues keep the rest of the API moving.
  ServerProcess server({{"auth.require_totp", "false"}, {"http.trusted_proxies", "[\"127.0.0.1\"]"}});
  auto maria = EnrolCounselor(server, "c-maria");
  auto other = EnrolCounselor(server, "c-other");
  auto session = LogIn(server.port(), *maria);
  ASSERT_TRUE(session);
  ASSERT_TRUE(LogIn(server.port(), *other));  // records its certificate
  // What `haven counselor revoke` sends once it has signed the list (the signing, offline, is
  // not the server's time): the list naming c-other's certificate.
  auto certificate = crypto::ParseCertificate(other->certificate);
  ASSERT_TRUE(certificate);
  auto list = crypto::IssueRevocationList(crypto::RevocationIssuer::kOrgSigning,
                                          static_cast<std::uint64_t>(std::time(nullptr)), {certificate->fields.serial},
                                          *server.org().signing_key);
  ASSERT_TRUE(list);

  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  auto storm = [&](int seed) {
    std::mt19937 random(static_cast<unsigned>(seed));
    while (!stop.load()) {
      std::string address = "10." + std::to_string(random() % 256) + "." + std::to_string(random() % 256) + "." +
                            std::to_string(1 + random() % 254);
      std::string body = R"({"handle":"h-)" + std::to_string(random()) + R"(","login_key":")" + std::string(64, 'a') +
                         R"(","totp":"000000"})";
      try {
        RawConnection connection(server.port());
        connection.Send("POST /api/login HTTP/1.1\r\nHost: x\r\nOrigin: " + std::string(kTestOrigin) +
                        "\r\nX-Forwarded-For: " + address + "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body);
      } catch (...) {
      }  // dropped at once, as the attacker did
      ++sent;
      std::this_thread::sleep_for(milliseconds(20));  // 50 a second per thread
    }
  };
  std::vector<std::thread> attackers;
  for (int i = 0; i < 2; ++i) attackers.emplace_back(storm, i);  // ~100 a second: 10× the report's rate
  std::this_thread::sleep_for(milliseconds(500));

  std::vector<double> ticket_ms;
  for (int i = 0; i < 40; ++i) {
    auto started = std::chrono::steady_clock::now();
    auto ticket = MintTicket(server.port(), session->cookie);
    ticket_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
    EXPECT_TRUE(ticket) << "ticket " << i << " refused (before: 503 after 10 s)";
    std::this_thread::sleep_for(milliseconds(50));
  }
  auto revoke_started = std::chrono::steady_clock::now();
  auto revoked = AdminCall(server, {{"command", "revoke"}, {"handle", "c-other"}, {"revocation_list", crypto::ToHex(list->encoded)}});
  double revoke_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - revoke_started).count();
  stop = true;
  for (auto& attacker : attackers) attacker.join();

  std::sort(ticket_ms.begin(), ticket_ms.end());
  double p99 = ticket_ms[ticket_ms.size() * 99 / 100];
  // Printed, not judged: this test shares two cores with others. The targets (ticket p99 within
  // 500 ms, revocation within 1 s) are haven-bench abuse's, measured alone (README).
  std::cout << "login storm: " << sent.load() << " dropped logins; ticket p99 " << p99 << " ms; revoke " << revoke_ms << " ms\n";
  ASSERT_TRUE(revoked);
  EXPECT_FALSE(revoked->contains("error")) << json::serialize(*revoked);
}

// Before: 205 joins from one IPv6 /64 behind the proxy, each dropped right after `joined`, put
// 200 fake visitors in the queue for the 120 s resume window, and a real visitor from
// elsewhere was refused busy. Now the /64 is one network: it holds at most 5 places, dropped
// places go after the (shorter) queue window, and the real visitor gets in.
TEST(Abuse, AJoinFloodFromOneNetworkCannotFillTheQueue) {
  ServerProcess server({{"http.trusted_proxies", R"(["127.0.0.1"])"},
                        {"helpline.max_waiting_per_network", "5"},
                        {"helpline.visitor_connections_per_minute", "1000"},  // so the waiting bound is what stops it
                        {"helpline.visitor_queue_resume_window_seconds", "5"},
                        {"helpline.max_queue_length", "20"}});
  auto counselor = EnrolCounselor(server, "c-1");
  CounselorBot on_duty(server, *counselor);
  on_duty.Duty("available");
  int joined = 0, busy = 0;
  for (int i = 0; i < 60; ++i) {
    char address[64];
    std::snprintf(address, sizeof address, "2001:db8:1:2:%x::%x", i, i + 1);  // one /64, many addresses
    std::string answer = JoinOnce(server, address);
    if (answer == "joined") ++joined;
    if (answer == "busy") ++busy;
  }
  EXPECT_EQ(joined, 5);
  EXPECT_EQ(busy, 55);
  // A real visitor from elsewhere is admitted.
  EXPECT_EQ(JoinOnce(server, "198.51.100.20"), "joined");
  // The dropped places go after the queue window: the /64 may join again.
  std::this_thread::sleep_for(milliseconds(6500));
  EXPECT_EQ(JoinOnce(server, "2001:db8:1:2::99"), "joined");
}

// Before: a flood from many networks could take every place in the queue at no cost but a
// socket. Now, once the queue is under pressure, the welcome carries a puzzle, a join without
// its solution is refused (bad_solution, close 1008), and an honest visitor that solves it
// joins: each place then costs the flooder solutions × 2^bits hashes.
TEST(Abuse, UnderPressureEveryPlaceInTheQueueCostsAProofOfWork) {
  ServerProcess server({{"http.trusted_proxies", R"(["127.0.0.1"])"},
                        {"metrics.token", "\"metrics-token-0123456789abcdef\""},
                        {"helpline.offer_chats", "false"},
                        {"helpline.puzzle_from_waiting", "3"},
                        {"helpline.puzzle_from_joins_per_minute", "1000"},
                        {"helpline.puzzle_bits", "12"},
                        {"helpline.puzzle_solutions", "8"}});
  auto counselor = EnrolCounselor(server, "c-1");
  CounselorBot on_duty(server, *counselor);
  on_duty.Duty("available");
  auto welcome_of = [](WebSocketClient& ws) {
    auto message = ws.Read();
    return message ? json::parse(message->data).as_object() : json::object{};
  };
  auto raw_join = R"({"type":"join","profile":{"language":"bg","age_band":"","in_danger":""}})";
  // A quiet helpline asks nothing: three visitors join with a bare join.
  std::vector<std::unique_ptr<WebSocketClient>> quiet;
  for (int i = 0; i < 3; ++i) {
    quiet.push_back(std::make_unique<WebSocketClient>(server.port(), "/ws/visitor", std::string(kTestOrigin), "127.0.0.1",
                                                      "198.51.100." + std::to_string(10 + i)));
    EXPECT_FALSE(welcome_of(*quiet.back()).contains("puzzle"));
    quiet.back()->Send(raw_join);
    auto joined = quiet.back()->Read();
    ASSERT_TRUE(joined);
    EXPECT_EQ(JsonString(json::parse(joined->data).as_object(), "type"), "joined");
  }
  // Three waiting: the next visitor is asked for a proof of work, and a join without it fails.
  WebSocketClient flooder(server.port(), "/ws/visitor", std::string(kTestOrigin), "127.0.0.1", "203.0.113.7");
  json::object welcome = welcome_of(flooder);
  ASSERT_TRUE(welcome.contains("puzzle")) << json::serialize(welcome);
  const json::object& puzzle = welcome.at("puzzle").as_object();
  EXPECT_EQ(JsonHex(puzzle, "challenge").size(), 32u);
  EXPECT_EQ(puzzle.at("bits").as_int64(), 12);
  EXPECT_EQ(puzzle.at("solutions").as_int64(), 8);
  flooder.Send(raw_join);
  auto refused = flooder.Read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(JsonString(json::parse(refused->data).as_object(), "code"), "bad_solution");
  while (flooder.Read()) {
  }
  EXPECT_EQ(flooder.close_code(), 1008);
  // An honest visitor solves it and is in the queue.
  EXPECT_EQ(JoinOnce(server, "203.0.113.8"), "joined");
  // What the flood cost shows in /metrics, never who sent it.
  auto metrics = HttpGet(server.port(), "/metrics", "Authorization: Bearer metrics-token-0123456789abcdef\r\n");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("haven_join_puzzles_total 2"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("haven_errors_total{code=\"bad_solution\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace haven::testing
