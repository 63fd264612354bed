// The whole server-side helpline driven through its two endpoints with fake sockets, over the
// in-memory store: what visitors and counselors are told, and where every frame goes.
#include "server/helpline/helpline_service.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "server/helpline/control_writer.h"
#include "server/helpline/envelope.h"
#include "server/metrics/metrics.h"
#include "storage/memory_store.h"
#include "storage/stores.h"

namespace haven::helpline {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::shared_ptr<const net::OriginList> TestOrigins() {
  return std::make_shared<net::OriginList>(std::vector<std::string>{"http://haven.test"});
}

class FakePeer final : public net::WebSocketPeer {
 public:
  bool Send(net::OutboundMessage message) override {
    if (closed) return false;
    (message.binary ? frames : texts).push_back(*message.data);
    return true;
  }
  void Close(std::uint16_t code, std::string_view) override {
    if (!closed) close_code = code;
    closed = true;
  }
  std::vector<std::string> texts;
  std::vector<std::string> frames;
  std::optional<std::uint16_t> close_code;
  bool closed = false;
};

class FakeRequest final : public net::HttpRequest {
 public:
  net::HttpMethod method() const override { return net::HttpMethod::kGet; }
  std::string_view path() const override { return "/"; }
  std::string_view query() const override { return ""; }
  std::string_view body() const override { return ""; }
  std::optional<std::string_view> Header(std::string_view) const override { return std::nullopt; }
  const net::ClientKey& client() const override { return key; }
  std::shared_ptr<const std::atomic<bool>> abandoned() const override { return gone; }
  net::ClientKey key{};
  std::shared_ptr<std::atomic<bool>> gone = std::make_shared<std::atomic<bool>>(false);
};

// One side of the conversation: a fake socket and the handler the endpoint made for it.
struct Client {
  FakePeer peer;
  std::unique_ptr<net::WebSocketHandler> handler;
  std::size_t read_texts = 0;

  void Text(const std::string& text) { handler->OnMessage(text, false); }
  void Frame(const std::string& bytes) { handler->OnMessage(bytes, true); }
  void Disconnect() {
    peer.closed = true;
    handler->OnClose();
  }
  // Every text message not yet looked at, parsed.
  std::vector<json::object> Unread() {
    std::vector<json::object> out;
    for (; read_texts < peer.texts.size(); ++read_texts) out.push_back(json::parse(peer.texts[read_texts]).as_object());
    return out;
  }
  // The first unread message of `type` (skipping others); fails the test if there is none,
  // after letting pending storage jobs finish (what a chat's new state tells its people waits
  // for the state's synced write).
  json::object Next(std::string_view type) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      for (; read_texts < peer.texts.size(); ++read_texts) {
        auto object = json::parse(peer.texts[read_texts]).as_object();
        if (object.at("type").as_string() == type) {
          ++read_texts;
          return object;
        }
      }
      if (settle) settle();
    }
    ADD_FAILURE() << "no message of type " << type;
    return {};
  }
  std::function<void()> settle;  // runs the fixture's pending jobs
};

std::string Str(const json::object& object, std::string_view key) { return std::string(object.at(key).as_string()); }

// The in-memory store, with writes that fail like a full disk when told to (RocksDB's own
// full-disk behaviour is tested in storage_integration_test).
class FillableStore final : public storage::KeyValueStore {
 public:
  bool full = false;
  storage::Result<void> Put(storage::Family family, storage::ByteView key, storage::ByteView value,
                            storage::Durability durability) override {
    if (full) return storage::Fail(storage::ErrorCode::kDiskFull);
    return memory_.Put(family, key, value, durability);
  }
  storage::Result<std::optional<storage::Bytes>> Get(storage::Family family, storage::ByteView key) const override {
    return memory_.Get(family, key);
  }
  storage::Result<void> Delete(storage::Family family, storage::ByteView key, storage::Durability durability) override {
    if (full) return storage::Fail(storage::ErrorCode::kDiskFull);
    return memory_.Delete(family, key, durability);
  }
  storage::Result<void> Write(const storage::WriteBatch& batch, storage::Durability durability) override {
    if (full) return storage::Fail(storage::ErrorCode::kDiskFull);
    return memory_.Write(batch, durability);
  }
  storage::Result<void> ForEach(storage::Family family, const storage::KeyRange& range,
                                const storage::RawVisitor& visit) const override {
    return memory_.ForEach(family, range, visit);
  }

 private:
  storage::MemoryStore memory_;
};

class HelplineServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HelplineOptions options;
    options.org.name = "Test Helpline";
    options.emergency_numbers = {{"112", "Спешна помощ", "Emergency"}};
    options.wrap_up_categories = {"physical_violence", "child_witness"};
    options.wrap_up_outcomes = {"support_given", "referred"};
    options.puzzle.solutions = 0;  // many tests join many visitors at once; PuzzleTest asks for puzzles
    Configure(options);
    service_ = std::make_unique<HelplineService>(options, HelplineEnvironment{
        [this] { return now_; },
        [this](std::function<void()> job) { jobs_.push_back(std::move(job)); },
        [this](std::function<void()> job) { jobs_.push_back(std::move(job)); },
        &stores_, &metrics_});
    visitor_endpoint_ = service_->VisitorEndpoint(TestOrigins());
    counselor_endpoint_ = service_->CounselorEndpoint(TestOrigins());
  }
  virtual void Configure(HelplineOptions&) {}

  void Drain() {
    while (!jobs_.empty()) {
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      job();
    }
  }

  std::unique_ptr<Client> OpenVisitor(std::uint8_t network = 1) {
    auto client = std::make_unique<Client>();
    client->settle = [this] { Drain(); };
    FakeRequest request;
    request.key.fill(network);
    client->handler = visitor_endpoint_.open(client->peer, request);
    return client;
  }

  void AddCounselor(const std::string& handle, storage::AccountStatus status = storage::AccountStatus::kActive,
                    storage::AccountRole role = storage::AccountRole::kCounselor) {
    storage::AccountRecord account;
    account.handle = handle;
    account.role = role;
    account.display_name = "Name of " + handle;
    account.status = status;
    account.languages = {"bg", "en"};
    account.skills = {"child"};
    account.max_chats = 2;
    account.certificate = {1, 2, 3};
    ASSERT_TRUE(stores_.accounts().Put(account));
  }

  std::unique_ptr<Client> OpenCounselor(const std::string& handle, bool go_on_duty = true) {
    Token ticket{};
    ticket.fill(static_cast<std::uint8_t>(handle.back()));
    EXPECT_TRUE(stores_.sessions().PutTicket(ticket, handle));
    auto client = std::make_unique<Client>();
    client->settle = [this] { Drain(); };
    client->handler = counselor_endpoint_.open(client->peer, FakeRequest{});
    client->Text(R"({"type":"auth","ticket":")" + crypto::ToHex(ticket) + R"("})");
    Drain();
    EXPECT_EQ(Str(client->Next("ready"), "handle"), handle);
    if (go_on_duty) client->Text(R"({"type":"duty","state":"available"})");
    return client;
  }

  // A visitor in the queue; returns the chat id (hex) and resume token.
  std::pair<std::string, std::string> Join(Client& visitor, const std::string& profile =
                                                                  R"({"language":"bg","age_band":"","in_danger":""})") {
    visitor.Text(R"({"type":"join","profile":)" + profile + "}");
    Drain();  // `joined` waits for the chat's record to be written
    auto joined = visitor.Next("joined");
    return {Str(joined, "chat_id"), Str(joined, "resume_token")};
  }

  static void Accept(Client& counselor, const std::string& chat) {
    counselor.Text(R"({"type":"answer_offer","chat_id":")" + chat + R"(","accept":true})");
  }

  // c-1 on duty, holding a visitor's chat.
  struct ActiveChat {
    std::unique_ptr<Client> counselor, visitor;
    std::string chat;
  };
  ActiveChat StartActiveChat() {
    AddCounselor("c-1");
    ActiveChat active{OpenCounselor("c-1"), OpenVisitor(), {}};
    active.chat = Join(*active.visitor).first;
    Accept(*active.counselor, active.chat);
    Drain();
    return active;
  }

  static core::ChatId ChatOf(const std::string& hex) {
    core::ChatId chat;
    for (std::size_t i = 0; i < 16; ++i) chat.bytes[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    return chat;
  }
  static std::string Data(const std::string& chat, std::uint16_t leg, std::uint32_t seq, const std::string& payload) {
    return EncodeEnvelope({EnvelopeType::kData, ChatOf(chat), leg, seq}, payload);
  }
  static std::string Ack(const std::string& chat, std::uint16_t leg, std::uint32_t seq) {
    return EncodeEnvelope({EnvelopeType::kAck, ChatOf(chat), leg, seq});
  }

  core::Instant now_{std::chrono::sys_days{std::chrono::year{2027} / 1 / 15}};
  std::deque<std::function<void()>> jobs_;
  FillableStore store_;
  storage::ManualClock clock_{1'800'000'000};
  std::unique_ptr<storage::KeyRing> keys_ = storage::KeyRing::InMemory(clock_.Today());
  storage::Stores stores_{store_, *keys_, clock_, storage::RetentionSettings{}};
  metrics::HelplineMetrics metrics_;
  std::unique_ptr<HelplineService> service_;
  net::WebSocketEndpoint visitor_endpoint_, counselor_endpoint_;
};

TEST_F(HelplineServiceTest, VisitorIsWelcomedWithTheOrgAndNumbers) {
  auto visitor = OpenVisitor();
  auto welcome = visitor->Next("welcome");
  EXPECT_EQ(Str(welcome.at("org").as_object(), "name"), "Test Helpline");
  EXPECT_EQ(Str(welcome.at("emergency_numbers").as_array()[0].as_object(), "number"), "112");
}

TEST_F(HelplineServiceTest, NobodyOnDutyIsRefusedAsOffline) {
  auto visitor = OpenVisitor();
  visitor->Text(R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""}})");
  EXPECT_EQ(Str(visitor->Next("refused"), "reason"), "offline");
  EXPECT_EQ(visitor->peer.close_code, 1000);
}

