// The helpline end to end: the real server, real sockets, real encryption on both ends.
#include <gtest/gtest.h>
#include <signal.h>

#include "crypto/credentials.h"
#include "server/helpline/envelope.h"
#include "tests/integration/support/helpline_bots.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/run_haven.h"

namespace haven::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

std::string Str(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : "";
}

TEST(Helpline, EncryptedChatThroughTheQueueAndAWrapUp) {
  ServerProcess server;
  Chat chat = StartChat(server);
  std::string id = chat.visitor->chat();
  EXPECT_EQ(chat.visitor->counselor_name(), "Counselor c-1");
  ASSERT_TRUE(chat.counselor->Say(id, "Здравей, тук съм. Как мога да помогна?"));
  ASSERT_TRUE(chat.visitor->Until([&] { return chat.visitor->heard().size() == 1; }));
  EXPECT_EQ(chat.visitor->heard()[0], "Здравей, тук съм. Как мога да помогна?");
  chat.visitor->Say("Благодаря. Страх ме е да се прибера.");
  ASSERT_TRUE(chat.counselor->Until([&] { return chat.counselor->heard[id].size() == 1; }));
  EXPECT_EQ(chat.counselor->heard[id][0], "Благодаря. Страх ме е да се прибера.");
  chat.counselor->End(id);
  ASSERT_TRUE(chat.visitor->Until([&] { return chat.visitor->ended().has_value(); }));
  EXPECT_EQ(*chat.visitor->ended(), "counselor_ended");
  chat.counselor->Send({{"type", "wrap_up"}, {"chat_id", id}, {"categories", json::array{"physical_violence"}},
                        {"age_band", "26-40"}, {"outcome", "safety_plan"}, {"referral", true}});
  EXPECT_TRUE(chat.counselor->Until([&] { return chat.counselor->LastOf("wrap_up_saved").has_value(); }));
}

TEST(Helpline, DroppedVisitorResumesWithEveryFrameExactlyOnce) {
  ServerProcess server;
  Chat chat = StartChat(server);
  std::string id = chat.visitor->chat();
  chat.counselor->Say(id, "one");
  ASSERT_TRUE(chat.visitor->Until([&] { return chat.visitor->heard().size() == 1; }));
  chat.visitor->Drop();
  ASSERT_TRUE(chat.counselor->Until([&] {
    auto peer = chat.counselor->LastOf("peer");
    return peer && !peer->at("connected").as_bool();
  }));
  for (const char* text : {"two", "three", "four"}) chat.counselor->Say(id, text);
  chat.counselor->Until([] { return false; }, milliseconds(300));
  ASSERT_TRUE(chat.visitor->Resume());
  ASSERT_TRUE(PumpUntil([&] { return chat.visitor->heard().size() == 4; }, {chat.visitor.get(), chat.counselor.get()}));
  PumpUntil([] { return false; }, {chat.visitor.get(), chat.counselor.get()}, milliseconds(500));  // extras would show
  EXPECT_EQ(chat.visitor->heard(), (std::vector<std::string>{"one", "two", "three", "four"}));
  chat.visitor->Say("back");
  ASSERT_TRUE(PumpUntil([&] { return chat.counselor->heard[id].size() == 1; }, {chat.visitor.get(), chat.counselor.get()}));
}

TEST(Helpline, ServerKilledMidChatLosesAndRepeatsNothing) {
  ServerProcess server;
  Chat chat = StartChat(server);
  std::string id = chat.visitor->chat();
  std::vector<std::string> from_visitor, from_counselor;
  for (int i = 0; i < 5; ++i) {
    from_visitor.push_back("visitor " + std::to_string(i));
    from_counselor.push_back("counselor " + std::to_string(i));
    chat.visitor->Say(from_visitor.back());
    chat.counselor->Say(id, from_counselor.back());
  }
  PumpUntil([&] { return chat.counselor->heard[id].size() >= 2; }, {chat.visitor.get(), chat.counselor.get()},
            milliseconds(2000));
  server.Restart(SIGKILL);
  // While the server is down and coming back, both keep typing.
  for (int i = 5; i < 8; ++i) {
    from_visitor.push_back("visitor " + std::to_string(i));
    from_counselor.push_back("counselor " + std::to_string(i));
    chat.visitor->Say(from_visitor.back());
    chat.counselor->Say(id, from_counselor.back());
  }
  ASSERT_TRUE(chat.visitor->Resume());
  ASSERT_TRUE(chat.counselor->Reconnect());
  ASSERT_TRUE(PumpUntil([&] {
    return chat.visitor->heard().size() >= from_counselor.size() && chat.counselor->heard[id].size() >= from_visitor.size();
  }, {chat.visitor.get(), chat.counselor.get()}))
      << "the visitor heard " << chat.visitor->heard().size() << ", the counselor " << chat.counselor->heard[id].size();
  PumpUntil([] { return false; }, {chat.visitor.get(), chat.counselor.get()}, milliseconds(500));
  EXPECT_EQ(chat.visitor->heard(), from_counselor);
  EXPECT_EQ(chat.counselor->heard[id], from_visitor);
}

