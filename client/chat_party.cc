#include "client/chat_party.h"

#include "server/helpline/envelope.h"

namespace haven::client {
namespace {

using helpline::EncodeEnvelope;
using helpline::EnvelopeHeader;
using helpline::EnvelopeType;

std::string Control(EnvelopeType type, const core::ChatId& chat, std::uint16_t leg, std::uint32_t seq) {
  return EncodeEnvelope(EnvelopeHeader{type, chat, leg, seq});
}

crypto::ChatId ToCryptoChat(const core::ChatId& chat) { return chat.bytes; }

// The common receiving rules: acknowledgements, resend requests, duplicates and gaps. Returns
// the payload of a data frame that is next in order, or nullopt when there is nothing to do.
std::optional<std::string_view> Accept(std::string_view envelope, const core::ChatId& chat, std::uint16_t leg,
                                       Outbox& outbox, std::uint32_t& received, Received& out) {
  auto header = helpline::ParseEnvelope(envelope);
  if (!header || header->chat != chat || header->leg != leg) return std::nullopt;
  switch (header->type) {
    case EnvelopeType::kAck: outbox.Acknowledge(header->seq); return std::nullopt;
    case EnvelopeType::kResend:
      for (auto& frame : outbox.Unacknowledged(header->seq)) out.send.push_back(std::move(frame));
      return std::nullopt;
    case EnvelopeType::kData: break;
  }
  if (header->seq <= received) {  // a duplicate: acknowledge again so the sender can let go
    out.send.push_back(Control(EnvelopeType::kAck, chat, leg, received));
    return std::nullopt;
  }
  if (header->seq > received + 1) {
    out.send.push_back(Control(EnvelopeType::kResend, chat, leg, received + 1));
    return std::nullopt;
  }
  return envelope.substr(helpline::kEnvelopeHeaderSize);
}

void Deliver(crypto::StreamReceiver::Delivered delivered, Received& out) {
  if (auto* text = std::get_if<crypto::TextMessage>(&delivered.message.body)) out.texts.push_back(text->text);
  if (auto* transfer = std::get_if<crypto::TransferMessage>(&delivered.message.body)) out.transfer = *transfer;
  if (delivered.message.is_end()) out.ended = true;
}

}  // namespace

std::string Outbox::Add(const core::ChatId& chat, std::uint16_t leg, std::string_view payload) {
  std::uint32_t seq = next_seq_++;
  std::string envelope = EncodeEnvelope(EnvelopeHeader{EnvelopeType::kData, chat, leg, seq}, payload);
  unacknowledged_.emplace(seq, envelope);
  return envelope;
}

void Outbox::Acknowledge(std::uint32_t seq) {
  unacknowledged_.erase(unacknowledged_.begin(), unacknowledged_.upper_bound(seq));
}

std::vector<std::string> Outbox::Unacknowledged(std::uint32_t from_seq) const {
  std::vector<std::string> frames;
  for (auto it = unacknowledged_.lower_bound(from_seq); it != unacknowledged_.end(); ++it) frames.push_back(it->second);
  return frames;
}

// --- visitor ---

VisitorParty::VisitorParty(const core::ChatId& chat, crypto::TrustAnchor trust) : chat_(chat), trust_(std::move(trust)) {}

std::string VisitorParty::StartLeg(std::uint16_t leg, crypto::Bytes authorised, bool any_counselor) {
  leg_ = leg;
  session_.reset();
  outbox_ = Outbox();
  received_ = 0;
  handshake_ = crypto::VisitorHandshake::Start(ToCryptoChat(chat_), leg, std::move(authorised));
  if (any_counselor) handshake_->AcceptAnyCounselor();
  return outbox_.Add(chat_, leg_, crypto::AsText(handshake_->offer()));
}

std::optional<std::string> VisitorParty::SendText(const std::string& text, std::uint64_t now_ms) {
  if (!session_) return std::nullopt;
  auto frame = session_->sender.Push(crypto::Message{now_ms, crypto::TextMessage{text}}, now_ms);
  if (!frame) return std::nullopt;
  return outbox_.Add(chat_, leg_, crypto::AsText(frame->ciphertext));
}

std::optional<std::string> VisitorParty::SendEnd(std::uint64_t now_ms) {
  if (!session_) return std::nullopt;
  auto frame = session_->sender.Push(crypto::Message{now_ms, crypto::EndMessage{crypto::EndReason::kEnded}}, now_ms);
  if (!frame) return std::nullopt;
  return outbox_.Add(chat_, leg_, crypto::AsText(frame->ciphertext));
}

Received VisitorParty::Receive(std::string_view envelope, std::uint64_t now_seconds, std::uint64_t now_ms) {
  Received out;
  auto payload = Accept(envelope, chat_, leg_, outbox_, received_, out);
  if (!payload) return out;
  std::uint32_t seq = received_ + 1;
  if (seq == 1) {  // the accept
    if (!handshake_) return out;
    auto session = handshake_->ReceiveAccept(crypto::AsBytes(*payload), trust_, now_seconds, now_ms);
    if (!session) {
      out.error = session.error().code;
      return out;  // not acknowledged: fail closed, never fall back
    }
    session_.emplace(std::move(*session));
    handshake_.reset();
    out.verified = true;
    out.send.push_back(outbox_.Add(chat_, leg_, crypto::AsText(session_->stream_start)));
  } else {
    if (!session_) return out;
    auto delivered = session_->receiver.Receive(seq, crypto::AsBytes(*payload));
    if (!delivered) {
      out.error = delivered.error().code;
      return out;
    }
    Deliver(std::move(*delivered), out);
  }
  received_ = seq;
  out.send.push_back(Control(EnvelopeType::kAck, chat_, leg_, received_));
  return out;
}

std::vector<std::string> VisitorParty::Unacknowledged() const { return outbox_.Unacknowledged(); }

// --- counselor ---

CounselorParty::CounselorParty(const core::ChatId& chat, std::uint16_t leg, crypto::CounselorCredentials credentials)
    : chat_(chat), leg_(leg), credentials_(std::move(credentials)) {}

std::optional<std::string> CounselorParty::Push(const crypto::Message& message, std::uint64_t now_ms) {
  if (!session_) return std::nullopt;
  auto frame = session_->sender().Push(message, now_ms);
  if (!frame) return std::nullopt;
  return outbox_.Add(chat_, leg_, crypto::AsText(frame->ciphertext));
}

std::optional<std::string> CounselorParty::SendText(const std::string& text, std::uint64_t now_ms) {
  return Push(crypto::Message{now_ms, crypto::TextMessage{text}}, now_ms);
}

std::optional<std::string> CounselorParty::SendTransfer(std::uint16_t next_leg, const crypto::Bytes& certificate,
                                                        std::uint64_t now_ms) {
  return Push(crypto::Message{now_ms, crypto::TransferMessage{next_leg, certificate}}, now_ms);
}

std::optional<std::string> CounselorParty::SendEnd(crypto::EndReason reason, std::uint64_t now_ms) {
  return Push(crypto::Message{now_ms, crypto::EndMessage{reason}}, now_ms);
}

Received CounselorParty::Receive(std::string_view envelope, std::uint64_t now_ms) {
  Received out;
  auto payload = Accept(envelope, chat_, leg_, outbox_, received_, out);
  if (!payload) return out;
  std::uint32_t seq = received_ + 1;
  if (seq == 1) {  // the visitor's offer: answer it
    auto session = crypto::CounselorSession::Accept(crypto::AsBytes(*payload), ToCryptoChat(chat_), leg_, credentials_, now_ms);
    if (!session) {
      out.error = session.error().code;
      return out;
    }
    session_.emplace(std::move(*session));
    out.send.push_back(outbox_.Add(chat_, leg_, crypto::AsText(session_->accept())));
  } else if (seq == 2) {
    if (!session_) return out;
    if (auto started = session_->ReceiveStreamStart(crypto::AsBytes(*payload)); !started) {
      out.error = started.error().code;
      return out;
    }
  } else {
    if (!ready()) return out;
    auto delivered = session_->receiver()->Receive(seq, crypto::AsBytes(*payload));
    if (!delivered) {
      out.error = delivered.error().code;
      return out;
    }
    Deliver(std::move(*delivered), out);
  }
  received_ = seq;
  out.send.push_back(Control(EnvelopeType::kAck, chat_, leg_, received_));
  return out;
}

}  // namespace haven::client