TEST_F(HelplineServiceTest, FullChatRelaysFramesBothWaysAndCountsTheWrapUp) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  auto [chat, token] = Join(*visitor);
  EXPECT_EQ(visitor->Next("queue").at("position").as_int64(), 1);
  // The visitor's offer goes out before any counselor holds the chat: the server keeps it.
  visitor->Frame(Data(chat, 0, 1, "OFFER"));
  auto offer = counselor->Next("offer");
  EXPECT_EQ(Str(offer, "chat_id"), chat);
  EXPECT_EQ(Str(offer, "language"), "bg");
  EXPECT_TRUE(counselor->peer.frames.empty());
  Accept(*counselor, chat);
  EXPECT_EQ(counselor->Next("assigned").at("leg").as_int64(), 0);
  ASSERT_EQ(counselor->peer.frames.size(), 1u);
  EXPECT_EQ(counselor->peer.frames[0], Data(chat, 0, 1, "OFFER"));  // byte for byte
  auto assigned = visitor->Next("assigned");
  EXPECT_EQ(Str(assigned.at("counselor").as_object(), "name"), "Name of c-1");

  counselor->Frame(Data(chat, 0, 1, "ACCEPT"));
  ASSERT_EQ(visitor->peer.frames.size(), 1u);
  EXPECT_EQ(visitor->peer.frames[0], Data(chat, 0, 1, "ACCEPT"));
  visitor->Frame(Ack(chat, 0, 1));
  EXPECT_EQ(counselor->peer.frames.back(), Ack(chat, 0, 1));

  counselor->Text(R"({"type":"end","chat_id":")" + chat + R"("})");
  EXPECT_EQ(Str(visitor->Next("ended"), "reason"), "counselor_ended");
  EXPECT_EQ(visitor->peer.close_code, 1000);
  EXPECT_EQ(Str(counselor->Next("ended"), "reason"), "counselor_ended");
  counselor->Text(R"({"type":"wrap_up","chat_id":")" + chat +
                  R"(","categories":["physical_violence"],"age_band":"26-40","outcome":"support_given","referral":false})");
  Drain();
  EXPECT_EQ(Str(counselor->Next("wrap_up_saved"), "chat_id"), chat);
  auto report = stores_.stats().Report(202701, 202705);  // weeks are year * 100 + week
  ASSERT_TRUE(report);
  // One chat: every table has its one cell, suppressed below k = 5.
  std::map<std::string, std::string> cells;
  for (const auto& cell : report->counts) {
    if (cell.count == 0u) continue;  // the other weeks
    EXPECT_FALSE(cell.count.has_value()) << cell.value;
    cells[std::string(storage::StatsDimensionName(cell.dimension))] += cell.value;
  }
  EXPECT_EQ(cells, (std::map<std::string, std::string>{{"conversations", ""},
                                                      {"category", "physical_violence"},
                                                      {"age_band", "26-40"},
                                                      {"language", "bg"},
                                                      {"outcome", "support_given"}}));
}

// The resume token is handed out only once the chat can outlive the process: a server killed
// between `joined` and the write restored nothing, and the visitor's resume found no chat.
TEST_F(HelplineServiceTest, JoinedWaitsUntilTheChatsRecordIsWritten) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  visitor->Text(R"({"type":"join","profile":{"language":"bg","age_band":"","in_danger":""}})");
  for (const auto& text : visitor->peer.texts) EXPECT_EQ(text.find("\"joined\""), std::string::npos) << text;
  Drain();
  auto joined = visitor->Next("joined");
  auto stored = stores_.conversations().Get(ChatOf(Str(joined, "chat_id")).bytes);
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->has_value());
  // What the chat said meanwhile comes after `joined`, in order.
  EXPECT_EQ(visitor->Next("queue").at("position").as_int64(), 1);
}

// Likewise an assignment: whoever heard `assigned` finds the chat theirs after a crash.
TEST_F(HelplineServiceTest, AssignedWaitsUntilTheAssignmentIsWritten) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  auto [chat, token] = Join(*visitor);
  Drain();
  const std::size_t counselor_seen = counselor->peer.texts.size(), visitor_seen = visitor->peer.texts.size();
  counselor->handler->OnMessage(R"({"type":"answer_offer","chat_id":")" + chat + R"(","accept":true})", false);
  for (std::size_t i = counselor_seen; i < counselor->peer.texts.size(); ++i) {
    EXPECT_EQ(counselor->peer.texts[i].find("\"assigned\""), std::string::npos);
  }
  for (std::size_t i = visitor_seen; i < visitor->peer.texts.size(); ++i) {
    EXPECT_EQ(visitor->peer.texts[i].find("\"assigned\""), std::string::npos);
  }
  Drain();
  auto stored = stores_.conversations().Get(ChatOf(chat).bytes);
  ASSERT_TRUE(stored);
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(Str(counselor->Next("assigned"), "chat_id"), chat);
  visitor->Next("assigned");
}

// What waits for a sync is bounded: a disk that stops answering closes the held connection
// with 1013 (it reconnects and resumes) instead of holding frames without end.
TEST_F(HelplineServiceTest, AConnectionHoldsAtMostTheRelayBufferWhileWaitingForStorage) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  auto [chat, token] = Join(*visitor);
  Drain();
  counselor->handler->OnMessage(R"({"type":"answer_offer","chat_id":")" + chat + R"(","accept":true})", false);
  // The assignment's write has not run: the counselor's connection is held. 100 frames of 4 KB
  // (the visitor's burst) are more than relay.bytes (256 KiB).
  for (std::uint32_t seq = 1; seq <= 100 && !counselor->peer.close_code; ++seq) {
    visitor->Frame(Data(chat, 0, seq, std::string(4000, 'x')));
  }
  EXPECT_EQ(counselor->peer.close_code, 1013);
  Drain();
  EXPECT_EQ(counselor->peer.close_code, 1013);
}

