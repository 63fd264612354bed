#include "crypto/message.h"

#include "crypto/certificate.h"

namespace haven::crypto {

Result<Bytes> EncodeMessage(const Message& message) {
  ByteWriter out;
  if (const auto* text = std::get_if<TextMessage>(&message.body)) {
    if (text->text.size() > kMaxTextBytes) return Fail(ErrorCode::kMessageTooLong);
    if (text->text.empty() || !IsValidUtf8(AsBytes(text->text))) return Fail(ErrorCode::kBadMessage);
    out.U8(0x01).U64(message.sent_at_ms).Append(text->text);
  } else if (const auto* transfer = std::get_if<TransferMessage>(&message.body)) {
    if (transfer->certificate.size() > 0xffff) return Fail(ErrorCode::kMessageTooLong);
    out.U8(0x02).U64(message.sent_at_ms).U16(transfer->next_leg);
    out.U16(static_cast<std::uint16_t>(transfer->certificate.size())).Append(transfer->certificate);
  } else if (const auto* end = std::get_if<EndMessage>(&message.body)) {
    auto reason = static_cast<std::uint8_t>(end->reason);
    if (reason < 1 || reason > 3) return Fail(ErrorCode::kBadMessage);
    out.U8(0x03).U64(message.sent_at_ms).U8(reason);
  } else {
    const auto& history = std::get<HistoryMessage>(message.body);
    if (history.entries.empty()) return Fail(ErrorCode::kBadMessage);
    out.U8(0x04).U64(message.sent_at_ms);
    for (const auto& entry : history.entries) {
      if (entry.text.size() > kMaxTextBytes) return Fail(ErrorCode::kMessageTooLong);
      if (entry.text.empty() || !IsValidUtf8(AsBytes(entry.text))) return Fail(ErrorCode::kBadMessage);
      if (entry.from != HistorySpeaker::kVisitor && entry.from != HistorySpeaker::kCounselor) {
        return Fail(ErrorCode::kBadMessage);
      }
      out.U8(static_cast<std::uint8_t>(entry.from)).U64(entry.sent_at_ms);
      out.U16(static_cast<std::uint16_t>(entry.text.size())).Append(entry.text);
    }
  }
  Bytes bytes = out.Take();
  if (bytes.size() > kMaxMessageBytes) return Fail(ErrorCode::kMessageTooLong);
  return bytes;
}

bool MayComeFrom(const Message& message, bool from_visitor) {
  if (std::holds_alternative<TransferMessage>(message.body)) return !from_visitor;
  if (std::holds_alternative<HistoryMessage>(message.body)) return from_visitor;
  if (const auto* end = std::get_if<EndMessage>(&message.body)) {
    if (end->reason == EndReason::kQuickExit) return from_visitor;
  }
  return true;
}

Result<Message> ParseMessage(ByteView bytes) {
  ByteReader in(bytes);
  auto kind = in.U8();
  auto sent_at = in.U64();
  if (!kind || !sent_at) return Fail(ErrorCode::kBadMessage);
  Message message{*sent_at, TextMessage{}};
  switch (*kind) {
    case 0x01: {
      auto text = in.Take(in.remaining());
      if (text->empty() || text->size() > kMaxTextBytes || !IsValidUtf8(*text)) return Fail(ErrorCode::kBadMessage);
      message.body = TextMessage{std::string(AsText(*text))};
      return message;
    }
    case 0x02: {
      auto next_leg = in.U16();
      auto length = in.U16();
      auto certificate = length ? in.Take(*length) : std::nullopt;
      if (!next_leg || !certificate || !in.Finished()) return Fail(ErrorCode::kBadMessage);
      message.body = TransferMessage{*next_leg, Bytes(certificate->begin(), certificate->end())};
      return message;
    }
    case 0x03: {
      auto reason = in.U8();
      if (!reason || *reason < 1 || *reason > 3 || !in.Finished()) return Fail(ErrorCode::kBadMessage);
      message.body = EndMessage{static_cast<EndReason>(*reason)};
      return message;
    }
    case 0x04: {
      HistoryMessage history;
      while (!in.Finished()) {
        auto from = in.U8();
        auto at = in.U64();
        auto length = in.U16();
        auto text = length ? in.Take(*length) : std::nullopt;
        if (!from || (*from != 1 && *from != 2) || !at || !text || text->empty() || text->size() > kMaxTextBytes ||
            !IsValidUtf8(*text)) {
          return Fail(ErrorCode::kBadMessage);
        }
        history.entries.push_back({static_cast<HistorySpeaker>(*from), *at, std::string(AsText(*text))});
      }
      if (history.entries.empty()) return Fail(ErrorCode::kBadMessage);
      message.body = std::move(history);
      return message;
    }
    default: return Fail(ErrorCode::kBadMessage);
  }
}

}  // namespace haven::crypto
