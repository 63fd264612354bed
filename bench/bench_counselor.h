// A counselor as the load generator runs it: the duty console's side of /ws/counselor
// (docs/protocol.md 11.3) for one logged-in account, with real Haven-E2E for each chat it
// holds through client::CounselorParty. Like BenchVisitor it reports through Events and does
// on its own only what the protocol requires: answering each visitor's offer with an accept,
// acknowledgements, retransmission after `peer`.
//
// Thread-safety: the io_context's thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "bench/ws_connection.h"
#include "client/chat_party.h"
#include "server/core/ids.h"
#include "tests/integration/support/console_api.h"

namespace haven::bench {

class BenchCounselor final : public WsConnection::Listener {
 public:
  class Events {
   public:
    virtual ~Events() = default;
    virtual void OnReady(BenchCounselor&) {}
    // An offered chat; the default accepts it.
    virtual void OnOffer(BenchCounselor& counselor, const core::ChatId& chat) { counselor.AnswerOffer(chat, true); }
    virtual void OnAssigned(BenchCounselor&, const core::ChatId&) {}
    // The visitor's stream started: texts can go both ways.
    virtual void OnSecure(BenchCounselor&, const core::ChatId&) {}
    virtual void OnText(BenchCounselor&, const core::ChatId&, std::string_view /*text*/) {}
    virtual void OnNothingToTake(BenchCounselor&) {}
    virtual void OnEnded(BenchCounselor&, const core::ChatId&) {}
    virtual void OnRejected(BenchCounselor&, std::string_view /*code*/) {}
    virtual void OnClosed(BenchCounselor&, std::optional<std::uint16_t> /*code*/) {}
  };

  // `account` must outlive this object and have logged in (its certificate set).
  BenchCounselor(std::size_t id, testing::CounselorAccount& account, Events& events)
      : id_(id), account_(account), events_(events) {}
  ~BenchCounselor() override;
  BenchCounselor(const BenchCounselor&) = delete;
  BenchCounselor& operator=(const BenchCounselor&) = delete;

  // Connects and authenticates with `ticket` (single use, from testing::MintTicket).
  void Connect(asio::io_context& io, const ServerAddress& server, std::string ticket);
  void Duty(std::string_view state);  // "available" | "away" | "off"
  void AnswerOffer(const core::ChatId& chat, bool accept);
  void TakeNext();
  bool Say(const core::ChatId& chat, std::string_view text);
  // Ends the chat (the E2E end message, then the control message).
  void End(const core::ChatId& chat);
  void Abort();

  std::size_t id() const { return id_; }
  const std::string& handle() const { return account_.handle; }
  bool ready() const { return ready_; }
  bool closed() const { return !connection_ || connection_->ended(); }
  std::size_t chats() const { return chats_.size(); }
  std::uint64_t e2e_errors() const { return e2e_errors_; }

  void OnOpen() override;
  void OnMessage(std::string_view data, bool binary) override;
  void OnClose(std::optional<std::uint16_t> code) override;

 private:
  struct Chat {
    std::unique_ptr<client::CounselorParty> party;
    bool secure = false;
  };
  void OnControl(std::string_view data);
  void SendControl(const std::string& text) { connection_->Send(text, false); }
  void Send(const std::string& envelope) { connection_->Send(envelope, true); }

  std::size_t id_;
  testing::CounselorAccount& account_;
  Events& events_;
  std::shared_ptr<WsConnection> connection_;
  std::string ticket_;
  crypto::Bytes signing_certificate_;
  std::unordered_map<core::ChatId, Chat, core::ChatIdHash> chats_;
  bool ready_ = false;
  std::uint64_t e2e_errors_ = 0;
};

}  // namespace haven::bench
