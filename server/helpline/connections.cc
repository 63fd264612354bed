#include "server/helpline/connections.h"

#include <algorithm>

#include "server/helpline/control_messages.h"
#include "server/helpline/control_writer.h"
#include "server/helpline/helpline_service.h"

namespace haven::helpline {

Connection::Connection(HelplineService& service, net::WebSocketPeer& peer, core::Instant now,
                       double messages_per_second, double frames_per_second)
    : service_(service),
      peer_(peer),
      connected_at_(now),
      hello_deadline_(now + service.options().hello_timeout),
      messages_(messages_per_second, 2 * messages_per_second),
      frames_(frames_per_second, 2 * frames_per_second),
      resent_frames_(frames_per_second, 2 * frames_per_second) {}

void Connection::SendText(std::string text) {
  if (closing_) return;
  service_.HoldIfUnsynced(*this);
  net::OutboundMessage message{std::make_shared<const std::string>(std::move(text)), false};
  if (holding_) {
    Keep(std::move(message));
    return;
  }
  peer_.Send(std::move(message));
}

void Connection::SendFrame(const std::shared_ptr<const std::string>& frame) {
  if (closing_) return;
  service_.HoldIfUnsynced(*this);
  if (holding_) {
    Keep({frame, true});
    return;
  }
  peer_.Send({frame, true});
}

void Connection::Keep(net::OutboundMessage message) {
  held_bytes_ += message.data->size();
  if (held_bytes_ > service_.options().relay.bytes) {
    // The disk has not answered for a long while: let the client come back and resume rather
    // than hold without end (the relay keeps its unacknowledged frames).
    held_.clear();
    held_bytes_ = 0;
    holding_ = false;
    held_close_.reset();
    closing_ = true;
    peer_.Close(net::kCloseTryAgainLater, "waiting for storage");
    return;
  }
  held_.push_back(std::move(message));
}

void Connection::Release(std::optional<std::string> first) {
  holding_ = false;
  std::vector<net::OutboundMessage> held = std::move(held_);
  held_.clear();
  held_bytes_ = 0;
  if (first && !closing_) peer_.Send({std::make_shared<const std::string>(std::move(*first)), false});
  for (auto& message : held) peer_.Send(std::move(message));
  if (held_close_) {
    auto [code, reason] = std::move(*held_close_);
    held_close_.reset();
    peer_.Close(code, reason);
  }
}

void Connection::Discard() {
  held_.clear();
  held_bytes_ = 0;
  Release();
}

void Connection::Close(std::uint16_t code, std::string_view reason) {
  if (closing_) return;
  closing_ = true;
  if (holding_) {  // after what it was told, in order
    held_close_.emplace(code, std::string(reason));
    return;
  }
  peer_.Close(code, reason);
}

void Connection::ProtocolError(ControlError error) {
  service_.Counted(ControlErrorName(error));
  SendText(ErrorMessage(error));
  if (++protocol_errors_ >= service_.options().max_protocol_errors) Close(4000, "too many protocol errors");
}

bool Connection::AllowMessage() {
  if (messages_.TryTake(service_.now())) return true;
  service_.Counted("rate_limited");
  SendText(ErrorMessage(ControlError::kRateLimited));
  Close(4029, "rate limited");
  return false;
}

bool Connection::AllowFrame(FrameCharge charge) {
  if (charge == FrameCharge::kFree) return true;
  TokenBucket& budget = charge == FrameCharge::kNew ? frames_ : resent_frames_;
  if (budget.TryTake(service_.now())) return true;
  service_.Counted("rate_limited");
  SendText(ErrorMessage(ControlError::kRateLimited));
  Close(4029, "rate limited");
  return false;
}

VisitorConnection::VisitorConnection(HelplineService& service, net::WebSocketPeer& peer, const net::ClientKey& client,
                                     core::Instant now)
    : Connection(service, peer, now, service.options().control_messages_per_second,
                 service.options().frames_per_second),
      client_(client) {}

void VisitorConnection::GivePuzzle(const JoinPuzzle& puzzle, std::chrono::milliseconds timeout) {
  puzzle_ = puzzle;
  hello_deadline_ = std::max(hello_deadline_, connected_at() + timeout);
}

void VisitorConnection::OnMessage(std::string_view data, bool binary) {
  if (closing()) return;
  if (binary) {
    service_.VisitorFrame(*this, data);  // charged there, by what the frame is
    return;
  }
  if (!AllowMessage()) return;
  auto message = ParseVisitorMessage(data);
  if (!message) {
    ProtocolError(message.error());
    return;
  }
  std::visit(
      [this](const auto& request) {
        using T = std::decay_t<decltype(request)>;
        if constexpr (std::is_same_v<T, JoinRequest>) {
          service_.VisitorJoin(*this, request);
        } else if constexpr (std::is_same_v<T, ResumeRequest>) {
          service_.VisitorResume(*this, request);
        } else {
          service_.VisitorLeave(*this);
        }
      },
      *message);
}

void VisitorConnection::OnClose() { service_.VisitorClosed(*this); }

CounselorConnection::CounselorConnection(HelplineService& service, net::WebSocketPeer& peer, core::Instant now)
    : Connection(service, peer, now, service.options().control_messages_per_second,
                 service.options().counselor_frames_per_second) {}

void CounselorConnection::OnMessage(std::string_view data, bool binary) {
  if (closing()) return;
  if (binary) {
    if (!identity) {
      ProtocolError(ControlError::kNotAllowedNow);
      return;
    }
    service_.CounselorFrame(*this, data);  // charged there, by what the frame is
    return;
  }
  if (!AllowMessage()) return;
  auto message = ParseCounselorMessage(data);
  if (!message) {
    ProtocolError(message.error());
    return;
  }
  if (const auto* auth = std::get_if<AuthRequest>(&*message)) {
    if (identity || authenticating) {
      ProtocolError(ControlError::kNotAllowedNow);
      return;
    }
    service_.CounselorAuth(*this, *auth);
    return;
  }
  if (!identity) {
    ProtocolError(ControlError::kNotAllowedNow);
    return;
  }
  service_.CounselorCommand(*this, *message);
}

void CounselorConnection::OnClose() { service_.CounselorClosed(*this); }

}  // namespace haven::helpline
