// docs/protocol.md 12.5, "Conformance", walked row by row against the real server over real
// sockets: for every error, refusal and close code the server sends, the client action that
// provokes it, and what the client gets.
#include <gtest/gtest.h>

#include <csignal>
#include <ctime>

#include "crypto/bytes.h"
#include "crypto/certificate.h"
#include "crypto/revocation_list.h"
#include "tests/integration/support/console_api.h"
#include "tests/integration/support/helpline_bots.h"
#include "tests/integration/support/server_process.h"
#include "tests/integration/support/websocket_client.h"

namespace haven::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

const std::string kJoin = R"({"type":"join","profile":{"language":"bg","age_band":"","in_danger":""}})";

// A raw visitor socket, past its welcome.
struct RawVisitor {
  explicit RawVisitor(ServerProcess& server) : ws(server.port(), "/ws/visitor", std::string(kTestOrigin)) {
    welcome = Next("welcome");
  }
  // The next message of `type`, skipping others; empty when the connection ended first.
  json::object Next(std::string_view type) {
    while (auto message = ws.Read()) {
      if (message->binary) continue;
      json::object object = json::parse(message->data).as_object();
      if (JsonString(object, "type") == type) return object;
    }
    return {};
  }
  // Reads until the server closes; its close code (0: no close frame).
  int ClosedWith(milliseconds timeout = milliseconds(5000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!ws.ended() && std::chrono::steady_clock::now() < deadline) ws.Read(milliseconds(200));
    return ws.close_code().value_or(0);
  }
  WebSocketClient ws;
  json::object welcome;
};

// The next `rejected` (or `error`) after what `counselor` has seen so far.
json::object Answer(CounselorBot& counselor, std::string_view type, std::size_t seen) {
  json::object found;
  counselor.Until([&] {
    for (std::size_t i = seen; i < counselor.control.size(); ++i) {
      if (JsonString(counselor.control[i], "type") == type) {
        found = counselor.control[i];
        return true;
      }
    }
    return false;
  });
  return found;
}

// Sends `message` and returns the `rejected` it provokes.
json::object Rejected(CounselorBot& counselor, const json::object& message) {
  std::size_t seen = counselor.control.size();
  counselor.Send(message);
  return Answer(counselor, "rejected", seen);
}

std::string RandomChat() { return std::string(32, 'e'); }

// Rows `bad_message`, `unknown_type`, `not_allowed_now`, `bad_frame`, `unknown_chat`, 1000,
// 4000, 4008, 4009, 1009: a visitor's mistakes.
TEST(Conformance, WhatAVisitorCanProvoke) {
  ServerProcess server({{"helpline.hello_timeout_ms", "1000"}});
  auto account = EnrolCounselor(server, "c-1");
  CounselorBot on_duty(server, *account);
  on_duty.Duty("available");
  on_duty.Until([&] { return on_duty.LastOf("status").has_value(); });

  {  // bad_message: not JSON, counted
    RawVisitor visitor(server);
    visitor.ws.Send("{not json");
    EXPECT_EQ(JsonString(visitor.Next("error"), "code"), "bad_message");
  }
  {  // unknown_type
    RawVisitor visitor(server);
    visitor.ws.Send(R"({"type":"dance"})");
    EXPECT_EQ(JsonString(visitor.Next("error"), "code"), "unknown_type");
  }
  {  // bad_frame: a binary frame before joining
    RawVisitor visitor(server);
    visitor.ws.Send(std::string(23, '\x01'), true);
    EXPECT_EQ(JsonString(visitor.Next("error"), "code"), "bad_frame");
  }
  {  // not_allowed_now: a second join; then 4000 after five counted errors in all
    RawVisitor visitor(server);
    visitor.ws.Send(kJoin);
    ASSERT_FALSE(visitor.Next("joined").empty());
    visitor.ws.Send(kJoin);
    EXPECT_EQ(JsonString(visitor.Next("error"), "code"), "not_allowed_now");
    for (int i = 0; i < 4; ++i) visitor.ws.Send("{not json");
    EXPECT_EQ(visitor.ClosedWith(), 4000);
  }
  {  // unknown_chat: resume with a chat or token the server does not know; then close 1000
    RawVisitor visitor(server);
    visitor.ws.Send(R"({"type":"resume","chat_id":")" + RandomChat() + R"(","resume_token":")" + std::string(64, '0') + R"("})");
    EXPECT_EQ(JsonString(visitor.Next("error"), "code"), "unknown_chat");
    EXPECT_EQ(visitor.ClosedWith(), 1000);
  }
  {  // 1000: leave, with nothing after it
    RawVisitor visitor(server);
    visitor.ws.Send(kJoin);
    ASSERT_FALSE(visitor.Next("joined").empty());
    visitor.ws.Send(R"({"type":"leave"})");
    EXPECT_TRUE(visitor.Next("ended").empty()) << "no `ended` after `leave`";
    EXPECT_EQ(visitor.ws.close_code(), 1000);
  }
  {  // 4009: the same chat resumed on another connection replaces this one
    RawVisitor first(server);
    first.ws.Send(kJoin);
    json::object joined = first.Next("joined");
    RawVisitor second(server);
    second.ws.Send(json::serialize(json::object{{"type", "resume"}, {"chat_id", joined.at("chat_id")},
                                                {"resume_token", joined.at("resume_token")}}));
    EXPECT_EQ(JsonString(second.Next("resumed"), "state"), "waiting");
    EXPECT_EQ(first.ClosedWith(), 4009);
  }
  {  // 1009: a message over websocket.read_message_max_bytes (8192)
    RawVisitor visitor(server);
    visitor.ws.Send(std::string(9000, ' '));
    EXPECT_EQ(visitor.ClosedWith(), 1009);
  }
  {  // 4008: neither join nor resume within helpline.hello_timeout_ms
    RawVisitor visitor(server);
    EXPECT_EQ(visitor.ClosedWith(), 4008);
  }
}

