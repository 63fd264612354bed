// One side of one chat, as a client runs it: the Haven-E2E handshake and streams of each leg
// (crypto/), and delivery over the envelope (docs/protocol.md 10): numbered frames kept until
// acknowledged and sent again byte for byte, acknowledgements, duplicate and gap handling.
//
// Transport-agnostic: feed it the binary envelopes that arrive, send the envelopes it hands
// back. Used by the integration tests' clients and the benchmark's. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/handshake.h"
#include "server/core/ids.h"

namespace haven::client {

// What one incoming envelope produced.
struct Received {
  std::vector<std::string> send;          // envelopes to send now (acks, handshake replies)
  std::vector<std::string> texts;         // decrypted text messages, in order
  std::optional<crypto::TransferMessage> transfer;
  bool ended = false;                     // the peer's end message arrived
  bool verified = false;                  // visitor: the accept just verified
  std::optional<crypto::ErrorCode> error;  // a frame was refused (it is dropped)
};

// Frames one side sends on one leg: numbered from 1, kept until acknowledged.
class Outbox {
 public:
  std::string Add(const core::ChatId& chat, std::uint16_t leg, std::string_view payload);
  void Acknowledge(std::uint32_t seq);
  // Everything not yet acknowledged, oldest first (after a reconnect, or on resend).
  std::vector<std::string> Unacknowledged(std::uint32_t from_seq = 1) const;
  std::uint32_t next_seq() const { return next_seq_; }

 private:
  std::uint32_t next_seq_ = 1;
  std::map<std::uint32_t, std::string> unacknowledged_;
};

class VisitorParty {
 public:
  VisitorParty(const core::ChatId& chat, crypto::TrustAnchor trust);

  // Starts leg `leg` and returns its offer envelope (seq 1). For a transfer, `authorised` is
  // the certificate the previous counselor named; for a requeue, `any_counselor` accepts any.
  std::string StartLeg(std::uint16_t leg, crypto::Bytes authorised = {}, bool any_counselor = false);
  // A text for the current leg: nullopt until the session exists (the caller keeps it).
  std::optional<std::string> SendText(const std::string& text, std::uint64_t now_ms);
  std::optional<std::string> SendEnd(std::uint64_t now_ms);
  Received Receive(std::string_view envelope, std::uint64_t now_seconds, std::uint64_t now_ms);
  std::vector<std::string> Unacknowledged() const;

  std::uint16_t leg() const { return leg_; }
  bool has_session() const { return session_.has_value(); }
  const std::optional<crypto::VisitorSession>& session() const { return session_; }

 private:
  core::ChatId chat_;
  crypto::TrustAnchor trust_;
  std::uint16_t leg_ = 0;
  std::optional<crypto::VisitorHandshake> handshake_;
  std::optional<crypto::VisitorSession> session_;
  Outbox outbox_;
  std::uint32_t received_ = 0;  // highest seq processed from the counselor on this leg
};

class CounselorParty {
 public:
  CounselorParty(const core::ChatId& chat, std::uint16_t leg, crypto::CounselorCredentials credentials);

  std::optional<std::string> SendText(const std::string& text, std::uint64_t now_ms);
  std::optional<std::string> SendTransfer(std::uint16_t next_leg, const crypto::Bytes& certificate, std::uint64_t now_ms);
  std::optional<std::string> SendEnd(crypto::EndReason reason, std::uint64_t now_ms);
  Received Receive(std::string_view envelope, std::uint64_t now_ms);
  std::vector<std::string> Unacknowledged() const { return outbox_.Unacknowledged(); }

  bool ready() { return session_ && session_->receiver(); }
  std::uint16_t leg() const { return leg_; }
  const std::optional<crypto::CounselorSession>& session() const { return session_; }

 private:
  std::optional<std::string> Push(const crypto::Message& message, std::uint64_t now_ms);
  core::ChatId chat_;
  std::uint16_t leg_;
  crypto::CounselorCredentials credentials_;
  std::optional<crypto::CounselorSession> session_;
  Outbox outbox_;
  std::uint32_t received_ = 0;
};

}  // namespace haven::client