TEST(Helpline, TransferMovesTheVisitorToTheAuthorisedColleague) {
  ServerProcess server;
  Chat chat = StartChat(server, "c-1");
  std::string id = chat.visitor->chat();
  auto second_account = EnrolCounselor(server, "c-2");
  CounselorBot second(server, *second_account);
  second.Duty("available");
  chat.counselor->Send({{"type", "colleagues"}});
  ASSERT_TRUE(chat.counselor->Until([&] { return chat.counselor->LastOf("colleagues").has_value(); }));
  auto colleagues = chat.counselor->LastOf("colleagues");
  const auto& list = colleagues->at("list").as_array();
  ASSERT_EQ(list.size(), 1u);
  auto certificate = crypto::FromHex(Str(list[0].as_object(), "certificate"));
  ASSERT_TRUE(certificate);
  ASSERT_TRUE(chat.counselor->AuthoriseTransfer(id, *certificate));
  // The visitor takes in the authorisation before the control message goes.
  ASSERT_TRUE(PumpUntil([&] { return chat.visitor->authorised_leg() == 1; }, {chat.visitor.get(), chat.counselor.get()}));
  // The handover note (§8.1) is sealed for c-2 in the console; to the server it is opaque bytes it
  // passes on unchanged.
  std::string note(2 * 300, '5');
  chat.counselor->Send({{"type", "transfer"}, {"chat_id", id}, {"to", "c-2"}, {"note", note}});
  ASSERT_TRUE(second.Until([&] { return second.LastOf("transfer_offer").has_value(); }));
  EXPECT_EQ(Str(*second.LastOf("transfer_offer"), "note"), note);
  EXPECT_EQ(second.LastOf("transfer_offer")->at("leg").as_int64(), 1);
  // protocol.md 8: a visitor that resumes while the transfer is pending is still on leg 0 with c-1.
  chat.visitor->Drop();
  ASSERT_TRUE(chat.visitor->Resume());
  json::object resumed;
  for (const auto& message : chat.visitor->control()) {
    if (Str(message, "type") == "resumed") resumed = message;
  }
  EXPECT_EQ(Str(resumed, "state"), "active");
  EXPECT_EQ(resumed.at("leg").as_int64(), 0);
  EXPECT_EQ(Str(resumed.at("counselor").as_object(), "handle"), "c-1");
  second.Send({{"type", "answer_transfer"}, {"chat_id", id}, {"accept", true}});
  ASSERT_TRUE(PumpUntil([&] {
    return second.ready_for(id) && chat.visitor->verified() && chat.visitor->counselor_name() == "Counselor c-2";
  }, {&second, chat.visitor.get(), chat.counselor.get()}));
  second.Say(id, "I am c-2; I will continue with you.");
  ASSERT_TRUE(chat.visitor->Until([&] { return !chat.visitor->heard().empty(); }));
  EXPECT_EQ(chat.visitor->heard().back(), "I am c-2; I will continue with you.");
  chat.counselor->Send({{"type", "end"}, {"chat_id", id}});
  ASSERT_TRUE(chat.counselor->Until([&] { return chat.counselor->LastOf("rejected").has_value(); }));
  EXPECT_EQ(Str(*chat.counselor->LastOf("rejected"), "code"), "not_your_chat");
}

// protocol.md 10, frame limits. Before: every frame cost one unit of one budget, so a visitor
// acknowledging each of a counselor's 150 texts as it arrived (as 10 allows) was closed 4029.
TEST(Helpline, AVisitorAckingEveryFrameOfABurstStaysConnected) {
  ServerProcess server;
  Chat chat = StartChat(server, "c-1");
  std::string id = chat.visitor->chat();
  for (int i = 0; i < 150; ++i) chat.counselor->Say(id, "line " + std::to_string(i));
  ASSERT_TRUE(chat.visitor->Until([&] { return chat.visitor->heard().size() == 150; }));
  EXPECT_FALSE(chat.visitor->closed());
  chat.visitor->Say("still here");
  ASSERT_TRUE(chat.counselor->Until([&] { return !chat.counselor->heard[id].empty(); }));
  EXPECT_EQ(chat.counselor->heard[id].back(), "still here");
}

