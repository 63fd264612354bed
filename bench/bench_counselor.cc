#include "bench/bench_counselor.h"

#include <boost/json.hpp>

#include "crypto/bytes.h"
#include "server/helpline/envelope.h"

namespace haven::bench {
namespace json = boost::json;
using testing::JsonString;

namespace {

std::optional<core::ChatId> ChatOf(const json::object& message) {
  auto bytes = crypto::FromHex(JsonString(message, "chat_id"));
  if (!bytes || bytes->size() != 16) return std::nullopt;
  core::ChatId chat;
  std::copy(bytes->begin(), bytes->end(), chat.bytes.begin());
  return chat;
}

std::string WithChat(std::string_view type, const core::ChatId& chat, std::string_view extra = "") {
  return std::string(R"({"type":")") + std::string(type) + R"(","chat_id":")" + crypto::ToHex(chat.bytes) + "\"" +
         std::string(extra) + "}";
}

}  // namespace

BenchCounselor::~BenchCounselor() {
  if (connection_) {
    connection_->Detach();
    connection_->Abort();
  }
}

void BenchCounselor::Connect(asio::io_context& io, const ServerAddress& server, std::string ticket) {
  ticket_ = std::move(ticket);
  connection_ = WsConnection::Open(io, server, asio::ip::address_v4::loopback(), "/ws/counselor", this);
}

void BenchCounselor::OnOpen() { SendControl(R"({"type":"auth","ticket":")" + ticket_ + "\"}"); }

void BenchCounselor::Duty(std::string_view state) {
  SendControl(R"({"type":"duty","state":")" + std::string(state) + "\"}");
}

void BenchCounselor::AnswerOffer(const core::ChatId& chat, bool accept) {
  SendControl(WithChat("answer_offer", chat, accept ? R"(,"accept":true)" : R"(,"accept":false)"));
}

void BenchCounselor::TakeNext() { SendControl(R"({"type":"take_next"})"); }

bool BenchCounselor::Say(const core::ChatId& chat, std::string_view text) {
  auto it = chats_.find(chat);
  if (it == chats_.end() || !it->second.secure) return false;
  auto frame = it->second.party->SendText(std::string(text), testing::NowMs());
  if (!frame) return false;
  Send(*frame);
  return true;
}

void BenchCounselor::End(const core::ChatId& chat) {
  auto it = chats_.find(chat);
  if (it == chats_.end()) return;
  if (it->second.secure) {
    if (auto frame = it->second.party->SendEnd(crypto::EndReason::kEnded, testing::NowMs())) Send(*frame);
  }
  SendControl(WithChat("end", chat));
  chats_.erase(it);
}

void BenchCounselor::Abort() {
  if (connection_) connection_->Abort();
}

void BenchCounselor::OnMessage(std::string_view data, bool binary) {
  if (!binary) {
    OnControl(data);
    return;
  }
  auto header = helpline::ParseEnvelope(data);
  if (!header) return;
  auto it = chats_.find(header->chat);
  if (it == chats_.end()) return;
  Chat& chat = it->second;
  client::Received received = chat.party->Receive(data, testing::NowMs());
  for (const auto& frame : received.send) Send(frame);
  if (received.error) ++e2e_errors_;
  if (!chat.secure && chat.party->ready()) {
    chat.secure = true;
    events_.OnSecure(*this, header->chat);
  }
  for (const auto& text : received.texts) events_.OnText(*this, header->chat, text);
}

void BenchCounselor::OnControl(std::string_view data) {
  boost::system::error_code ec;
  json::value value = json::parse(data, ec);
  if (ec || !value.is_object()) return;
  const json::object& message = value.get_object();
  std::string type = JsonString(message, "type");
  if (type == "ready") {
    ready_ = true;
    const auto& certificates = message.at("org").as_object().at("signing_certificates").as_array();
    if (!certificates.empty()) {
      signing_certificate_ = crypto::FromHex(std::string_view(certificates[0].as_string())).value_or(crypto::Bytes{});
    }
    events_.OnReady(*this);
  } else if (type == "offer") {
    if (auto chat = ChatOf(message)) events_.OnOffer(*this, *chat);
  } else if (type == "assigned") {
    auto chat = ChatOf(message);
    if (!chat) return;
    auto leg = static_cast<std::uint16_t>(message.at("leg").as_int64());
    chats_[*chat] = Chat{std::make_unique<client::CounselorParty>(
        *chat, leg, crypto::CounselorCredentials{account_.identity.get(), signing_certificate_, account_.certificate})};
    events_.OnAssigned(*this, *chat);
  } else if (type == "nothing_to_take") {
    events_.OnNothingToTake(*this);
  } else if (type == "ended") {
    if (auto chat = ChatOf(message)) events_.OnEnded(*this, *chat);
  } else if (type == "rejected" || type == "error") {
    events_.OnRejected(*this, JsonString(message, "code"));
  } else if (type == "peer" && message.at("connected").as_bool()) {
    if (auto chat = ChatOf(message); chat && chats_.contains(*chat)) {
      for (const auto& frame : chats_.at(*chat).party->Unacknowledged()) Send(frame);
    }
  }
}

void BenchCounselor::OnClose(std::optional<std::uint16_t> code) { events_.OnClosed(*this, code); }

}  // namespace haven::bench
