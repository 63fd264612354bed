// Scripted visitors and counselors for integration tests: they speak the real protocol
// (control JSON, envelopes, Haven-E2E) to the real server over real sockets, using the C++
// client (client/chat_party.h). A counselor is enrolled through the real flow: `haven
// counselor invite`, the enrolment API with an Argon2id login key and a TOTP code, `haven
// counselor certify`, then a login and a ticket.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/chat_party.h"
#include "tests/integration/support/console_api.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"
#include "tests/integration/support/websocket_client.h"

namespace haven::testing {

using std::chrono::milliseconds;

core::ChatId ChatFromHex(std::string_view hex);

// Anything that reads its socket when asked: tests pump several parties in turn.
class Bot {
 public:
  virtual ~Bot() = default;
  // Handles at most one message, waiting at most `wait` for it.
  virtual void PumpOnce(milliseconds wait) = 0;
};

// Pumps every bot in turn until `done()`; false on timeout. Use it whenever the condition
// needs more than one party to act (a handshake needs both).
bool PumpUntil(const std::function<bool()>& done, std::initializer_list<Bot*> bots,
               milliseconds timeout = milliseconds(10000));

// The nonces that solve a welcome's puzzle (protocol 11.2), as an honest client finds them;
// nullopt when the welcome asked none.
std::optional<boost::json::array> PuzzleSolution(const boost::json::object& welcome);
// A join message with the visitor's answers and, when there is one, the puzzle's solution.
boost::json::object JoinMessage(const boost::json::object& profile, const std::optional<boost::json::array>& solution);

// Opens /ws/visitor from 127.0.0.1 (through a trusted proxy as `forwarded_for`, when given),
// joins (solving the welcome's puzzle if it has one), and returns "joined", the refusal's
// reason or the error's code (or what went wrong); the socket is dropped on return, as a flood
// does.
std::string JoinOnce(const ServerProcess& server, std::optional<std::string> forwarded_for = std::nullopt);

class VisitorBot : public Bot {
 public:
  explicit VisitorBot(ServerProcess& server, const std::string& source_address = "127.0.0.1");

  // Sends join; true once `joined` arrived (false when refused: see refused()).
  bool Join(const std::string& language = "bg", const std::string& age_band = "", const std::string& in_danger = "");
  // Handles what arrives until `done()` or the timeout; false on timeout.
  bool Until(const std::function<bool()>& done, milliseconds timeout = milliseconds(10000));
  void PumpOnce(milliseconds wait) override;
  bool Say(const std::string& text);  // queued locally until the session exists
  void Leave();
  // Network drop: the socket goes away without a goodbye. Resume() reconnects and resumes.
  void Drop();
  bool Resume();

  const std::string& chat() const { return chat_; }
  const std::vector<std::string>& heard() const { return heard_; }
  const std::vector<boost::json::object>& control() const { return control_; }
  std::optional<std::string> refused() const { return refused_; }
  std::optional<std::string> ended() const { return ended_; }
  std::optional<std::size_t> position() const { return position_; }
  bool verified() const { return verified_; }
  std::optional<std::uint16_t> authorised_leg() const {
    return authorised_ ? std::optional<std::uint16_t>(authorised_->next_leg) : std::nullopt;
  }
  std::string counselor_name() const { return counselor_name_; }
  std::optional<crypto::ErrorCode> e2e_error() const { return e2e_error_; }
  WebSocketClient& socket() { return *socket_; }
  bool closed() const { return socket_->ended(); }

 private:
  void Handle(const WsMessage& message);
  void Flush();

  ServerProcess& server_;
  std::string source_;
  std::unique_ptr<WebSocketClient> socket_;
  crypto::TrustAnchor trust_;
  std::string chat_, token_;
  std::unique_ptr<client::VisitorParty> party_;
  std::vector<std::string> pending_texts_;
  std::vector<std::string> heard_;
  std::vector<boost::json::object> control_;
  std::optional<std::string> refused_, ended_;
  std::optional<std::size_t> position_;
  std::optional<crypto::TransferMessage> authorised_;
  bool verified_ = false;
  std::string counselor_name_;
  std::optional<crypto::ErrorCode> e2e_error_;
  std::optional<boost::json::array> solution_;  // of the welcome's puzzle, when it asked one
};

class CounselorBot : public Bot {
 public:
  CounselorBot(ServerProcess& server, CounselorAccount& account);
  bool connected() const { return ready_; }

  void Send(const boost::json::object& message);
  void SendRaw(const std::string& bytes, bool binary) { socket_->Send(bytes, binary); }
  bool Until(const std::function<bool()>& done, milliseconds timeout = milliseconds(10000));
  void PumpOnce(milliseconds wait) override;
  void Duty(const std::string& state) { Send({{"type", "duty"}, {"state", state}}); }
  bool Say(const std::string& chat, const std::string& text);
  void End(const std::string& chat);
  bool AuthoriseTransfer(const std::string& chat, const crypto::Bytes& certificate);
  void Drop();
  bool Reconnect();

  // Per chat: what the visitor said, and whether the encrypted session is up.
  std::map<std::string, std::vector<std::string>> heard;
  std::vector<boost::json::object> control;
  std::optional<boost::json::object> LastOf(std::string_view type) const;
  std::size_t CountOf(std::string_view type) const;
  bool ready_for(const std::string& chat);
  std::optional<int> close_code() const { return socket_->close_code(); }
  const std::string& cookie() const { return cookie_; }

 private:
  void Handle(const WsMessage& message);
  bool Connect();

  ServerProcess& server_;
  CounselorAccount& account_;
  std::unique_ptr<WebSocketClient> socket_;
  std::string cookie_;
  crypto::Bytes signing_certificate_;
  std::map<std::string, std::unique_ptr<client::CounselorParty>> chats_;
  bool ready_ = false;
};

// A counselor on duty with a visitor's chat accepted and the encrypted session up.
struct Chat {
  std::unique_ptr<CounselorAccount> account;
  std::unique_ptr<CounselorBot> counselor;
  std::unique_ptr<VisitorBot> visitor;
};
// Enrols `handle`, puts it on duty and brings a visitor in: the counselor has been offered the
// visitor's chat and has not answered yet.
Chat OfferChat(ServerProcess& server, const std::string& handle = "c-1");
// OfferChat, then the counselor accepts and the encrypted session comes up.
Chat StartChat(ServerProcess& server, const std::string& handle = "c-1");

}  // namespace haven::testing