// protocol.md 11.2. Before: the visitor being offered kept her old number until the offer was
// answered, and the visitor behind her was told the same one.
TEST(Helpline, AVisitorBeingOfferedIsToldHerPlace) {
  ServerProcess server({{"helpline.position_update_interval_ms", "100"}});
  auto first_account = EnrolCounselor(server, "c-1", "counselor", 1);
  CounselorBot first(server, *first_account);
  first.Duty("available");
  VisitorBot a(server), b(server), c(server);
  ASSERT_TRUE(a.Join());
  ASSERT_TRUE(first.Until([&] { return first.LastOf("offer").has_value(); }));
  ASSERT_TRUE(b.Join());
  ASSERT_TRUE(c.Join());
  first.Send({{"type", "answer_offer"}, {"chat_id", a.chat()}, {"accept", true}});
  auto second_account = EnrolCounselor(server, "c-2", "counselor", 1);
  CounselorBot second(server, *second_account);
  second.Duty("available");  // b is offered to c-2; b and c move up
  ASSERT_TRUE(second.Until([&] { return second.LastOf("offer").has_value(); }));
  EXPECT_TRUE(PumpUntil([&] { return b.position() == 1u && c.position() == 2u; }, {&b, &c}, milliseconds(3000)))
      << "b at " << b.position().value_or(0) << ", c at " << c.position().value_or(0);
}

// protocol.md 11.3: take_next during a break takes a chat and ends the break; with nothing to
// take the break goes on (before, it silently made the counselor available).
TEST(Helpline, TakeNextDuringABreakEndsItOnlyWithAChat) {
  ServerProcess server;  // chats are offered to available counselors
  auto account = EnrolCounselor(server, "c-1");
  CounselorBot counselor(server, *account);
  counselor.Duty("available");
  counselor.Duty("away");
  ASSERT_TRUE(counselor.Until([&] { auto s = counselor.LastOf("status"); return s && Str(*s, "state") == "away"; }));
  counselor.Send({{"type", "take_next"}});
  ASSERT_TRUE(counselor.Until([&] { return counselor.LastOf("nothing_to_take").has_value(); }));
  EXPECT_EQ(Str(*counselor.LastOf("status"), "state"), "away");
  VisitorBot visitor(server);
  ASSERT_TRUE(visitor.Join());
  // Still on a break: nobody offers her the chat (the old code had made her available without a
  // word, and the offer came).
  counselor.Until([] { return false; }, milliseconds(1500));
  EXPECT_FALSE(counselor.LastOf("offer").has_value());
  counselor.Send({{"type", "take_next"}});
  ASSERT_TRUE(counselor.Until([&] { return counselor.LastOf("assigned").has_value(); }));
  ASSERT_TRUE(counselor.Until([&] { return Str(*counselor.LastOf("status"), "state") == "available"; }));
}

TEST(Helpline, QueueServesFiftyVisitorsInOrderWithHonestPositions) {
  ServerProcess server({{"helpline.visitor_connections_per_minute", "1000"},
                        {"helpline.position_update_interval_ms", "100"},
                        {"helpline.offer_chats", "false"}});
  auto account = EnrolCounselor(server, "c-1", "counselor", 16);
  CounselorBot counselor(server, *account);
  counselor.Duty("available");
  std::vector<std::unique_ptr<VisitorBot>> visitors;
  for (int i = 0; i < 50; ++i) {
    visitors.push_back(std::make_unique<VisitorBot>(server));
    ASSERT_TRUE(visitors.back()->Join()) << i;
    ASSERT_TRUE(visitors.back()->Until([&] { return visitors.back()->position().has_value(); }));
    EXPECT_EQ(*visitors.back()->position(), static_cast<std::size_t>(i + 1));
  }
  // "Take next" serves them in arrival order; those still waiting move up.
  for (int i = 0; i < 10; ++i) {
    counselor.Send({{"type", "take_next"}});
    ASSERT_TRUE(counselor.Until([&] { return counselor.CountOf("assigned") == static_cast<std::size_t>(i + 1); }));
    EXPECT_EQ(Str(*counselor.LastOf("assigned"), "chat_id"), visitors[i]->chat());
  }
  ASSERT_TRUE(visitors[20]->Until([&] { return visitors[20]->position() == 11u; }, milliseconds(5000)))
      << "position " << visitors[20]->position().value_or(0);
  ASSERT_TRUE(visitors[49]->Until([&] { return visitors[49]->position() == 40u; }, milliseconds(5000)));
}

