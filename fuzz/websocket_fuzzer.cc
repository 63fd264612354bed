// WebSocket frames as the server reads them: a valid upgrade to the test-only echo endpoint
// /ws/diag of the real server's session layer (fuzz/served_connection.h: Beast configured as
// WebSocketSession configures it), then the client's frames.
//
// Structure-aware: the input is not raw frame bytes but a list of frame descriptions (below),
// which the target encodes with consistent lengths and a mask, so that mutations reach message
// assembly, control frames, UTF-8 checks, limits and the close handshake instead of stopping at
// a broken length. A description can also ask for a wrong length form or no mask, and a final
// raw tail covers the rest.
//
// Properties, beyond no crash, leak, UB or hang:
//   - the server answers the upgrade with 101 and then writes only well-formed server frames:
//     unmasked, no reserved bits, known opcodes, one frame per message (auto_fragment off),
//     control payloads of at most 125 bytes, a close code that may go on the wire, valid
//     UTF-8 in text, nothing after its close frame;
//   - every message it echoes is the client's message of the same rank, byte for byte.
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/fuzz_org.h"
#include "fuzz/served_connection.h"
#include "server/config/config.h"

using haven::fuzz::Finding;

namespace {

const std::string kUpgrade =
    "GET /ws/diag HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://localhost:8080\r\n\r\n";

// RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF.
bool ValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    int more = byte < 0x80 ? 0 : (byte >> 5) == 0x6 ? 1 : (byte >> 4) == 0xE ? 2 : (byte >> 3) == 0x1E ? 3 : -1;
    if (more < 0 || i + static_cast<std::size_t>(more) >= text.size()) return false;
    std::uint32_t point = more == 0 ? byte : byte & (0x3F >> more);
    for (int k = 1; k <= more; ++k) {
      auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((next & 0xC0) != 0x80) return false;
      point = (point << 6) | (next & 0x3F);
    }
    static constexpr std::uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
    if (point < kSmallest[more] || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF)) return false;
    i += static_cast<std::size_t>(more) + 1;
  }
  return true;
}

// Reads the fuzzer's input front to back; zeros once it runs out.
class Reader {
 public:
  explicit Reader(std::string_view input) : input_(input) {}
  bool empty() const { return input_.empty(); }
  std::uint8_t Byte() {
    if (input_.empty()) return 0;
    auto byte = static_cast<std::uint8_t>(input_.front());
    input_.remove_prefix(1);
    return byte;
  }
  std::string_view Take(std::size_t n) {
    auto taken = input_.substr(0, n);
    input_.remove_prefix(taken.size());
    return taken;
  }
  std::string_view Rest() { return Take(input_.size()); }

 private:
  std::string_view input_;
};

// One frame description: [header byte: FIN, RSV1-3, opcode] [form] then either [length]
// [payload] or, with kRepeat, [length lo] [length hi] [byte] for that byte repeated.
// form bits: 0-1 length encoding (0 shortest, 1 16-bit, 2 64-bit), kUnmasked, kRepeat, kRawTail
// (the rest of the input goes out as it is, after this frame).
constexpr std::uint8_t kUnmasked = 0x04, kRepeat = 0x08, kRawTail = 0x80;

struct Frame {
  std::uint8_t header = 0;
  bool masked = true;
  std::string payload;
};

void Encode(const Frame& frame, int length_form, std::string& out) {
  out.push_back(static_cast<char>(frame.header));
  std::uint8_t mask_bit = frame.masked ? 0x80 : 0;
  std::uint64_t n = frame.payload.size();
  if (length_form == 0 && n < 126) {
    out.push_back(static_cast<char>(mask_bit | n));
  } else if (length_form <= 1 && n < 65536) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
  }
  const std::uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
  if (frame.masked) out.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < frame.payload.size(); ++i) {
    out.push_back(static_cast<char>(frame.payload[i] ^ (frame.masked ? key[i % 4] : 0)));
  }
}

