#include "tests/conformance/websocket_frames.h"

#include <array>
#include <random>

namespace haven::conformance {
namespace {

constexpr std::size_t kMaxControlPayload = 125;

void PutBigEndian(std::string& out, std::uint64_t value, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

bool IsControl(std::uint8_t op) { return op >= 0x8; }

bool IsKnownOpcode(std::uint8_t op) {
  return op == opcode::kContinuation || op == opcode::kText || op == opcode::kBinary || op == opcode::kClose ||
         op == opcode::kPing || op == opcode::kPong;
}

// RFC 6455 §7.4: the codes a close frame may carry (1004-1006, 1015 and 1016-2999 except
// the IANA-registered 1012-1014 may not be sent; 0-999 are not used). 5000+ is undefined:
// a server has no business sending it either.
bool IsSendableCloseCode(std::uint16_t code) {
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

std::string Preview(std::string_view data) {
  if (data.size() > 24) return {};
  for (char c : data) {
    if (c < 0x20 || c > 0x7e) return {};
  }
  return " \"" + std::string(data) + "\"";
}

}  // namespace

std::string EncodeClientFrame(const Frame& frame, const FrameEncoding& encoding) {
  static std::mt19937 masks(6455);
  std::string out;
  out.push_back(static_cast<char>((frame.fin ? 0x80 : 0) | ((frame.rsv & 0x7) << 4) | (frame.opcode & 0xF)));
  std::uint64_t length = encoding.declared_length.value_or(frame.payload.size());
  auto form = encoding.length;
  if (form == FrameEncoding::Length::kMinimal) {
    form = length < 126     ? FrameEncoding::Length::kMinimal
           : length < 65536 ? FrameEncoding::Length::kSixteenBit
                            : FrameEncoding::Length::kSixtyFourBit;
  }
  char mask_bit = encoding.masked ? static_cast<char>(0x80) : 0;
  switch (form) {
    case FrameEncoding::Length::kMinimal:
      out.push_back(static_cast<char>(mask_bit | static_cast<char>(length)));
      break;
    case FrameEncoding::Length::kSixteenBit:
      out.push_back(static_cast<char>(mask_bit | 126));
      PutBigEndian(out, length, 2);
      break;
    case FrameEncoding::Length::kSixtyFourBit:
      out.push_back(static_cast<char>(mask_bit | 127));
      PutBigEndian(out, length, 8);
      break;
  }
  if (!encoding.masked) return out + frame.payload;
  std::array<char, 4> key{};
  for (char& k : key) k = static_cast<char>(masks() & 0xFF);
  out.append(key.data(), key.size());
  std::size_t start = out.size();
  out += frame.payload;
  for (std::size_t i = 0; i < frame.payload.size(); ++i) out[start + i] ^= key[i % 4];
  return out;
}

std::string ClosePayload(std::optional<std::uint16_t> code, std::string_view reason) {
  std::string out;
  if (code) PutBigEndian(out, *code, 2);
  out += reason;
  return out;
}

bool IsValidUtf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    auto lead = static_cast<std::uint8_t>(bytes[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t point = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      point = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      point = lead & 0x07;
    } else {
      return false;  // a continuation byte, C0/C1 (always overlong) or F5..FF
    }
    if (i + length > bytes.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      auto next = static_cast<std::uint8_t>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      point = (point << 6) | (next & 0x3F);
    }
    if (length == 3 && (point < 0x800 || (point >= 0xD800 && point <= 0xDFFF))) return false;
    if (length == 4 && (point < 0x10000 || point > 0x10FFFF)) return false;
    i += length;
  }
  return true;
}

Event TextMessage(std::string data) { return {Event::Kind::kText, std::move(data), std::nullopt}; }
Event BinaryMessage(std::string data) { return {Event::Kind::kBinary, std::move(data), std::nullopt}; }
Event Pong(std::string data) { return {Event::Kind::kPong, std::move(data), std::nullopt}; }

std::string Describe(const Event& event) {
  std::string size = " " + std::to_string(event.data.size()) + " B";
  switch (event.kind) {
    case Event::Kind::kText:
      return "text" + size + Preview(event.data);
    case Event::Kind::kBinary:
      return "binary" + size;
    case Event::Kind::kPing:
      return "ping" + size + Preview(event.data);
    case Event::Kind::kPong:
      return "pong" + size + Preview(event.data);
    case Event::Kind::kClose:
      return event.close_code ? "close " + std::to_string(*event.close_code) : "close (no code)";
  }
  return "?";
}

std::string Describe(const std::vector<Event>& events) {
  constexpr std::size_t kShown = 6;
  if (events.empty()) return "nothing";
  std::string out;
  for (std::size_t i = 0; i < events.size() && i < kShown; ++i) out += (out.empty() ? "" : ", ") + Describe(events[i]);
  if (events.size() > kShown) out += ", ... (" + std::to_string(events.size()) + " events)";
  return out;
}

std::optional<Event> ServerStream::Fail(std::string sentence) {
  if (violation_.empty()) violation_ = std::move(sentence);
  return std::nullopt;
}

std::optional<Event> ServerStream::Next() {
  while (violation_.empty()) {
    std::string_view rest = std::string_view(buffer_).substr(read_);
    if (rest.size() < 2) return std::nullopt;
    auto byte0 = static_cast<std::uint8_t>(rest[0]);
    auto byte1 = static_cast<std::uint8_t>(rest[1]);
    bool fin = byte0 & 0x80;
    std::uint8_t op = byte0 & 0x0F;
    if (closed_) return Fail("a frame after its close frame");
    if (byte0 & 0x70) return Fail("a frame with RSV bits set");
    if (!IsKnownOpcode(op)) return Fail("a frame with reserved opcode " + std::to_string(op));
    if (byte1 & 0x80) return Fail("a masked frame");
    std::uint64_t length = byte1 & 0x7F;
    std::size_t header = 2;
    if (length == 126) {
      if (rest.size() < 4) return std::nullopt;
      length =
          (static_cast<std::uint64_t>(static_cast<std::uint8_t>(rest[2])) << 8) | static_cast<std::uint8_t>(rest[3]);
      header = 4;
      if (length < 126) return Fail("a frame with a non-minimal 16-bit length");
    } else if (length == 127) {
      if (rest.size() < 10) return std::nullopt;
      length = 0;
      for (int i = 2; i < 10; ++i) length = (length << 8) | static_cast<std::uint8_t>(rest[i]);
      header = 10;
      if (length >> 63) return Fail("a frame with the top bit of its 64-bit length set");
      if (length < 65536) return Fail("a frame with a non-minimal 64-bit length");
    }
    if (IsControl(op) && (!fin || length > kMaxControlPayload)) {
      return Fail("a fragmented or over-long control frame");
    }
    if (rest.size() - header < length) return std::nullopt;
    std::string payload(rest.substr(header, length));
    read_ += header + length;
    if (read_ > (1u << 20) && read_ * 2 > buffer_.size()) {
      buffer_.erase(0, read_);
      read_ = 0;
    }

    if (op == opcode::kPing) return Event{Event::Kind::kPing, std::move(payload), std::nullopt};
    if (op == opcode::kPong) return Event{Event::Kind::kPong, std::move(payload), std::nullopt};
    if (op == opcode::kClose) {
      closed_ = true;
      if (payload.size() == 1) return Fail("a close frame with a 1-byte payload");
      Event close{Event::Kind::kClose, {}, std::nullopt};
      if (payload.size() >= 2) {
        auto code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                               static_cast<std::uint8_t>(payload[1]));
        if (!IsSendableCloseCode(code)) return Fail("a close frame with code " + std::to_string(code));
        close.close_code = code;
        close.data = payload.substr(2);
        if (!IsValidUtf8(close.data)) return Fail("a close reason that is not UTF-8");
      }
      return close;
    }
    if (op == opcode::kContinuation) {
      if (!open_message_) return Fail("a continuation frame with no message open");
    } else {
      if (open_message_) return Fail("a new data frame inside a fragmented message");
      open_message_ = op;
      message_.clear();
    }
    message_ += payload;
    if (!fin) continue;
    Event message{*open_message_ == opcode::kText ? Event::Kind::kText : Event::Kind::kBinary, std::move(message_),
                  std::nullopt};
    open_message_.reset();
    message_.clear();
    if (message.kind == Event::Kind::kText && !IsValidUtf8(message.data)) {
      return Fail("a text message that is not UTF-8");
    }
    return message;
  }
  return std::nullopt;
}

}  // namespace haven::conformance