TEST(Helpline, BusyAndOfflineAreSaidPlainly) {
  ServerProcess server({{"helpline.max_queue_length", "2"}, {"helpline.offer_chats", "false"}});
  VisitorBot early(server);
  EXPECT_FALSE(early.Join());
  EXPECT_EQ(early.refused(), "offline");
  auto account = EnrolCounselor(server, "c-1");
  CounselorBot counselor(server, *account);
  counselor.Duty("available");  // on duty, but with offers off it takes nobody: the queue fills
  counselor.Until([] { return false; }, milliseconds(200));
  VisitorBot first(server), second(server), third(server);
  EXPECT_TRUE(first.Join());
  EXPECT_TRUE(second.Join());
  EXPECT_FALSE(third.Join());
  EXPECT_EQ(third.refused(), "busy");
  EXPECT_TRUE(third.Until([&] { return third.closed(); }));
  EXPECT_EQ(third.socket().close_code(), 1000);
}

// What the widget draws first comes from GET /api/helpline: the configured numbers (the shipped
// three), whether anyone is on duty, the opening hours and the confidentiality statement.
TEST(Helpline, TheWidgetLearnsNumbersAndDutyBeforeAnyJoin) {
  ServerProcess server({{"helpline.opening_hours", R"(["bg|Всеки ден от 9:00 до 21:00.", "en|Every day from 9:00 to 21:00."])"}});
  auto info = [&server] {
    auto reply = HttpGet(server.port(), "/api/helpline");
    EXPECT_TRUE(reply && reply->status == 200);
    EXPECT_EQ(reply ? reply->Header("content-type") : "", "application/json");
    EXPECT_EQ(reply ? reply->Header("cache-control") : "", "no-store");
    return reply ? json::parse(reply->body).as_object() : json::object{};
  };
  auto before = info();
  const auto& numbers = before.at("emergency_numbers").as_array();
  ASSERT_EQ(numbers.size(), 3u);
  EXPECT_EQ(Str(numbers[2].as_object(), "number"), "0800 1 86 76");
  EXPECT_EQ(Str(numbers[2].as_object().at("label").as_object(), "en"), "National helpline for survivors of domestic violence – free");
  EXPECT_FALSE(before.at("on_duty").as_bool());
  EXPECT_EQ(Str(before.at("opening_hours").as_object(), "bg"), "Всеки ден от 9:00 до 21:00.");
  EXPECT_TRUE(Str(before.at("confidentiality").as_object(), "en").starts_with("The conversation is confidential."));

  auto account = EnrolCounselor(server, "c-1");
  CounselorBot counselor(server, *account);
  counselor.Duty("available");
  // The duty gauge the answer reads is refreshed once a second.
  bool on_duty = false;
  for (int i = 0; i < 30 && !on_duty; ++i) {
    counselor.Until([] { return false; }, milliseconds(100));
    on_duty = info().at("on_duty").as_bool();
  }
  EXPECT_TRUE(on_duty);
}

TEST(Helpline, WrongPassphraseWrongCodeAndLockout) {
  ServerProcess server({{"auth.max_failed_logins", "3"}});
  auto account = EnrolCounselor(server, "c-1");
  auto salt = PostJson(server.port(), "/api/login/salt", {{"handle", "c-1"}});
  ASSERT_EQ(salt.status, 200);
  std::string wrong_key(64, '7');
  auto attempt = [&](const std::string& key, const std::string& code) {
    return PostJson(server.port(), "/api/login", {{"handle", "c-1"}, {"login_key", key}, {"totp", code}});
  };
  EXPECT_EQ(attempt(wrong_key, "000000").status, 401);
  auto keys = crypto::DeriveCounselorKeys(account->passphrase, *crypto::FromHex(Str(salt.body, "salt")));
  std::string right_key = crypto::ToHex(keys->login_key.bytes());
  EXPECT_EQ(attempt(right_key, "000000").status, 401);  // right passphrase, wrong code: same answer
  auto third = attempt(wrong_key, "123456");  // the failure that locks says so
  EXPECT_EQ(third.status, 429);
  EXPECT_EQ(Str(third.body, "error"), "locked_out");
  EXPECT_EQ(third.headers["retry-after"], "30");
  auto locked = attempt(right_key, NextTotp(*account));
  EXPECT_EQ(locked.status, 429);
  // The clock ran on between the two answers (NextTotp may even wait for a fresh step).
  int retry_after = std::stoi(locked.headers["retry-after"]);
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 30);
  // No cookie, no ticket.
  EXPECT_EQ(PostJson(server.port(), "/api/ticket", json::object{}).status, 401);
  // And the API refuses other origins and non-JSON outright.
  EXPECT_EQ(PostJson(server.port(), "/api/login/salt", {{"handle", "c-1"}}, "", "https://evil.example").status, 403);
}

