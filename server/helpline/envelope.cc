#include "server/helpline/envelope.h"

namespace haven::helpline {

std::optional<EnvelopeHeader> ParseEnvelope(std::string_view message) {
  if (message.size() < kEnvelopeHeaderSize) return std::nullopt;
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(message[i]); };
  EnvelopeHeader header;
  std::uint8_t type = byte(0);
  if (type < 1 || type > 3) return std::nullopt;
  header.type = static_cast<EnvelopeType>(type);
  for (std::size_t i = 0; i < 16; ++i) header.chat.bytes[i] = byte(1 + i);
  header.leg = static_cast<std::uint16_t>(byte(17) << 8 | byte(18));
  header.seq = static_cast<std::uint32_t>(byte(19)) << 24 | static_cast<std::uint32_t>(byte(20)) << 16 |
               static_cast<std::uint32_t>(byte(21)) << 8 | byte(22);
  if (header.seq == 0) return std::nullopt;
  std::size_t payload = message.size() - kEnvelopeHeaderSize;
  if (header.type == EnvelopeType::kData) {
    if (payload < 1 || payload > kMaxEnvelopePayload) return std::nullopt;
  } else if (payload != 0) {
    return std::nullopt;
  }
  return header;
}

std::string EncodeEnvelope(const EnvelopeHeader& header, std::string_view payload) {
  std::string out;
  out.reserve(kEnvelopeHeaderSize + payload.size());
  out += static_cast<char>(header.type);
  for (std::uint8_t b : header.chat.bytes) out += static_cast<char>(b);
  out += static_cast<char>(header.leg >> 8);
  out += static_cast<char>(header.leg);
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(header.seq >> shift);
  out += payload;
  return out;
}

}  // namespace haven::helpline