// Rows `auth_failed` 4001, `not_allowed_now`, `not_on_duty`, `not_allowed`, `unknown_chat`,
// `not_your_chat`, `wrong_state`, `bad_wrap_up`, `at_capacity`, `no_such_offer`,
// `target_unavailable`, 4029, 4009, 4003: a counselor's.
TEST(Conformance, WhatACounselorCanProvoke) {
  ServerProcess server;
  // 9: the Origin check applies to the console's socket too.
  WebSocketClient foreign(server.port(), "/ws/counselor", std::string("http://elsewhere.example"));
  EXPECT_EQ(foreign.handshake_status(), 403);
  {  // auth_failed, then 4001
    WebSocketClient ws(server.port(), "/ws/counselor", std::string(kTestOrigin));
    ws.Send(R"({"type":"take_next"})");  // not_allowed_now: a command before auth
    auto first = ws.Read();
    ASSERT_TRUE(first);
    EXPECT_EQ(JsonString(json::parse(first->data).as_object(), "code"), "not_allowed_now");
    ws.Send(R"({"type":"auth","ticket":")" + std::string(64, '0') + R"("})");
    auto refused = ws.Read();
    ASSERT_TRUE(refused);
    EXPECT_EQ(JsonString(json::parse(refused->data).as_object(), "code"), "auth_failed");
    while (ws.Read()) {
    }
    EXPECT_EQ(ws.close_code(), 4001);
  }
  Chat chat = StartChat(server, "c-1");  // c-1 holds a chat (max_chats 2)
  CounselorBot& holder = *chat.counselor;
  std::string id = chat.visitor->chat();
  auto other_account = EnrolCounselor(server, "c-2", "counselor", 1);
  CounselorBot other(server, *other_account);

  EXPECT_EQ(JsonString(Rejected(other, {{"type", "take_next"}}), "code"), "not_on_duty");
  EXPECT_EQ(JsonString(Rejected(other, {{"type", "watch"}}), "code"), "not_allowed");
  json::object unknown = Rejected(other, {{"type", "end"}, {"chat_id", RandomChat()}});
  EXPECT_EQ(JsonString(unknown, "code"), "unknown_chat");
  EXPECT_EQ(JsonString(unknown, "chat_id"), RandomChat());
  EXPECT_EQ(JsonString(Rejected(other, {{"type", "end"}, {"chat_id", id}}), "code"), "not_your_chat");
  EXPECT_EQ(JsonString(Rejected(other, {{"type", "answer_offer"}, {"chat_id", RandomChat()}, {"accept", true}}), "code"),
            "no_such_offer");
  json::object early = Rejected(holder, {{"type", "wrap_up"}, {"chat_id", id}, {"categories", json::array{}},
                                         {"age_band", ""}, {"outcome", "support_given"}, {"referral", false}});
  EXPECT_EQ(JsonString(early, "code"), "wrong_state");
  EXPECT_EQ(JsonString(Rejected(holder, {{"type", "transfer"}, {"chat_id", id}, {"to", "c-2"}}), "code"),
            "target_unavailable");  // c-2 is off duty

  // at_capacity: c-2 (max_chats 1) on duty with a chat asks for another.
  other.Duty("available");
  VisitorBot second_visitor(server);
  ASSERT_TRUE(second_visitor.Join());
  ASSERT_TRUE(other.Until([&] { return other.LastOf("offer").has_value(); }));
  other.Send({{"type", "answer_offer"}, {"chat_id", second_visitor.chat()}, {"accept", true}});
  ASSERT_TRUE(other.Until([&] { return other.LastOf("assigned").has_value(); }));
  EXPECT_EQ(JsonString(Rejected(other, {{"type", "take_next"}}), "code"), "at_capacity");

  // wrong_state: going off duty while holding a chat (11.3, the duty table).
  EXPECT_EQ(JsonString(Rejected(holder, {{"type", "duty"}, {"state", "off"}}), "code"), "wrong_state");

  // bad_wrap_up: an ended chat, a category that is not one of ready's codes; never counted.
  std::size_t seen = holder.control.size();
  holder.Send({{"type", "end"}, {"chat_id", id}});
  Answer(holder, "ended", seen);
  for (int i = 0; i < 6; ++i) {
    json::object refused = Rejected(holder, {{"type", "wrap_up"}, {"chat_id", id}, {"categories", json::array{"made_up"}},
                                             {"age_band", ""}, {"outcome", "support_given"}, {"referral", false}});
    EXPECT_EQ(JsonString(refused, "code"), "bad_wrap_up");
    EXPECT_EQ(JsonString(refused, "chat_id"), id);
  }
  EXPECT_FALSE(holder.close_code().has_value()) << "rejections are never counted";

  // 4009: the same counselor connecting again replaces the older connection.
  CounselorBot again(server, *chat.account);
  ASSERT_TRUE(again.connected());
  holder.Until([&] { return holder.close_code().has_value(); });
  EXPECT_EQ(holder.close_code(), 4009);

  // 4029: control messages beyond helpline.control_messages_per_second (10, burst 20).
  std::size_t before = other.control.size();
  for (int i = 0; i < 30; ++i) other.Send({{"type", "colleagues"}});
  EXPECT_EQ(JsonString(Answer(other, "error", before), "code"), "rate_limited");
  other.Until([&] { return other.close_code().has_value(); });
  EXPECT_EQ(other.close_code(), 4029);

  // 4003: a revoked counselor is closed whenever the revocation happens.
  auto certificate = crypto::ParseCertificate(chat.account->certificate);
  ASSERT_TRUE(certificate);
  auto list = crypto::IssueRevocationList(crypto::RevocationIssuer::kOrgSigning,
                                          static_cast<std::uint64_t>(std::time(nullptr)), {certificate->fields.serial},
                                          *server.org().signing_key);
  ASSERT_TRUE(list);
  auto revoked = AdminCall(server, {{"command", "revoke"}, {"handle", "c-1"}, {"revocation_list", crypto::ToHex(list->encoded)}});
  ASSERT_TRUE(revoked);
  again.Until([&] { return again.close_code().has_value(); });
  EXPECT_EQ(again.close_code(), 4003);
}