TEST(Helpline, RevokedCounselorIsCutOffAndItsChatRequeued) {
  ServerProcess server({{"auth.require_totp", "false"}});  // a fourth login would wait for a fresh code
  Chat chat = StartChat(server);
  auto [status, output] = RunHaven("counselor revoke c-1 --config " + server.config_path().string() +
                                   " --passphrase-file " + (server.org().dir / "signing-passphrase").string());
  ASSERT_EQ(status, 0) << output;
  EXPECT_TRUE(chat.counselor->Until([&] { return chat.counselor->close_code().has_value(); }));
  EXPECT_EQ(chat.counselor->close_code(), 4003);
  EXPECT_TRUE(chat.visitor->Until([&] {
    return std::ranges::any_of(chat.visitor->control(), [](const auto& m) { return Str(m, "type") == "requeued"; });
  }));
  auto salt = PostJson(server.port(), "/api/login/salt", {{"handle", "c-1"}});
  auto keys = crypto::DeriveCounselorKeys(chat.account->passphrase, *crypto::FromHex(Str(salt.body, "salt")));
  auto login = PostJson(server.port(), "/api/login",
                        {{"handle", "c-1"}, {"login_key", crypto::ToHex(keys->login_key.bytes())}, {"totp", NextTotp(*chat.account)}});
  EXPECT_EQ(login.status, 403);
  // A new visitor's widget gets the revocation list and would refuse the certificate.
  VisitorBot fresh(server);
  const auto& welcome = fresh.control().front();
  EXPECT_EQ(welcome.at("org").as_object().at("revocation_lists").as_array().size(), 1u);
}

TEST(Helpline, CounselorCannotTouchAnotherCounselorsChat) {
  ServerProcess server;
  Chat chat = StartChat(server, "c-1");
  auto other_account = EnrolCounselor(server, "c-2");
  CounselorBot other(server, *other_account);
  std::string id = chat.visitor->chat();
  other.Send({{"type", "end"}, {"chat_id", id}});
  ASSERT_TRUE(other.Until([&] { return other.LastOf("rejected").has_value(); }));
  EXPECT_EQ(Str(*other.LastOf("rejected"), "code"), "not_your_chat");
  // Nor write into it.
  std::size_t heard_before = chat.visitor->heard().size();
  // Refused with the chat, not counted as a broken client (protocol 12.1): a frame racing a
  // transfer looks the same.
  other.SendRaw(helpline::EncodeEnvelope({helpline::EnvelopeType::kData, ChatFromHex(id), 0, 3}, "not yours"), true);
  ASSERT_TRUE(other.Until([&] { return other.CountOf("rejected") == 2; }));
  EXPECT_EQ(Str(*other.LastOf("rejected"), "code"), "not_your_chat");
  EXPECT_EQ(Str(*other.LastOf("rejected"), "chat_id"), id);
  chat.visitor->Until([] { return false; }, milliseconds(300));
  EXPECT_EQ(chat.visitor->heard().size(), heard_before);
  EXPECT_FALSE(chat.visitor->e2e_error().has_value());
}