TEST_F(HelplineServiceTest, AJoinThatCannotBeWrittenIsAnsweredBusy) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  store_.full = true;
  visitor->Text(R"({"type":"join","profile":{"language":"bg","age_band":"","in_danger":""}})");
  Drain();
  EXPECT_EQ(Str(visitor->Next("refused"), "reason"), "busy");
  EXPECT_EQ(visitor->peer.close_code, 1000);
  for (const auto& text : visitor->peer.texts) EXPECT_EQ(text.find("resume_token"), std::string::npos) << text;
  store_.full = false;
  counselor->Text(R"({"type":"take_next"})");
  Drain();
  counselor->Next("nothing_to_take");  // the chat is not left waiting in the queue
}

// A failed write is never acknowledged as saved, and operators see it in /metrics.
TEST_F(HelplineServiceTest, AFullDiskIsCountedAndTheWrapUpIsNotAcknowledged) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  auto [chat, token] = Join(*visitor);
  store_.full = true;
  Accept(*counselor, chat);
  Drain();
  EXPECT_GE(metrics_.storage_failures.load(), 1u);  // the conversation record, now active
  counselor->Text(R"({"type":"end","chat_id":")" + chat + R"("})");
  counselor->Text(R"({"type":"wrap_up","chat_id":")" + chat +
                  R"(","categories":["physical_violence"],"age_band":"26-40","outcome":"support_given","referral":false})");
  auto before = metrics_.storage_failures.load();
  Drain();
  auto refused = counselor->Next("rejected");  // a valid request refused, with its chat (12.1)
  EXPECT_EQ(Str(refused, "code"), "storage_unavailable");
  EXPECT_EQ(Str(refused, "chat_id"), chat);
  EXPECT_GT(metrics_.storage_failures.load(), before);
  EXPECT_NE(metrics::RenderMetrics(metrics_, metrics::HealthMetrics{}, 0).find("haven_storage_failures_total " +
                                                     std::to_string(metrics_.storage_failures.load()) + "\n"),
            std::string::npos);
}

TEST_F(HelplineServiceTest, DroppedVisitorResumesAndGetsWhatItMissed) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  auto [chat, token] = Join(*visitor);
  Accept(*counselor, chat);
  counselor->Frame(Data(chat, 0, 1, "ACCEPT"));
  visitor->Disconnect();
  EXPECT_FALSE(counselor->Next("peer").at("connected").as_bool());
  counselor->Frame(Data(chat, 0, 2, "WHILE AWAY"));

  auto again = OpenVisitor();
  again->Text(R"({"type":"resume","chat_id":")" + chat + R"(","resume_token":")" + token + R"("})");
  auto resumed = again->Next("resumed");
  EXPECT_EQ(Str(resumed, "state"), "active");
  EXPECT_EQ(Str(resumed.at("counselor").as_object(), "handle"), "c-1");
  // Both unacknowledged frames, in order, byte for byte.
  ASSERT_EQ(again->peer.frames.size(), 2u);
  EXPECT_EQ(again->peer.frames[0], Data(chat, 0, 1, "ACCEPT"));
  EXPECT_EQ(again->peer.frames[1], Data(chat, 0, 2, "WHILE AWAY"));
  EXPECT_TRUE(counselor->Next("peer").at("connected").as_bool());
}

// A console that reloaded has lost the chat's keys: it releases the chat, which goes back to the
// queue for a new leg (and may come back to the same counselor, who then has fresh keys).
TEST_F(HelplineServiceTest, AReleasedChatGoesBackToTheQueueForANewLeg) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  auto [chat, token] = Join(*visitor);
  Accept(*counselor, chat);
  counselor->Frame(Data(chat, 0, 1, "ACCEPT"));
  counselor->Text(R"({"type":"release","chat_id":")" + chat + R"("})");
  EXPECT_EQ(Str(counselor->Next("released"), "chat_id"), chat);
  EXPECT_EQ(visitor->Next("requeued").at("next_leg").as_int64(), 1);
  std::size_t frames = visitor->peer.frames.size();
  counselor->Frame(Data(chat, 0, 2, "STALE LEG"));
  EXPECT_EQ(visitor->peer.frames.size(), frames);  // leg 0 is over
  EXPECT_EQ(Str(counselor->Next("offer"), "chat_id"), chat);
  Accept(*counselor, chat);
  auto assigned = counselor->Next("assigned");
  EXPECT_EQ(assigned.at("leg").as_int64(), 1);
  EXPECT_TRUE(assigned.at("requeued").as_bool());
  // Releasing what one does not hold is refused, and changes nothing.
  counselor->Text(R"({"type":"release","chat_id":")" + std::string(32, 'a') + R"("})");
  EXPECT_EQ(Str(counselor->Next("rejected"), "code"), "unknown_chat");
}

TEST_F(HelplineServiceTest, WrongResumeTokenLearnsNothing) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  auto [chat, token] = Join(*visitor);
  auto thief = OpenVisitor();
  thief->Text(R"({"type":"resume","chat_id":")" + chat + R"(","resume_token":")" + std::string(64, '0') + R"("})");
  EXPECT_EQ(Str(thief->Next("error"), "code"), "unknown_chat");
  EXPECT_EQ(thief->peer.close_code, 1000);
  EXPECT_FALSE(visitor->peer.closed);
}