// Row `offer_pending`: take_next while an offer to this counselor is open.
TEST(Conformance, TakeNextWhileAnOfferIsOpen) {
  ServerProcess server;
  Chat offered = OfferChat(server);
  EXPECT_EQ(JsonString(Rejected(*offered.counselor, {{"type", "take_next"}}), "code"), "offer_pending");
}

// Rows 1008 (too many WebSockets from one network; a puzzle not solved, with `bad_solution`)
// and 1012 (the server restarts).
TEST(Conformance, PolicyAndRestartCloses) {
  {
    ServerProcess server({{"websocket.max_per_network", "3"}});
    std::vector<std::unique_ptr<WebSocketClient>> held;
    for (int i = 0; i < 3; ++i) {
      held.push_back(std::make_unique<WebSocketClient>(server.port(), "/ws/visitor", std::string(kTestOrigin)));
      ASSERT_TRUE(held.back()->Read());  // welcome
    }
    WebSocketClient fourth(server.port(), "/ws/visitor", std::string(kTestOrigin));
    EXPECT_FALSE(fourth.Read());
    EXPECT_EQ(fourth.close_code(), 1008);
  }
  {
    ServerProcess server({{"helpline.puzzle_from_waiting", "0"}, {"helpline.puzzle_solutions", "4"}, {"helpline.puzzle_bits", "4"}});
    RawVisitor visitor(server);
    ASSERT_TRUE(visitor.welcome.contains("puzzle"));
    visitor.ws.Send(kJoin);
    EXPECT_EQ(JsonString(visitor.Next("error"), "code"), "bad_solution");
    EXPECT_EQ(visitor.ClosedWith(), 1008);
  }
  {
    ServerProcess server;
    RawVisitor visitor(server);
    server.Signal(SIGTERM);
    EXPECT_EQ(visitor.ClosedWith(), 1012);
  }
}

}  // namespace
}  // namespace haven::testing