// Every malformed or out-of-place control message gets its error code; neighbours carry on.
TEST(Helpline, MalformedControlMessagesGetErrorsAndNeighboursAreUnaffected) {
  ServerProcess server({{"helpline.max_protocol_errors", "100"}});
  Chat chat = StartChat(server);
  WebSocketClient probe(server.port(), "/ws/visitor", std::string(kTestOrigin));
  ASSERT_TRUE(probe.Read());  // welcome
  const std::pair<std::string, std::string> cases[] = {
      {"not json", "bad_message"},
      {"[1,2]", "bad_message"},
      {R"({"type":"hello"})", "unknown_type"},
      {R"({"type":"join"})", "bad_message"},
      {R"({"type":"join","profile":{"language":"xx","age_band":"","in_danger":""}})", "bad_message"},
      {R"({"type":"join","profile":{"language":"bg","age_band":"","in_danger":"","extra":1}})", "bad_message"},
      {R"({"type":"resume","chat_id":"00","resume_token":"00"})", "bad_message"},
      {R"({"type":"take_next"})", "unknown_type"},
      {std::string(R"({"type":"join","profile":)") + std::string(200, '[') + "}", "bad_message"},
  };
  for (const auto& [text, code] : cases) {
    ASSERT_TRUE(probe.Send(text));
    auto reply = probe.Read();
    ASSERT_TRUE(reply) << text;
    auto object = json::parse(reply->data).as_object();
    EXPECT_EQ(Str(object, "type"), "error") << text;
    EXPECT_EQ(Str(object, "code"), code) << text;
  }
  ASSERT_TRUE(probe.Send(std::string("\x01 short"), true));
  EXPECT_EQ(Str(json::parse(probe.Read()->data).as_object(), "code"), "bad_frame");
  // A counselor socket that has not authenticated may do nothing else.
  WebSocketClient anonymous(server.port(), "/ws/counselor", std::string(kTestOrigin));
  ASSERT_TRUE(anonymous.Send(R"({"type":"take_next"})"));
  EXPECT_EQ(Str(json::parse(anonymous.Read()->data).as_object(), "code"), "not_allowed_now");
  ASSERT_TRUE(anonymous.Send(R"({"type":"auth","ticket":")" + std::string(64, 'a') + R"("})"));
  EXPECT_EQ(Str(json::parse(anonymous.Read()->data).as_object(), "code"), "auth_failed");
  EXPECT_FALSE(anonymous.Read());
  EXPECT_EQ(anonymous.close_code(), 4001);
  // The chat next door never noticed.
  chat.counselor->Say(chat.visitor->chat(), "still here");
  ASSERT_TRUE(chat.visitor->Until([&] { return !chat.visitor->heard().empty(); }));
}

// Nothing the server writes may carry what was said: logs, data, write-ahead log.
TEST(Helpline, ConversationsLeaveNoTraceInAnythingTheServerWrites) {
  // The wrap-up's codes are canaries too: statistics are sealed, keys included (before data
  // format 2 the write-ahead log held "outcome=..." in the clear for every chat).
  ServerProcess server({{"log.level", "\"debug\""},
                        {"helpline.wrap_up_categories", "[\"canarytopic\", \"other\"]"},
                        {"helpline.wrap_up_outcomes", "[\"canaryoutcome\", \"not_applicable\"]"}});
  Chat chat = StartChat(server);
  std::string id = chat.visitor->chat();
  for (int i = 0; i < 5; ++i) {
    chat.visitor->Say("VISITOR-CANARY-" + std::to_string(i) + " моят адрес е ул. Канарче 7");
    chat.counselor->Say(id, "COUNSELOR-CANARY-" + std::to_string(i));
  }
  ASSERT_TRUE(chat.counselor->Until([&] { return chat.counselor->heard[id].size() == 5; }));
  ASSERT_TRUE(chat.visitor->Until([&] { return chat.visitor->heard().size() == 5; }));
  chat.counselor->End(id);
  chat.visitor->Until([&] { return chat.visitor->ended().has_value(); });
  std::size_t saved = chat.counselor->CountOf("wrap_up_saved");
  chat.counselor->Send({{"type", "wrap_up"}, {"chat_id", id}, {"categories", json::array{"canarytopic"}},
                        {"age_band", "13-17"}, {"outcome", "canaryoutcome"}, {"referral", false}});
  ASSERT_TRUE(chat.counselor->Until([&] { return chat.counselor->CountOf("wrap_up_saved") == saved + 1; }));
  server.Signal(SIGTERM);
  ASSERT_TRUE(server.WaitForExit(milliseconds(5000)));
  std::string written = server.AllFileBytes(/*except_config=*/true);
  for (const char* canary : {"VISITOR-CANARY", "COUNSELOR-CANARY", "Канарче", "canarytopic", "canaryoutcome"}) {
    EXPECT_EQ(written.find(canary), std::string::npos) << canary;
  }
  EXPECT_EQ(written.find(id), std::string::npos) << "the chat id in the clear";
}

}  // namespace
}  // namespace haven::testing
