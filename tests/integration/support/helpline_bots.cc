#include "tests/integration/support/helpline_bots.h"

#include <stdexcept>

#include "crypto/certificate.h"
#include "server/helpline/envelope.h"
#include "server/helpline/join_puzzle.h"

namespace haven::testing {
namespace json = boost::json;

core::ChatId ChatFromHex(std::string_view hex) {
  core::ChatId chat;
  auto bytes = crypto::FromHex(hex);
  if (bytes && bytes->size() == 16) std::copy(bytes->begin(), bytes->end(), chat.bytes.begin());
  return chat;
}

std::optional<json::array> PuzzleSolution(const json::object& welcome) {
  const json::value* asked = welcome.if_contains("puzzle");
  if (!asked || !asked->is_object()) return std::nullopt;
  const json::object& puzzle = asked->as_object();
  helpline::JoinPuzzle wanted;
  auto challenge = JsonHex(puzzle, "challenge");
  std::copy_n(challenge.begin(), std::min(challenge.size(), wanted.challenge.size()), wanted.challenge.begin());
  wanted.bits = static_cast<std::uint32_t>(puzzle.at("bits").as_int64());
  wanted.solutions = static_cast<std::uint32_t>(puzzle.at("solutions").as_int64());
  json::array nonces;
  for (std::uint32_t nonce : helpline::Solve(wanted)) nonces.push_back(nonce);
  return nonces;
}

json::object JoinMessage(const json::object& profile, const std::optional<json::array>& solution) {
  json::object join{{"type", "join"}, {"profile", profile}};
  if (solution) join["solution"] = *solution;
  return join;
}

// --- visitors ---

VisitorBot::VisitorBot(ServerProcess& server, const std::string& source_address)
    : server_(server), source_(source_address) {
  socket_ = std::make_unique<WebSocketClient>(server.port(), "/ws/visitor", std::string(kTestOrigin), source_address);
  Until([this] { return !trust_.revocation_lists.empty() || trust_.root_key != crypto::PublicKey{}; });
}

void VisitorBot::Handle(const WsMessage& message) {
  if (message.binary) {
    if (!party_) return;
    auto received = party_->Receive(message.data, NowSeconds(), NowMs());
    for (const auto& frame : received.send) socket_->Send(frame, true);
    for (auto& text : received.texts) heard_.push_back(std::move(text));
    if (received.transfer) authorised_ = received.transfer;
    if (received.verified) verified_ = true;
    if (received.error) e2e_error_ = received.error;
    Flush();
    return;
  }
  boost::system::error_code ec;
  auto value = json::parse(message.data, ec);
  if (ec || !value.is_object()) return;
  const json::object& object = value.get_object();
  control_.push_back(object);
  std::string type = JsonString(object, "type");
  if (type == "welcome") {
    const auto& org = object.at("org").as_object();
    auto root = JsonHex(org, "root_key");
    std::copy_n(root.begin(), std::min(root.size(), trust_.root_key.size()), trust_.root_key.begin());
    for (const auto& list : org.at("revocation_lists").as_array()) {
      trust_.revocation_lists.push_back(crypto::FromHex(std::string_view(list.as_string())).value_or(crypto::Bytes{}));
    }
    solution_ = PuzzleSolution(object);
  } else if (type == "joined") {
    chat_ = JsonString(object, "chat_id");
    token_ = JsonString(object, "resume_token");
    party_ = std::make_unique<client::VisitorParty>(ChatFromHex(chat_), trust_);
    socket_->Send(party_->StartLeg(0), true);
  } else if (type == "queue") {
    position_ = static_cast<std::size_t>(object.at("position").as_int64());
  } else if (type == "refused") {
    refused_ = JsonString(object, "reason");
  } else if (type == "assigned") {
    counselor_name_ = JsonString(object.at("counselor").as_object(), "name");
    auto leg = static_cast<std::uint16_t>(object.at("leg").as_int64());
    if (leg > party_->leg()) {
      bool requeued = object.at("requeued").as_bool();
      crypto::Bytes authorised = authorised_ && authorised_->next_leg == leg ? authorised_->certificate : crypto::Bytes{};
      verified_ = false;
      socket_->Send(party_->StartLeg(leg, authorised, requeued), true);
    }
  } else if (type == "peer" && object.at("connected").as_bool()) {
    for (const auto& frame : party_->Unacknowledged()) socket_->Send(frame, true);
  } else if (type == "resumed") {
    for (const auto& frame : party_->Unacknowledged()) socket_->Send(frame, true);
  } else if (type == "ended") {
    ended_ = JsonString(object, "reason");
  }
}

void VisitorBot::Flush() {
  if (!party_ || !party_->has_session()) return;
  for (const auto& text : pending_texts_) {
    if (auto frame = party_->SendText(text, NowMs())) socket_->Send(*frame, true);
  }
  pending_texts_.clear();
}

void VisitorBot::PumpOnce(milliseconds wait) {
  if (socket_->ended()) return;
  if (auto message = socket_->Read(wait)) Handle(*message);
}

bool VisitorBot::Until(const std::function<bool()>& done, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline || socket_->ended()) return done();
    if (auto message = socket_->Read(milliseconds(100))) Handle(*message);
  }
  return true;
}