TEST_F(HelplineServiceTest, LeaveEndsTheChatAndForgetsItsFrames) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  auto [chat, token] = Join(*visitor);
  visitor->Frame(Data(chat, 0, 1, "OFFER"));
  visitor->Text(R"({"type":"leave"})");
  // Closed with 1000 at once, and told nothing more (before: `ended` "visitor_left", which
  // protocol 11.2 does not list for visitors).
  EXPECT_EQ(visitor->peer.close_code, 1000);
  for (const auto& message : visitor->Unread()) EXPECT_NE(Str(message, "type"), "ended");
  Drain();
  EXPECT_EQ(Str(counselor->Next("offer_withdrawn"), "reason"), "visitor_left");
  auto again = OpenVisitor();
  again->Text(R"({"type":"resume","chat_id":")" + chat + R"(","resume_token":")" + token + R"("})");
  EXPECT_EQ(Str(again->Next("error"), "code"), "unknown_chat");
  EXPECT_TRUE(counselor->peer.frames.empty());
}

TEST_F(HelplineServiceTest, FramesAreCheckedAgainstWhoHoldsTheChat) {
  AddCounselor("c-1");
  AddCounselor("c-2");
  auto first = OpenCounselor("c-1");
  auto second = OpenCounselor("c-2");
  auto visitor = OpenVisitor();
  auto [chat, token] = Join(*visitor);
  auto other = OpenVisitor(2);
  auto [other_chat, other_token] = Join(*other);
  first->Text(R"({"type":"take_next"})");
  // c-1 was offered the first chat; answering takes it.
  first->Text(R"({"type":"answer_offer","chat_id":")" + chat + R"(","accept":true})");
  // A visitor may not write into another chat, nor into a leg that does not exist yet.
  visitor->Frame(Data(other_chat, 0, 1, "X"));
  EXPECT_EQ(Str(visitor->Next("error"), "code"), "bad_frame");
  visitor->Frame(Data(chat, 5, 1, "X"));
  EXPECT_EQ(Str(visitor->Next("error"), "code"), "bad_frame");
  // A counselor may not write into a chat it does not hold: refused with the chat, not
  // counted (a frame racing a transfer looks the same), so many do not disconnect it.
  for (int i = 0; i < 6; ++i) {
    second->Frame(Data(chat, 0, 1, "X"));
    auto refused = second->Next("rejected");
    EXPECT_EQ(Str(refused, "code"), "not_your_chat");
    EXPECT_EQ(Str(refused, "chat_id"), chat);
  }
  EXPECT_FALSE(second->peer.closed);
  second->Text(R"({"type":"end","chat_id":")" + chat + R"("})");
  EXPECT_EQ(Str(second->Next("rejected"), "code"), "not_your_chat");
  EXPECT_TRUE(visitor->peer.frames.empty());
  EXPECT_FALSE(visitor->peer.closed);
}

TEST_F(HelplineServiceTest, TicketsAreSingleUseAndRevokedAccountsAreRefused) {
  AddCounselor("c-1");
  Token ticket{};
  ticket.fill(7);
  ASSERT_TRUE(stores_.sessions().PutTicket(ticket, "c-1"));
  std::string auth = R"({"type":"auth","ticket":")" + crypto::ToHex(ticket) + R"("})";
  Client first, second;
  first.handler = counselor_endpoint_.open(first.peer, FakeRequest{});
  first.Text(auth);
  Drain();
  first.Next("ready");
  second.handler = counselor_endpoint_.open(second.peer, FakeRequest{});
  second.Text(auth);
  Drain();
  EXPECT_EQ(Str(second.Next("error"), "code"), "auth_failed");
  EXPECT_EQ(second.peer.close_code, 4001);

  AddCounselor("c-9", storage::AccountStatus::kRevoked);
  Token revoked{};
  revoked.fill(9);
  ASSERT_TRUE(stores_.sessions().PutTicket(revoked, "c-9"));
  Client third;
  third.handler = counselor_endpoint_.open(third.peer, FakeRequest{});
  third.Text(R"({"type":"auth","ticket":")" + crypto::ToHex(revoked) + R"("})");
  Drain();
  EXPECT_EQ(third.peer.close_code, 4003);
}

TEST_F(HelplineServiceTest, RevocationEndsTheConnectionAndRequeuesItsChats) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  auto [chat, token] = Join(*visitor);
  Accept(*counselor, chat);
  service_->Revoke("c-1");
  Drain();
  EXPECT_EQ(counselor->peer.close_code, 4003);
  EXPECT_EQ(visitor->Next("requeued").at("next_leg").as_int64(), 1);
}

TEST_F(HelplineServiceTest, SilentConnectionsAreClosedAfterTheHelloTimeout) {
  auto visitor = OpenVisitor();
  Client counselor;
  counselor.handler = counselor_endpoint_.open(counselor.peer, FakeRequest{});
  now_ += 9s;
  service_->Tick();
  EXPECT_FALSE(visitor->peer.closed);
  now_ += 1s;
  service_->Tick();
  EXPECT_EQ(visitor->peer.close_code, 4008);
  EXPECT_EQ(counselor.peer.close_code, 4008);
}

