// The per-socket handlers of the two WebSocket endpoints. They parse, rate-limit and count
// protocol errors; everything else is the HelplineService's. Both live on the helpline's
// event loop and are destroyed by the net layer right after OnClose.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/core/ids.h"
#include "server/core/profile.h"
#include "server/helpline/control_error.h"
#include "server/helpline/frame_ledger.h"
#include "server/helpline/join_puzzle.h"
#include "server/helpline/rate_limiter.h"
#include "server/net/websocket_endpoint.h"

namespace haven::helpline {

class HelplineService;
struct ChatRoute;

// What both kinds of connection share: sending, closing, rate limits, error counting.
class Connection {
 public:
  Connection(HelplineService& service, net::WebSocketPeer& peer, core::Instant now, double messages_per_second,
             double frames_per_second);
  virtual ~Connection() = default;

  void SendText(std::string text);
  void SendFrame(const std::shared_ptr<const std::string>& frame);
  // From Hold() on, what is sent waits, in order; Release(first) sends `first`, then it. A
  // visitor hears nothing of its chat before `joined`, which waits for the chat's synced write.
  // More than relay.buffer_bytes waiting closes the connection with 1013: it resumes later.
  void Hold() { holding_ = true; }
  bool holding() const { return holding_; }
  void Release(std::optional<std::string> first = std::nullopt);
  // Drops what is held (a close asked for meanwhile still happens).
  void Discard();
  void Close(std::uint16_t code, std::string_view reason);
  // Answers a bad message; after too many the connection is closed with 4000.
  void ProtocolError(ControlError error);
  // Takes what a binary frame costs from its budget (new frames and resent ones have one each,
  // protocol 10); when that budget is spent, `error` rate_limited and close 4029.
  bool AllowFrame(FrameCharge charge);
  bool closing() const { return closing_; }
  core::Instant connected_at() const { return connected_at_; }
  // join, resume or auth must come before this, or the connection is closed with 4008.
  core::Instant hello_deadline() const { return hello_deadline_; }
  // Held by asynchronous jobs (storage) to learn whether the connection is still there.
  std::weak_ptr<void> liveness() const { return alive_; }

 protected:
  bool AllowMessage();
  HelplineService& service_;

 private:
  void Keep(net::OutboundMessage message);

  net::WebSocketPeer& peer_;
  core::Instant connected_at_;

 protected:
  core::Instant hello_deadline_;

 private:
  TokenBucket messages_;
  TokenBucket frames_;
  TokenBucket resent_frames_;
  int protocol_errors_ = 0;
  bool closing_ = false;
  bool holding_ = false;
  std::vector<net::OutboundMessage> held_;
  std::size_t held_bytes_ = 0;  // bounded by relay.buffer_bytes (a disk that stops answering)
  std::optional<std::pair<std::uint16_t, std::string>> held_close_;  // a Close() while holding
  std::shared_ptr<void> alive_ = std::make_shared<int>(0);
};

class VisitorConnection final : public Connection, public net::WebSocketHandler {
 public:
  VisitorConnection(HelplineService& service, net::WebSocketPeer& peer, const net::ClientKey& client, core::Instant now);
  void OnMessage(std::string_view data, bool binary) override;
  void OnClose() override;

  const net::ClientKey& client() const { return client_; }
  ChatRoute* route = nullptr;  // set once joined or resumed
  // Its join must carry a solution of this (the welcome asked for one); it gets the puzzle's
  // longer time to join.
  void GivePuzzle(const JoinPuzzle& puzzle, std::chrono::milliseconds timeout);
  const std::optional<JoinPuzzle>& puzzle() const { return puzzle_; }

 private:
  net::ClientKey client_;
  std::optional<JoinPuzzle> puzzle_;
};

class CounselorConnection final : public Connection, public net::WebSocketHandler {
 public:
  CounselorConnection(HelplineService& service, net::WebSocketPeer& peer, core::Instant now);
  void OnMessage(std::string_view data, bool binary) override;
  void OnClose() override;

  // Set once the ticket checked out.
  struct Identity {
    std::string handle;
    std::string name;
    std::string role;  // "counselor" | "supervisor"
    core::CounselorProfile profile;
    std::string certificate_hex;
  };
  std::optional<Identity> identity;
  bool authenticating = false;
};

}  // namespace haven::helpline
