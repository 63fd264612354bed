// The conformance client's own frame layer: a wrong encoder or a lenient parser would make
// every case's grade meaningless.
#include "tests/conformance/websocket_frames.h"

#include <gtest/gtest.h>

namespace haven::conformance {
namespace {

// A server frame's bytes (unmasked), with the minimal length form unless told otherwise.
std::string ServerFrame(std::uint8_t byte0, std::string_view payload) {
  std::string out(1, static_cast<char>(byte0));
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(payload.size()));
  } else {
    out.push_back(126);
    out.push_back(static_cast<char>(payload.size() >> 8));
    out.push_back(static_cast<char>(payload.size() & 0xFF));
  }
  return out + std::string(payload);
}

std::string ParseViolation(const std::string& bytes) {
  ServerStream stream;
  stream.Append(bytes);
  while (stream.Next()) {
  }
  return stream.violation();
}

TEST(WebSocketFrames, ClientFrameIsMaskedWithMinimalLength) {
  for (std::size_t size : {0, 125, 126, 65535, 65536}) {
    std::string payload(size, 'x');
    std::string bytes = EncodeClientFrame(Frame{opcode::kBinary, payload});
    std::size_t header = size < 126 ? 2 : size < 65536 ? 4 : 10;
    ASSERT_EQ(bytes.size(), header + 4 + size);
    EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]), 0x82);
    EXPECT_EQ(static_cast<std::uint8_t>(bytes[1]) & 0x80, 0x80);
    std::string_view key = std::string_view(bytes).substr(header, 4);
    for (std::size_t i = 0; i < size; ++i) ASSERT_EQ(bytes[header + 4 + i] ^ key[i % 4], 'x');
  }
}

TEST(WebSocketFrames, ReservedBitsUseAutobahnNumbering) {
  EXPECT_EQ(static_cast<std::uint8_t>(EncodeClientFrame(Frame{opcode::kText, "", true, 4})[0]), 0xC1);   // RSV1
  EXPECT_EQ(static_cast<std::uint8_t>(EncodeClientFrame(Frame{opcode::kText, "", false, 1})[0]), 0x11);  // RSV3
}

TEST(WebSocketFrames, LyingLengthsAreWrittenAsAsked) {
  std::string bytes = EncodeClientFrame(Frame{opcode::kText, "Hello"},
                                        FrameEncoding{FrameEncoding::Length::kSixtyFourBit, true, 1ull << 63});
  EXPECT_EQ(static_cast<std::uint8_t>(bytes[1]), 0x80 | 127);
  EXPECT_EQ(static_cast<std::uint8_t>(bytes[2]), 0x80);
  std::string unmasked = EncodeClientFrame(Frame{opcode::kText, "Hello"},
                                           FrameEncoding{FrameEncoding::Length::kMinimal, false, std::nullopt});
  EXPECT_EQ(unmasked, std::string("\x81\x05Hello"));
}

TEST(WebSocketFrames, Utf8FollowsRfc3629) {
  EXPECT_TRUE(IsValidUtf8("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"));
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));   // U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xe0\x9f\xbf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xce"));              // cut short
  EXPECT_FALSE(IsValidUtf8("\x80"));
}

TEST(WebSocketFrames, ServerStreamAssemblesFragmentsAndControlFrames) {
  ServerStream stream;
  std::string bytes = ServerFrame(0x01, "frag") + ServerFrame(0x89, "ping") + ServerFrame(0x80, "ment") +
                      ServerFrame(0x88, ClosePayload(1000, "bye"));
  std::vector<Event> events;
  for (char c : bytes) {  // one byte at a time: nothing comes before it is complete
    stream.Append(std::string_view(&c, 1));
    while (auto event = stream.Next()) events.push_back(*event);
  }
  EXPECT_EQ(events, (std::vector<Event>{{Event::Kind::kPing, "ping", std::nullopt},
                                        TextMessage("fragment"),
                                        {Event::Kind::kClose, "bye", 1000}}));
  EXPECT_EQ(stream.violation(), "");
}

TEST(WebSocketFrames, ServerStreamRejectsWhatAServerMustNotSend) {
  EXPECT_NE(ParseViolation(ServerFrame(0x81 | 0x40, "x")), "");                    // RSV1
  EXPECT_NE(ParseViolation(ServerFrame(0x83, "x")), "");                           // reserved opcode
  EXPECT_NE(ParseViolation(std::string("\x81\x81\0\0\0\0x", 7)), "");              // masked
  EXPECT_NE(ParseViolation(std::string("\x81\x7e\x00\x05Hello", 9)), "");          // non-minimal length
  EXPECT_NE(ParseViolation(ServerFrame(0x09, "p")), "");                           // fragmented ping
  EXPECT_NE(ParseViolation(ServerFrame(0x80, "x")), "");                           // continuation, nothing open
  EXPECT_NE(ParseViolation(ServerFrame(0x01, "a") + ServerFrame(0x81, "b")), "");  // new message inside one
  EXPECT_NE(ParseViolation(ServerFrame(0x81, "\xed\xa0\x80")), "");                // text not UTF-8
  EXPECT_NE(ParseViolation(ServerFrame(0x88, "a")), "");                           // 1-byte close
  EXPECT_NE(ParseViolation(ServerFrame(0x88, ClosePayload(1005))), "");            // code never sent
  EXPECT_NE(ParseViolation(ServerFrame(0x88, ClosePayload(5000))), "");            // undefined code
  EXPECT_NE(ParseViolation(ServerFrame(0x88, "") + ServerFrame(0x81, "x")), "");   // after close
  EXPECT_EQ(ParseViolation(ServerFrame(0x82, "\xff") + ServerFrame(0x88, "")), "");
}

}  // namespace
}  // namespace haven::conformance