// What a conforming server must echo, as far as it can be known: the client's complete
// messages in order, up to the first frame after which RFC 6455 lets the server deliver
// nothing more (a protocol error, a message over the limit, invalid UTF-8, the client's close).
struct Expected {
  std::vector<std::pair<bool, std::string>> messages;  // (binary, payload)
  bool stopped = false;         // such a frame came: nothing after it may be echoed
  bool asked_to_close = false;  // diag's "close N" / "flood": the server's close is the client's doing
};

Expected ExpectedEchoes(const std::vector<Frame>& frames, std::size_t max_message) {
  Expected expected;
  std::optional<std::pair<bool, std::string>> open;
  auto stop = [&expected] {
    expected.stopped = true;
    return expected;
  };
  for (const Frame& frame : frames) {
    int opcode = frame.header & 0x0F;
    bool fin = frame.header & 0x80;
    if ((frame.header & 0x70) || !frame.masked) return stop();
    if (opcode >= 8) {
      if (opcode == 8 || opcode > 10 || !fin || frame.payload.size() > 125) return stop();
      continue;  // ping, pong
    }
    if (opcode == 0) {
      if (!open) return stop();
      open->second += frame.payload;
    } else if (opcode <= 2) {
      if (open) return stop();
      open = {opcode == 2, frame.payload};
    } else {
      return stop();
    }
    if (open->second.size() > max_message) return stop();
    if (!fin) continue;
    if (!open->first && !ValidUtf8(open->second)) return stop();
    if (!open->first && (open->second.starts_with("close ") || open->second.starts_with("flood "))) {
      expected.asked_to_close = true;
      return stop();
    }
    expected.messages.push_back(std::move(*open));
    open.reset();
  }
  return expected;
}

