// The plaintext of a stream frame before padding (docs/protocol.md 7.2):
//
//   message = kind:u8 sent_at_ms:u64 body
//   kind 0x01 text      body = 1..4000 bytes of UTF-8
//   kind 0x02 transfer  body = next_leg:u16 length:u16 certificate
//   kind 0x03 end       body = reason:u8  (0x01 ended by the sender, 0x02 transferred away,
//                                          0x03 left at once: the visitor's quick exit)
//   kind 0x04 history   body = entry+     (entry = from:u8 sent_at_ms:u64 length:u16 text)
//
// Which direction may send what (transfer counselor only; history and end reason 0x03 visitor
// only) is the stream's rule, see MayComeFrom.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/error.h"

namespace haven::crypto {

inline constexpr std::size_t kMaxTextBytes = 4000;
inline constexpr std::size_t kMaxPaddedMessage = 4096;
inline constexpr std::size_t kMaxMessageBytes = kMaxPaddedMessage - 1;  // padding adds at least one byte

struct TextMessage {
  std::string text;
  bool operator==(const TextMessage&) const = default;
};
struct TransferMessage {
  std::uint16_t next_leg = 0;
  Bytes certificate;
  bool operator==(const TransferMessage&) const = default;
};
enum class EndReason : std::uint8_t { kEnded = 1, kTransferred = 2, kQuickExit = 3 };
struct EndMessage {
  EndReason reason = EndReason::kEnded;
  bool operator==(const EndMessage&) const = default;
};
// The visitor's copy of earlier legs, shared with a new counselor (protocol.md 8.2).
enum class HistorySpeaker : std::uint8_t { kVisitor = 1, kCounselor = 2 };
struct HistoryEntry {
  HistorySpeaker from = HistorySpeaker::kVisitor;
  std::uint64_t sent_at_ms = 0;
  std::string text;
  bool operator==(const HistoryEntry&) const = default;
};
struct HistoryMessage {
  std::vector<HistoryEntry> entries;
  bool operator==(const HistoryMessage&) const = default;
};

struct Message {
  std::uint64_t sent_at_ms = 0;
  std::variant<TextMessage, TransferMessage, EndMessage, HistoryMessage> body;
  bool operator==(const Message&) const = default;
  bool is_end() const { return std::holds_alternative<EndMessage>(body); }
};

// message_too_long for text over 4000 bytes or a whole message over 4095, bad_message for empty
// or invalid UTF-8 text, a history without entries or an unknown end reason.
Result<Bytes> EncodeMessage(const Message& message);
Result<Message> ParseMessage(ByteView bytes);
// Whether a message of this kind and reason may come from the visitor (`from_visitor`) or from a
// counselor; one that may not is bad_message at the receiver.
bool MayComeFrom(const Message& message, bool from_visitor);

}  // namespace haven::crypto
