// A visitor as the load generator runs it: the widget's side of /ws/visitor (docs/protocol.md
// 11.2) with real Haven-E2E through client::VisitorParty, on one WsConnection. It reports what
// happens to the mode driving it through Events and does only what it is told, except what
// the protocol requires of every visitor: the offer after `joined`, stream start and
// acknowledgements (the party's), retransmission after `resumed` or `peer`.
//
// Thread-safety: the io_context's thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bench/ws_connection.h"
#include "client/chat_party.h"
#include "crypto/chain.h"
#include "server/core/ids.h"

namespace haven::bench {

class BenchVisitor final : public WsConnection::Listener {
 public:
  class Events {
   public:
    virtual ~Events() = default;
    virtual void OnWelcome(BenchVisitor&) {}
    virtual void OnJoined(BenchVisitor&) {}
    virtual void OnRefused(BenchVisitor&, std::string_view /*reason*/) {}
    virtual void OnPosition(BenchVisitor&, std::size_t /*position*/) {}
    virtual void OnAssigned(BenchVisitor&) {}
    // The counselor's accept verified: texts can be sent.
    virtual void OnSecure(BenchVisitor&) {}
    virtual void OnText(BenchVisitor&, std::string_view /*text*/) {}
    virtual void OnEnded(BenchVisitor&, std::string_view /*reason*/) {}
    virtual void OnClosed(BenchVisitor&, std::optional<std::uint16_t> /*code*/) {}
  };

  BenchVisitor(std::size_t id, Events& events) : id_(id), events_(events) {}
  ~BenchVisitor() override;
  BenchVisitor(const BenchVisitor&) = delete;
  BenchVisitor& operator=(const BenchVisitor&) = delete;

  void Connect(asio::io_context& io, const ServerAddress& server, const asio::ip::address_v4& source);
  // Joins with every pre-chat answer "prefer not to say".
  void Join();
  // False until the session is up.
  bool Say(std::string_view text);
  void Leave();
  // A close frame (1000); the connection ends when the server has answered and closed.
  void Close();
  void Abort();

  std::size_t id() const { return id_; }
  const core::ChatId& chat() const { return chat_; }
  bool joined() const { return party_ != nullptr; }
  bool secure() const { return secure_; }
  bool closed() const { return !connection_ || connection_->ended(); }
  std::optional<std::size_t> position() const { return position_; }
  // Frames the E2E layer refused (decryption, verification): a correct run has none.
  std::uint64_t e2e_errors() const { return e2e_errors_; }

  void OnOpen() override {}
  void OnMessage(std::string_view data, bool binary) override;
  void OnClose(std::optional<std::uint16_t> code) override;

 private:
  void OnControl(std::string_view data);
  void Send(const std::string& envelope) { connection_->Send(envelope, true); }

  std::size_t id_;
  Events& events_;
  std::shared_ptr<WsConnection> connection_;
  crypto::TrustAnchor trust_;
  core::ChatId chat_;
  std::unique_ptr<client::VisitorParty> party_;
  std::optional<std::size_t> position_;
  bool secure_ = false;
  std::uint64_t e2e_errors_ = 0;
};

}  // namespace haven::bench
