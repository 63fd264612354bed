// The binary envelope the server reads (docs/protocol.md 10):
//
//   envelope = type:u8 chat_id:16 leg:u16 seq:u32 [payload]
//   type     = 0x01 data (payload 1..4400 bytes) / 0x02 ack / 0x03 resend (no payload)
//   seq >= 1
//
// The server parses these 23 bytes and never the payload, then forwards the whole message
// unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/core/ids.h"

namespace haven::helpline {

enum class EnvelopeType : std::uint8_t { kData = 1, kAck = 2, kResend = 3 };

inline constexpr std::size_t kEnvelopeHeaderSize = 23;
inline constexpr std::size_t kMaxEnvelopePayload = 4400;

struct EnvelopeHeader {
  EnvelopeType type = EnvelopeType::kData;
  core::ChatId chat;
  std::uint16_t leg = 0;
  std::uint32_t seq = 0;
};

// nullopt for anything that is not a well-formed envelope.
std::optional<EnvelopeHeader> ParseEnvelope(std::string_view message);
std::string EncodeEnvelope(const EnvelopeHeader& header, std::string_view payload = {});

}  // namespace haven::helpline