// Under pressure (here: one visitor already waiting) the welcome carries a puzzle, and a join
// without its solution is refused with bad_solution and close 1008.
class PuzzleTest : public HelplineServiceTest {
 protected:
  void Configure(HelplineOptions& options) override {
    options.puzzle.from_waiting = 1;
    options.puzzle.from_joins_per_minute = 1000;
    options.puzzle.bits = 4;
    options.puzzle.solutions = 4;
    options.puzzle.timeout = 30s;
    options.rules.offer_chats = false;  // chats stay in the queue
  }
  void SetUp() override {
    HelplineServiceTest::SetUp();
    AddCounselor("c-1");
    counselor_ = OpenCounselor("c-1");
  }
  std::unique_ptr<Client> counselor_;
  static JoinPuzzle PuzzleOf(const json::object& welcome) {
    const json::object& asked = welcome.at("puzzle").as_object();
    JoinPuzzle puzzle;
    std::string hex = Str(asked, "challenge");
    for (std::size_t i = 0; i < 32; ++i) puzzle.challenge[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    puzzle.bits = static_cast<std::uint32_t>(asked.at("bits").as_int64());
    puzzle.solutions = static_cast<std::uint32_t>(asked.at("solutions").as_int64());
    return puzzle;
  }
  static std::string JoinWith(const std::vector<std::uint32_t>& nonces) {
    std::string list;
    for (std::uint32_t nonce : nonces) list += (list.empty() ? "" : ",") + std::to_string(nonce);
    return R"({"type":"join","profile":{"language":"bg","age_band":"","in_danger":""},"solution":[)" + list + "]}";
  }
};

TEST_F(PuzzleTest, AnEmptyQueueAsksNothing) {
  auto first = OpenVisitor();
  EXPECT_FALSE(first->Next("welcome").contains("puzzle"));
  Join(*first);
  EXPECT_EQ(metrics_.puzzles_issued.load(), 0u);
}

TEST_F(PuzzleTest, UnderPressureAJoinNeedsTheSolutionOfItsOwnConnectionsPuzzle) {
  auto first = OpenVisitor(1);
  Join(*first);

  auto lazy = OpenVisitor(2);
  JoinPuzzle lazy_puzzle = PuzzleOf(lazy->Next("welcome"));
  EXPECT_EQ(lazy_puzzle.bits, 4u);
  EXPECT_EQ(lazy_puzzle.solutions, 4u);
  lazy->Text(R"({"type":"join","profile":{"language":"bg","age_band":"","in_danger":""}})");
  Drain();
  EXPECT_EQ(Str(lazy->Next("error"), "code"), "bad_solution");
  EXPECT_EQ(lazy->peer.close_code, 1008);

  // Another connection's solution does not do: each connection has its own challenge.
  auto copier = OpenVisitor(3);
  JoinPuzzle copier_puzzle = PuzzleOf(copier->Next("welcome"));
  EXPECT_NE(copier_puzzle.challenge, lazy_puzzle.challenge);
  std::vector<std::uint32_t> wrong = Solve(lazy_puzzle);
  if (Solves(copier_puzzle, wrong)) GTEST_SKIP() << "the two random puzzles happen to share a solution";
  copier->Text(JoinWith(wrong));
  Drain();
  EXPECT_EQ(Str(copier->Next("error"), "code"), "bad_solution");
  EXPECT_EQ(copier->peer.close_code, 1008);

  auto honest = OpenVisitor(4);
  honest->Text(JoinWith(Solve(PuzzleOf(honest->Next("welcome")))));
  Drain();
  EXPECT_EQ(Str(honest->Next("joined"), "lane"), "general");
  EXPECT_EQ(metrics_.puzzles_issued.load(), 3u);
  EXPECT_EQ(metrics_.errors[metrics::ErrorCodeIndex("bad_solution")].load(), 2u);
}

TEST_F(PuzzleTest, AVisitorGivenAPuzzleHasThePuzzlesTimeToJoin) {
  auto first = OpenVisitor(1);
  Join(*first);
  auto solving = OpenVisitor(2);
  ASSERT_TRUE(solving->Next("welcome").contains("puzzle"));
  now_ += 20s;  // past hello_timeout (10 s), within the puzzle's 30 s
  service_->Tick();
  EXPECT_FALSE(solving->peer.closed);
  now_ += 10s;
  service_->Tick();
  EXPECT_EQ(solving->peer.close_code, 4008);
}

TEST_F(PuzzleTest, AResumeNeedsNoSolution) {
  auto first = OpenVisitor(1);
  auto [chat, token] = Join(*first);
  first->Disconnect();
  auto back = OpenVisitor(1);
  ASSERT_TRUE(back->Next("welcome").contains("puzzle"));  // the queue still holds its chat
  back->Text(R"({"type":"resume","chat_id":")" + chat + R"(","resume_token":")" + token + R"("})");
  Drain();
  EXPECT_EQ(Str(back->Next("resumed"), "state"), "waiting");
}

TEST_F(HelplineServiceTest, ProtocolErrorsAndFloodsCloseTheConnection) {
  auto clumsy = OpenVisitor();
  for (int i = 0; i < 5; ++i) clumsy->Text("{not json");
  EXPECT_EQ(clumsy->peer.close_code, 4000);
  AddCounselor("c-1");
  auto flood = OpenCounselor("c-1", false);
  for (int i = 0; i < 30; ++i) flood->Text(R"({"type":"colleagues"})");  // valid, but far too many
  EXPECT_EQ(flood->peer.close_code, 4029);
}

// Before: every binary frame took one unit of the same budget, so a visitor acking each frame of
// a counselor's 150-frame burst, and a counselor resending its backlog when the visitor came
// back, were both closed with 4029 while doing what protocol 10 asks.
TEST_F(HelplineServiceTest, AcksOfNewFramesAndResentFramesDoNotSpendTheTextBudget) {
  auto [counselor, visitor, chat] = StartActiveChat();
  // The clock stands still: no budget refills during the test.
  for (std::uint32_t seq = 1; seq <= 150; ++seq) {
    counselor->Frame(Data(chat, 0, seq, "TEXT"));
    visitor->Frame(Ack(chat, 0, seq));  // each frame acknowledged as it arrives
  }
  EXPECT_FALSE(visitor->peer.closed) << "acks that acknowledge new frames are free";
  EXPECT_FALSE(counselor->peer.closed);
  // 150 more the visitor has not acknowledged; it drops, comes back, and the counselor resends
  // all 150 when told the visitor is back: 300 new frames and 150 resent ones.
  for (std::uint32_t seq = 151; seq <= 300; ++seq) counselor->Frame(Data(chat, 0, seq, "TEXT"));
  for (std::uint32_t seq = 151; seq <= 300; ++seq) counselor->Frame(Data(chat, 0, seq, "TEXT"));
  EXPECT_FALSE(counselor->peer.closed) << "resent frames have their own budget";
  // Each budget is still bounded: 101 more new frames from the counselor (400 in all) and the
  // burst is spent.
  for (std::uint32_t seq = 301; seq <= 401 && !counselor->peer.closed; ++seq) counselor->Frame(Data(chat, 0, seq, "TEXT"));
  EXPECT_EQ(counselor->peer.close_code, 4029);
}

TEST_F(HelplineServiceTest, AcksThatAcknowledgeNothingNewCountAsResent) {
  auto [counselor, visitor, chat] = StartActiveChat();
  counselor->Frame(Data(chat, 0, 1, "TEXT"));
  visitor->Frame(Ack(chat, 0, 1));  // free
  // The same ack again and again, or acks of frames never sent: the visitor's resend budget
  // (burst 100) and then 4029.
  for (int i = 0; i < 100; ++i) visitor->Frame(Ack(chat, 0, i % 2 == 0 ? 1 : 9999));
  EXPECT_FALSE(visitor->peer.closed);
  visitor->Frame(Ack(chat, 0, 1));
  EXPECT_EQ(visitor->peer.close_code, 4029);
}

TEST_F(HelplineServiceTest, OneNetworkCannotOpenChatsWithoutLimit) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  int rate_limited = 0, busy = 0;
  std::vector<std::unique_ptr<Client>> visitors;
  for (int i = 0; i < 40; ++i) {
    visitors.push_back(OpenVisitor(42));
    visitors.back()->Text(R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""}})");
    Drain();
    for (const auto& message : visitors.back()->Unread()) {
      if (message.at("type").as_string() == "refused") {
        if (Str(message, "reason") == "rate_limited") ++rate_limited;
        if (Str(message, "reason") == "busy") ++busy;
      }
    }
  }
  // 30 joins a minute pass the rate limit; of those one network may hold 5 places in the queue.
  EXPECT_EQ(rate_limited, 10);
  EXPECT_EQ(busy, 25);
  auto elsewhere = OpenVisitor(43);
  elsewhere->Text(R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""}})");
  Drain();
  elsewhere->Next("joined");
}