bool VisitorBot::Join(const std::string& language, const std::string& age_band, const std::string& in_danger) {
  socket_->Send(json::serialize(JoinMessage(
      json::object{{"language", language}, {"age_band", age_band}, {"in_danger", in_danger}}, solution_)));
  Until([this] { return !chat_.empty() || refused_.has_value(); });
  return !chat_.empty();
}

bool VisitorBot::Say(const std::string& text) {
  pending_texts_.push_back(text);
  Flush();
  return true;
}

void VisitorBot::Leave() { socket_->Send(R"({"type":"leave"})"); }

void VisitorBot::Drop() { socket_->Abort(); }

bool VisitorBot::Resume() {
  socket_ = std::make_unique<WebSocketClient>(server_.port(), "/ws/visitor", std::string(kTestOrigin), source_);
  if (!socket_->connected()) return false;
  std::size_t before = control_.size();
  socket_->Send(json::serialize(json::object{{"type", "resume"}, {"chat_id", chat_}, {"resume_token", token_}}));
  return Until([&] {
    for (std::size_t i = before; i < control_.size(); ++i) {
      if (JsonString(control_[i], "type") == "resumed") return true;
    }
    return false;
  });
}

// --- counselors ---

CounselorBot::CounselorBot(ServerProcess& server, CounselorAccount& account) : server_(server), account_(account) {
  Connect();
}

bool CounselorBot::Connect() {
  auto session = LogIn(server_.port(), account_);
  if (!session) return false;
  cookie_ = session->cookie;
  auto ticket = MintTicket(server_.port(), cookie_);
  if (!ticket) return false;
  socket_ = std::make_unique<WebSocketClient>(server_.port(), "/ws/counselor", std::string(kTestOrigin));
  socket_->Send(json::serialize(json::object{{"type", "auth"}, {"ticket", *ticket}}));
  ready_ = false;
  Until([this] { return ready_; });
  return ready_;
}

void CounselorBot::Send(const json::object& message) { socket_->Send(json::serialize(message)); }

void CounselorBot::Handle(const WsMessage& message) {
  if (message.binary) {
    auto header = helpline::ParseEnvelope(message.data);
    if (!header) return;
    std::string chat = crypto::ToHex(header->chat.bytes);
    auto party = chats_.find(chat);
    if (party == chats_.end()) return;
    auto received = party->second->Receive(message.data, NowMs());
    for (const auto& frame : received.send) socket_->Send(frame, true);
    for (auto& text : received.texts) heard[chat].push_back(std::move(text));
    return;
  }
  boost::system::error_code ec;
  auto value = json::parse(message.data, ec);
  if (ec || !value.is_object()) return;
  const json::object& object = value.get_object();
  control.push_back(object);
  std::string type = JsonString(object, "type");
  if (type == "ready") {
    ready_ = true;
    signing_certificate_ = crypto::FromHex(std::string_view(
        object.at("org").as_object().at("signing_certificates").as_array()[0].as_string())).value_or(crypto::Bytes{});
    for (auto& [chat, party] : chats_) {
      for (const auto& frame : party->Unacknowledged()) socket_->Send(frame, true);
    }
  } else if (type == "assigned") {
    std::string chat = JsonString(object, "chat_id");
    auto leg = static_cast<std::uint16_t>(object.at("leg").as_int64());
    chats_[chat] = std::make_unique<client::CounselorParty>(
        ChatFromHex(chat), leg,
        crypto::CounselorCredentials{account_.identity.get(), signing_certificate_, account_.certificate});
  } else if (type == "peer" && object.at("connected").as_bool()) {
    auto party = chats_.find(JsonString(object, "chat_id"));
    if (party != chats_.end()) {
      for (const auto& frame : party->second->Unacknowledged()) socket_->Send(frame, true);
    }
  }
}

