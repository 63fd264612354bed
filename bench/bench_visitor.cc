#include "bench/bench_visitor.h"

#include <boost/json.hpp>

#include "crypto/bytes.h"
#include "tests/integration/support/console_api.h"

namespace haven::bench {
namespace json = boost::json;
using testing::JsonHex;
using testing::JsonString;

BenchVisitor::~BenchVisitor() {
  if (connection_) {
    connection_->Detach();
    connection_->Abort();
  }
}

void BenchVisitor::Connect(asio::io_context& io, const ServerAddress& server, const asio::ip::address_v4& source) {
  connection_ = WsConnection::Open(io, server, source, "/ws/visitor", this);
}

void BenchVisitor::Join() {
  connection_->Send(R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""}})", false);
}

bool BenchVisitor::Say(std::string_view text) {
  if (!party_ || !secure_) return false;
  auto frame = party_->SendText(std::string(text), testing::NowMs());
  if (!frame) return false;
  Send(*frame);
  return true;
}

void BenchVisitor::Leave() { connection_->Send(R"({"type":"leave"})", false); }

void BenchVisitor::Close() { connection_->Close(1000); }

void BenchVisitor::Abort() {
  if (connection_) connection_->Abort();
}

void BenchVisitor::OnMessage(std::string_view data, bool binary) {
  if (!binary) {
    OnControl(data);
    return;
  }
  if (!party_) return;
  client::Received received = party_->Receive(data, testing::NowSeconds(), testing::NowMs());
  for (const auto& frame : received.send) Send(frame);
  if (received.error) ++e2e_errors_;
  if (received.verified) {
    secure_ = true;
    events_.OnSecure(*this);
  }
  for (const auto& text : received.texts) events_.OnText(*this, text);
}

namespace {

// Every visitor of a run gets the same welcome: parse it once (the generator's time is the
// limit when thousands of connections a second are opened).
struct WelcomeCache {
  std::string text;
  crypto::TrustAnchor trust;
};
WelcomeCache& LastWelcome() {
  thread_local WelcomeCache cache;
  return cache;
}

}  // namespace

void BenchVisitor::OnControl(std::string_view data) {
  if (WelcomeCache& cache = LastWelcome(); !cache.text.empty() && data == cache.text) {
    trust_ = cache.trust;
    events_.OnWelcome(*this);
    return;
  }
  boost::system::error_code ec;
  json::value value = json::parse(data, ec);
  if (ec || !value.is_object()) return;
  const json::object& message = value.get_object();
  std::string type = JsonString(message, "type");
  if (type == "queue") {
    if (const auto* position = message.if_contains("position"); position && position->is_int64()) {
      position_ = static_cast<std::size_t>(position->get_int64());
      events_.OnPosition(*this, *position_);
    }
  } else if (type == "welcome") {
    const json::object& org = message.at("org").as_object();
    crypto::Bytes root = JsonHex(org, "root_key");
    std::copy_n(root.begin(), std::min(root.size(), trust_.root_key.size()), trust_.root_key.begin());
    for (const auto& list : org.at("revocation_lists").as_array()) {
      trust_.revocation_lists.push_back(crypto::FromHex(std::string_view(list.as_string())).value_or(crypto::Bytes{}));
    }
    LastWelcome() = WelcomeCache{std::string(data), trust_};
    events_.OnWelcome(*this);
  } else if (type == "joined") {
    crypto::Bytes chat = JsonHex(message, "chat_id");
    std::copy_n(chat.begin(), std::min(chat.size(), chat_.bytes.size()), chat_.bytes.begin());
    party_ = std::make_unique<client::VisitorParty>(chat_, trust_);
    Send(party_->StartLeg(0));  // the offer waits at the server until a counselor takes the chat
    events_.OnJoined(*this);
  } else if (type == "assigned") {
    events_.OnAssigned(*this);
  } else if (type == "refused") {
    events_.OnRefused(*this, JsonString(message, "reason"));
  } else if (type == "ended") {
    events_.OnEnded(*this, JsonString(message, "reason"));
  } else if ((type == "peer" && message.at("connected").as_bool()) || type == "resumed") {
    if (party_) {
      for (const auto& frame : party_->Unacknowledged()) Send(frame);
    }
  }
}

void BenchVisitor::OnClose(std::optional<std::uint16_t> code) { events_.OnClosed(*this, code); }

}  // namespace haven::bench
