// Identifiers the core works with. A chat is named by the 16 random bytes the server chose
// when the visitor joined (docs/protocol.md 4); a counselor by its pseudonymous handle.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>

namespace haven::core {

struct ChatId {
  std::array<std::uint8_t, 16> bytes{};
  auto operator<=>(const ChatId&) const = default;
};

using CounselorHandle = std::string;

struct ChatIdHash {
  std::size_t operator()(const ChatId& id) const {
    std::size_t value;
    std::memcpy(&value, id.bytes.data(), sizeof value);  // the bytes are random already
    return value;
  }
};

}  // namespace haven::core