TEST_F(HelplineServiceTest, UnknownWrapUpCodesAreRefused) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  auto [chat, token] = Join(*visitor);
  Accept(*counselor, chat);
  counselor->Text(R"({"type":"end","chat_id":")" + chat + R"("})");
  // A refusal with the chat, never a protocol error: six in a row do not disconnect the
  // console (before: `error`, counted, and the fifth closed it with 4000).
  for (int i = 0; i < 6; ++i) {
    counselor->Text(R"({"type":"wrap_up","chat_id":")" + chat +
                    R"(","categories":["made_up"],"age_band":"","outcome":"support_given","referral":false})");
    auto refused = counselor->Next("rejected");
    EXPECT_EQ(Str(refused, "code"), "bad_wrap_up");
    EXPECT_EQ(Str(refused, "chat_id"), chat);
  }
  EXPECT_FALSE(counselor->peer.closed);
}

TEST_F(HelplineServiceTest, ReadyCarriesTheCannedRepliesAndTheWrapUpCodes) {
  AddCounselor("c-1");
  Token ticket{};
  ticket.fill(1);
  ASSERT_TRUE(stores_.sessions().PutTicket(ticket, "c-1"));
  Client counselor;
  counselor.handler = counselor_endpoint_.open(counselor.peer, FakeRequest{});
  counselor.Text(R"({"type":"auth","ticket":")" + crypto::ToHex(ticket) + R"("})");
  Drain();
  auto ready = counselor.Next("ready");
  EXPECT_EQ(ready.at("wrap_up").as_object().at("categories").as_array().size(), 2u);
  EXPECT_EQ(ready.at("wrap_up").as_object().at("outcomes").as_array()[0].as_string(), "support_given");
  EXPECT_TRUE(ready.at("canned_replies").as_object().contains("bg"));
}