bool MayGoOnTheWire(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || code == 1013 ||
         (code >= 3000 && code <= 4999);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto frame = [](std::uint8_t header, std::string_view payload, std::uint8_t form = 0) {
    std::string description{static_cast<char>(header), static_cast<char>(form), static_cast<char>(payload.size())};
    return description + std::string(payload);
  };
  auto repeated = [](std::uint8_t header, std::uint16_t length, char byte) {
    return std::string{static_cast<char>(header), static_cast<char>(kRepeat), static_cast<char>(length & 0xFF),
                       static_cast<char>(length >> 8), byte};
  };
  haven::fuzz::WriteSeedsIfAsked({
      frame(0x81, "hello") + frame(0x82, std::string("\x00\xff\x01", 3)) + frame(0x88, "\x03\xe8"),
      frame(0x01, "Здра") + frame(0x89, "ping") + frame(0x80, "вей") + frame(0x8A, "unsolicited"),
      frame(0x81, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5") + frame(0x81, "\xed\xa0\x80"),
      frame(0x81, "a", 1) + frame(0x82, "b", 2) + frame(0x81, "c", kUnmasked),
      repeated(0x82, 8192, 'x') + repeated(0x82, 8193, 'y'),
      frame(0x01, "one") + frame(0x01, "two") + frame(0x80, "x") + frame(0x00, "orphan"),
      frame(0xC1, "rsv1") + frame(0x83, "op3") + frame(0x8B, "opB") + frame(0x09, "frag ping"),
      frame(0x88, "\x03") + frame(0x88, "\x03\xed") + frame(0x88, "\x03\xe8\xff"),
      frame(0x81, "close 4000") + frame(0x81, "flood 300 1000"),
      repeated(0x89, 126, 'p') + frame(0x81, "after"),
      frame(0x81, "tail", kRawTail) + std::string("\x81\xfe\xff", 3),
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 8192) return 0;
  Reader reader(std::string_view(reinterpret_cast<const char*>(data), size));
  std::vector<Frame> frames;
  std::string client;  // the frames, sent once the 101 has arrived
  bool raw_tail = false;
  while (!reader.empty() && frames.size() < 64) {
    Frame frame;
    frame.header = reader.Byte();
    std::uint8_t form = reader.Byte();
    frame.masked = !(form & kUnmasked);
    if (form & kRepeat) {
      std::size_t length = reader.Byte();
      length |= static_cast<std::size_t>(reader.Byte()) << 8;
      frame.payload.assign(length, static_cast<char>(reader.Byte()));
    } else {
      frame.payload = reader.Take(reader.Byte());
    }
    Encode(frame, form & 0x03, client);
    frames.push_back(std::move(frame));
    if (form & kRawTail) {
      raw_tail = true;
      client += reader.Rest();
      break;
    }
  }

  const std::size_t max_message = haven::WebSocketSettings{}.read_message_max_bytes;
  const Expected expected = ExpectedEchoes(frames, max_message);
  const bool asked_to_close = expected.asked_to_close;
  std::string output = haven::fuzz::ServeConnection(kUpgrade, client);
  if (std::getenv("HAVEN_FUZZ_SHOW")) {
    std::fprintf(stderr, "client frames (%zu bytes):", client.size());
    for (std::size_t i = 0; i < std::min<std::size_t>(client.size(), 48); ++i) {
      std::fprintf(stderr, " %02x", static_cast<unsigned char>(client[i]));
    }
    std::fprintf(stderr, "\n");
  }

  constexpr std::string_view kSwitching = "HTTP/1.1 101 ";
  auto end_of_head = output.find("\r\n\r\n");
  if (!output.starts_with(kSwitching) || end_of_head == std::string::npos) Finding("the upgrade was not answered with 101");
  std::string_view rest = std::string_view(output).substr(end_of_head + 4);

  std::size_t echoed = 0;
  bool closed = false;
  while (!rest.empty()) {
    if (closed) Finding("the server wrote after its close frame");
    if (rest.size() < 2) Finding("a truncated frame from the server");
    auto b0 = static_cast<std::uint8_t>(rest[0]);
    auto b1 = static_cast<std::uint8_t>(rest[1]);
    if (b1 & 0x80) Finding("the server masked a frame");
    if (b0 & 0x70) Finding("the server set a reserved bit");
    if (!(b0 & 0x80)) Finding("the server fragmented a message");
    std::uint64_t length = b1 & 0x7F;
    std::size_t header = 2;
    if (length == 126 || length == 127) {
      std::size_t bytes = length == 126 ? 2 : 8;
      if (rest.size() < 2 + bytes) Finding("a truncated frame length from the server");
      length = 0;
      for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | static_cast<std::uint8_t>(rest[2 + i]);
      header += bytes;
    }
    if (rest.size() - header < length) Finding("a truncated frame from the server");
    std::string_view payload = rest.substr(header, length);
    rest.remove_prefix(header + length);
    int opcode = b0 & 0x0F;
    // For triage: `HAVEN_FUZZ_SHOW=1 websocket_fuzzer crash-file` lists the server's frames.
    if (std::getenv("HAVEN_FUZZ_SHOW")) {
      std::fprintf(stderr, "server frame: opcode %d, %llu bytes: %.*s\n", opcode, static_cast<unsigned long long>(length),
                   static_cast<int>(std::min<std::size_t>(payload.size(), 60)), payload.data());
    }
    if (opcode >= 8 && length > 125) Finding("a control frame over 125 bytes");
    switch (opcode) {
      case 1:
      case 2:
        if (opcode == 1 && !ValidUtf8(payload)) Finding("the server sent invalid UTF-8 as text");
        if (echoed < expected.messages.size() &&
            (expected.messages[echoed].first != (opcode == 2) || expected.messages[echoed].second != payload)) {
          Finding("an echo differs from the message it answers");
        }
        ++echoed;
        break;
      case 8: {
        closed = true;
        if (length == 1) Finding("a close frame with a one-byte payload");
        if (length >= 2) {
          auto code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) | static_cast<std::uint8_t>(payload[1]));
          if (!asked_to_close && !MayGoOnTheWire(code)) Finding("a close code that may not go on the wire");
          if (!ValidUtf8(payload.substr(2))) Finding("a close reason that is not UTF-8");
        }
        break;
      }
      case 9:
      case 10: break;
      default: Finding("the server sent an unknown opcode");
    }
  }
  // A raw tail may hold more frames, which the description does not know about.
  if (expected.stopped && !raw_tail && echoed > expected.messages.size()) {
    Finding("the server delivered a message after one RFC 6455 says ends the connection");
  }
  return 0;
}
