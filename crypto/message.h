// The plaintext of a stream frame before padding (docs/protocol.md 7.2):
//
//   message = kind:u8 sent_at_ms:u64 body
//   kind 0x01 text      body = 1..4000 bytes of UTF-8
//   kind 0x02 transfer  body = next_leg:u16 length:u16 certificate
//   kind 0x03 end       body = reason:u8  (0x01 ended by the sender, 0x02 transferred away)
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "crypto/bytes.h"
#include "crypto/error.h"

namespace haven::crypto {

inline constexpr std::size_t kMaxTextBytes = 4000;
inline constexpr std::size_t kMaxPaddedMessage = 4096;

struct TextMessage {
  std::string text;
  bool operator==(const TextMessage&) const = default;
};
struct TransferMessage {
  std::uint16_t next_leg = 0;
  Bytes certificate;
  bool operator==(const TransferMessage&) const = default;
};
enum class EndReason : std::uint8_t { kEnded = 1, kTransferred = 2 };
struct EndMessage {
  EndReason reason = EndReason::kEnded;
  bool operator==(const EndMessage&) const = default;
};

struct Message {
  std::uint64_t sent_at_ms = 0;
  std::variant<TextMessage, TransferMessage, EndMessage> body;
  bool operator==(const Message&) const = default;
  bool is_end() const { return std::holds_alternative<EndMessage>(body); }
};

// message_too_long for text over 4000 bytes, bad_message for empty or invalid UTF-8 text.
Result<Bytes> EncodeMessage(const Message& message);
Result<Message> ParseMessage(ByteView bytes);

}  // namespace haven::crypto
