// RFC 6455 frames as the conformance client writes and reads them, with no socket: client
// frames built to carry anything (reserved bits, reserved opcodes, lying or non-minimal
// lengths, no mask), and server bytes parsed so strictly that anything a server must not send
// is reported instead of read.
//
// Frame grammar (RFC 6455 §5.2), all integers in network order:
//   frame    = byte0 byte1 [ext-len] [mask-key] payload
//   byte0    = FIN(1 bit) RSV1(1) RSV2(1) RSV3(1) opcode(4)
//   byte1    = MASK(1 bit) len7(7)
//   ext-len  = uint16 when len7 = 126 | uint64 (top bit 0) when len7 = 127; minimal form only
//   mask-key = 4 bytes, present iff MASK; payload[i] ^= mask-key[i % 4]
// A client's frames are masked; a server's are not. Control frames (opcode >= 8) carry at most
// 125 bytes and are never fragmented. Close payload = [uint16 code [UTF-8 reason]].
//
// Plain values and functions; ServerStream is one connection's parser, used from one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace haven::conformance {

namespace opcode {
inline constexpr std::uint8_t kContinuation = 0x0;
inline constexpr std::uint8_t kText = 0x1;
inline constexpr std::uint8_t kBinary = 0x2;
inline constexpr std::uint8_t kClose = 0x8;
inline constexpr std::uint8_t kPing = 0x9;
inline constexpr std::uint8_t kPong = 0xA;
}  // namespace opcode

struct Frame {
  std::uint8_t opcode = opcode::kText;  // any 4-bit value: reserved ones are test input
  std::string payload;
  bool fin = true;
  // RSV1..RSV3 as a 3-bit number, numbered as Autobahn does: 4 is RSV1, 1 is RSV3.
  std::uint8_t rsv = 0;
};

// How a client frame is put on the wire; the defaults are what RFC 6455 requires.
struct FrameEncoding {
  enum class Length { kMinimal, kSixteenBit, kSixtyFourBit };
  Length length = Length::kMinimal;
  bool masked = true;
  // The length written in the header when it should lie about the payload (e.g. a 64-bit
  // length with the top bit set); the payload is written as it is either way.
  std::optional<std::uint64_t> declared_length;
};

// One client frame's bytes, masked with a key from a fixed-seed generator (runs repeat).
std::string EncodeClientFrame(const Frame& frame, const FrameEncoding& encoding = {});

// A close frame's payload: nothing without a code, else the code and the reason's bytes as given
// (they need not be UTF-8: that is what some cases send).
std::string ClosePayload(std::optional<std::uint16_t> code, std::string_view reason = {});

// RFC 3629 UTF-8, complete: no overlong forms, no surrogates, nothing above U+10FFFF, no
// sequence cut short at the end.
bool IsValidUtf8(std::string_view bytes);

// What a server sent, in order. Close events come last; Autobahn compares the others.
struct Event {
  enum class Kind { kText, kBinary, kPing, kPong, kClose };
  Kind kind = Kind::kText;
  std::string data;                         // message or ping/pong payload; close: the reason
  std::optional<std::uint16_t> close_code;  // close only; empty when the close frame had no payload
  bool operator==(const Event&) const = default;
};

Event TextMessage(std::string data);
Event BinaryMessage(std::string data);
Event Pong(std::string data);

// "text 13 B \"Hello, world!\"", "pong 0 B", "close 1002": for failure reasons (a list names
// its first few events and how many there were).
std::string Describe(const Event& event);
std::string Describe(const std::vector<Event>& events);

// The server's side of one connection, parsed as RFC 6455 demands of a server: frames
// unmasked, RSV 0, known opcodes, minimal lengths, control frames short and final, fragments in
// order, text messages and close reasons valid UTF-8, close codes a server may send, nothing
// after the close frame. The first breach stops parsing and is kept in violation().
class ServerStream {
 public:
  void Append(std::string_view bytes) { buffer_.append(bytes); }
  // The next complete event; nullopt when more bytes are needed or after a violation.
  std::optional<Event> Next();
  // Empty while the stream is conformant; else the first breach, as a sentence.
  const std::string& violation() const { return violation_; }

 private:
  std::optional<Event> Fail(std::string sentence);

  std::string buffer_;
  std::size_t read_ = 0;                      // bytes of buffer_ consumed
  std::optional<std::uint8_t> open_message_;  // opcode of a fragmented message in progress
  std::string message_;
  bool closed_ = false;
  std::string violation_;
};

}  // namespace haven::conformance