TEST_F(HelplineServiceTest, OnlySupervisorsWatchAndTheyGetTheRealNumbers) {
  AddCounselor("c-1");
  AddCounselor("s-1", storage::AccountStatus::kActive, storage::AccountRole::kSupervisor);
  auto counselor = OpenCounselor("c-1");
  counselor->Text(R"({"type":"watch"})");
  EXPECT_EQ(Str(counselor->Next("rejected"), "code"), "not_allowed");
  auto supervisor = OpenCounselor("s-1", false);
  supervisor->Text(R"({"type":"watch"})");
  auto first = supervisor->Next("operator_snapshot");
  EXPECT_EQ(first.at("counselors_on_duty").as_int64(), 1);
  EXPECT_EQ(first.at("waiting").as_object().at("general").as_int64(), 0);
  std::vector<std::unique_ptr<Client>> visitors;
  for (std::uint8_t i = 0; i < 3; ++i) {
    visitors.push_back(OpenVisitor(i + 1));
    Join(*visitors.back(), R"({"language":"","age_band":"","in_danger":"yes"})");
  }
  now_ += 1s;
  service_->Tick();
  now_ += 1s;
  service_->Tick();  // snapshots go out every other tick when something changed
  auto later = supervisor->Next("operator_snapshot");
  EXPECT_EQ(later.at("waiting").as_object().at("danger").as_int64(), 3);  // an offered chat still waits
  EXPECT_EQ(later.at("history").as_array().size(), 1u);
  EXPECT_EQ(later.at("history").as_array()[0].as_object().at("waiting").as_int64(), 3);
  // Once nobody waits and nothing moves, nothing more is sent.
  for (auto& visitor : visitors) visitor->Text(R"({"type":"leave"})");
  now_ += 2s;
  service_->Tick();
  now_ += 2s;
  service_->Tick();
  std::size_t snapshots = supervisor->peer.texts.size();
  now_ += 2s;
  service_->Tick();
  now_ += 2s;
  service_->Tick();
  EXPECT_EQ(supervisor->peer.texts.size(), snapshots);
}

TEST_F(HelplineServiceTest, MetricsCountFramesErrorsAndQueues) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  auto visitor = OpenVisitor();
  auto [chat, token] = Join(*visitor);
  visitor->Frame(Data(chat, 0, 1, "OFFER"));
  Accept(*counselor, chat);
  counselor->Frame(Data(chat, 0, 1, "ACCEPT"));
  visitor->Text("not json");
  service_->Tick();
  EXPECT_EQ(metrics_.frames[0].load(), 1u);
  EXPECT_EQ(metrics_.frames[1].load(), 1u);
  EXPECT_EQ(metrics_.chats_answered.load(), 1u);
  EXPECT_EQ(metrics_.chats_active.load(), 1);
  EXPECT_EQ(metrics_.errors[metrics::ErrorCodeIndex("bad_message")].load(), 1u);
  std::string text = metrics::RenderMetrics(metrics_, metrics::HealthMetrics{}, 7);
  EXPECT_NE(text.find("haven_relay_frames_total{direction=\"to_counselor\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("haven_connections 7\n"), std::string::npos);
  EXPECT_EQ(text.find(chat), std::string::npos) << "no label may name a chat";
}

// A long queue must not make the once-a-second overview too big for a counselor's outbound
// queue: it carries the head of the queue and the total.
TEST_F(HelplineServiceTest, QueueOverviewCarriesTheHeadOfALongQueueAndItsLength) {
  AddCounselor("c-1");
  auto counselor = OpenCounselor("c-1");
  counselor->Text(R"({"type":"duty","state":"away"})");  // on duty, offered nothing
  std::vector<std::unique_ptr<Client>> visitors;
  for (int i = 0; i < 150; ++i) {
    visitors.push_back(OpenVisitor(static_cast<std::uint8_t>(i + 1)));  // one network each: the join limit
    Join(*visitors.back());
  }
  now_ += 2s;
  service_->Tick();
  json::object overview;
  for (auto& message : counselor->Unread()) {
    if (Str(message, "type") == "queue_overview") overview = message;
  }
  ASSERT_TRUE(overview.contains("waiting"));
  EXPECT_EQ(overview.at("waiting").as_array().size(), kQueueOverviewEntries);
  EXPECT_EQ(overview.at("total").as_int64(), 150);
}

TEST_F(HelplineServiceTest, RestoreRebuildsTheQueueFromStorage) {
  AddCounselor("c-1");
  std::string chat;
  std::string token;
  {
    auto counselor = OpenCounselor("c-1");
    auto visitor = OpenVisitor();
    std::tie(chat, token) = Join(*visitor);
    Drain();  // persisted
  }
  // A new service over the same storage, as after a restart.
  HelplineOptions options;
  HelplineService restarted(options, HelplineEnvironment{[this] { return now_; },
                                                         [this](std::function<void()> job) { jobs_.push_back(std::move(job)); },
                                                         [this](std::function<void()> job) { jobs_.push_back(std::move(job)); },
                                                         &stores_});
  EXPECT_EQ(restarted.Restore(), 1u);
  auto endpoint = restarted.VisitorEndpoint(TestOrigins());
  Client visitor;
  visitor.handler = endpoint.open(visitor.peer, FakeRequest{});
  visitor.Text(R"({"type":"resume","chat_id":")" + chat + R"(","resume_token":")" + token + R"("})");
  EXPECT_EQ(Str(visitor.Next("resumed"), "state"), "waiting");
}

}  // namespace
}  // namespace haven::helpline