void CounselorBot::PumpOnce(milliseconds wait) {
  if (socket_->ended()) return;
  if (auto message = socket_->Read(wait)) Handle(*message);
}

bool PumpUntil(const std::function<bool()>& done, std::initializer_list<Bot*> bots, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return done();
    for (Bot* bot : bots) bot->PumpOnce(milliseconds(20));
  }
  return true;
}

bool CounselorBot::Until(const std::function<bool()>& done, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline || socket_->ended()) return done();
    if (auto message = socket_->Read(milliseconds(100))) Handle(*message);
  }
  return true;
}

bool CounselorBot::ready_for(const std::string& chat) {
  auto party = chats_.find(chat);
  return party != chats_.end() && party->second->ready();
}

bool CounselorBot::Say(const std::string& chat, const std::string& text) {
  auto party = chats_.find(chat);
  if (party == chats_.end()) return false;
  auto frame = party->second->SendText(text, NowMs());
  if (!frame) return false;
  return socket_->Send(*frame, true);
}

bool CounselorBot::AuthoriseTransfer(const std::string& chat, const crypto::Bytes& certificate) {
  auto party = chats_.find(chat);
  if (party == chats_.end()) return false;
  auto next_leg = static_cast<std::uint16_t>(party->second->leg() + 1);
  auto frame = party->second->SendTransfer(next_leg, certificate, NowMs());
  return frame && socket_->Send(*frame, true);
}

void CounselorBot::End(const std::string& chat) {
  auto party = chats_.find(chat);
  if (party != chats_.end()) {
    if (auto frame = party->second->SendEnd(crypto::EndReason::kEnded, NowMs())) socket_->Send(*frame, true);
  }
  Send({{"type", "end"}, {"chat_id", chat}});
}

void CounselorBot::Drop() { socket_->Abort(); }

bool CounselorBot::Reconnect() { return Connect(); }

std::optional<json::object> CounselorBot::LastOf(std::string_view type) const {
  for (auto it = control.rbegin(); it != control.rend(); ++it) {
    if (JsonString(*it, "type") == type) return *it;
  }
  return std::nullopt;
}

std::size_t CounselorBot::CountOf(std::string_view type) const {
  return static_cast<std::size_t>(std::ranges::count_if(control, [&](const auto& m) { return JsonString(m, "type") == type; }));
}

namespace {

void Check(bool ok, const char* step) {
  if (!ok) throw std::runtime_error(std::string("starting a chat: ") + step);
}

}  // namespace

Chat OfferChat(ServerProcess& server, const std::string& handle) {
  Chat chat;
  chat.account = EnrolCounselor(server, handle);
  Check(chat.account != nullptr, "enrolment failed");
  chat.counselor = std::make_unique<CounselorBot>(server, *chat.account);
  Check(chat.counselor->connected(), "the counselor did not connect");
  chat.counselor->Duty("available");
  chat.visitor = std::make_unique<VisitorBot>(server);
  Check(chat.visitor->Join(), "the visitor was not queued");
  Check(chat.counselor->Until([&] { return chat.counselor->LastOf("offer").has_value(); }), "no offer came");
  return chat;
}

Chat StartChat(ServerProcess& server, const std::string& handle) {
  Chat chat = OfferChat(server, handle);
  std::string id = chat.visitor->chat();
  chat.counselor->Send({{"type", "answer_offer"}, {"chat_id", id}, {"accept", true}});
  Check(PumpUntil([&] { return chat.counselor->ready_for(id) && chat.visitor->verified(); },
                  {chat.counselor.get(), chat.visitor.get()}),
        "the encrypted session did not come up");
  return chat;
}

std::string JoinOnce(const ServerProcess& server, std::optional<std::string> forwarded_for) {
  WebSocketClient ws(server.port(), "/ws/visitor", std::string(kTestOrigin), "127.0.0.1", std::move(forwarded_for));
  if (!ws.connected()) return "handshake " + std::to_string(ws.handshake_status());
  while (auto message = ws.Read()) {
    json::value value = json::parse(message->data);
    std::string type(value.at("type").as_string());
    if (type == "welcome") {
      ws.Send(json::serialize(JoinMessage({{"language", "bg"}, {"age_band", ""}, {"in_danger", ""}},
                                          PuzzleSolution(value.as_object()))));
    }
    if (type == "joined") return type;
    if (type == "refused") return std::string(value.at("reason").as_string());
    if (type == "error") return std::string(value.at("code").as_string());
  }
  return "no answer";
}

}  // namespace haven::testing
