// Autobahn groups 1 (framing), 2 (pings and pongs), 3 (reserved bits) and 4 (opcodes).
#include <string>

#include "tests/conformance/case_groups.h"

namespace haven::conformance {
namespace {

const std::string kHello = "Hello, world!";

// An RFC 6455 §5.1/§5.2 breach Autobahn cannot send (its client always frames correctly):
// the server must fail the connection.
void SendEncoded(RawWebSocket& ws, const Frame& frame, const FrameEncoding& encoding) {
  ws.Write(EncodeClientFrame(frame, encoding));
}

}  // namespace

std::vector<CaseResult> RunFramingCases(const Target& target) {
  std::vector<CaseResult> results;
  const std::size_t kLengths[] = {0, 125, 126, 127, 128, 65535, 65536};
  for (bool binary : {false, true}) {
    std::uint8_t op = binary ? opcode::kBinary : opcode::kText;
    std::string kind = binary ? "binary" : "text";
    std::string prefix = binary ? "1.2." : "1.1.";
    auto echo = [&](std::string payload) {
      return binary ? BinaryMessage(std::move(payload)) : TextMessage(std::move(payload));
    };
    char fill = binary ? '\xfe' : '*';
    int number = 1;
    for (std::size_t length : kLengths) {
      std::string payload(length, fill);
      results.push_back(RunCase(
          target, prefix + std::to_string(number++), kind + " message of " + std::to_string(length) + " B",
          [&](RawWebSocket& ws) {
            ws.Send(Frame{op, payload});
          },
          Echoes({echo(payload)})));
    }
    std::string payload(65536, fill);
    results.push_back(RunCase(
        target, prefix + "8", kind + " message of 65536 B written in chops of 997 B",
        [&](RawWebSocket& ws) {
          ws.Send(Frame{op, payload}, 997);
        },
        Echoes({echo(payload)})));
  }

  std::string medium(126, '*');
  results.push_back(RunCase(
      target, "1.H.1", "text message of 126 B written one byte per TCP segment (16-bit length split)",
      [&](RawWebSocket& ws) {
        ws.Send(Frame{opcode::kText, medium}, 1);
      },
      Echoes({TextMessage(medium)})));
  std::string large(65536, '\xfe');
  results.push_back(RunCase(
      target, "1.H.2", "binary message of 65536 B, its 14-byte header one byte per segment, then the payload",
      [&](RawWebSocket& ws) {
        std::string bytes = EncodeClientFrame(Frame{opcode::kBinary, large});
        ws.Write(std::string_view(bytes).substr(0, 14), 1);
        ws.Write(std::string_view(bytes).substr(14));
      },
      Echoes({BinaryMessage(large)})));
  results.push_back(RunCase(
      target, "1.H.3", "unmasked text frame (RFC 6455 §5.1: the server MUST fail the connection)",
      [&](RawWebSocket& ws) {
        SendEncoded(ws, Frame{opcode::kText, kHello},
                    FrameEncoding{FrameEncoding::Length::kMinimal, false, std::nullopt});
      },
      FailsWith(1002)));
  results.push_back(RunCase(
      target, "1.H.4", "5-byte text frame with a 16-bit length (RFC 6455 §5.2: minimal length encoding)",
      [&](RawWebSocket& ws) {
        SendEncoded(ws, Frame{opcode::kText, "Hello"},
                    FrameEncoding{FrameEncoding::Length::kSixteenBit, true, std::nullopt});
      },
      FailsWith(1002)));
  // A length of 2^63 + 5 is also far over any message limit: 1009 fails the connection as well.
  Expectation top_bit = FailsWith(1002);
  top_bit.close_codes.push_back(1009);
  results.push_back(RunCase(
      target, "1.H.5", "text frame whose 64-bit length has the top bit set (RFC 6455 §5.2)",
      [&](RawWebSocket& ws) {
        SendEncoded(ws, Frame{opcode::kText, "Hello"},
                    FrameEncoding{FrameEncoding::Length::kSixtyFourBit, true, (1ull << 63) + 5});
      },
      top_bit));
  return results;
}

std::vector<CaseResult> RunPingPongCases(const Target& target) {
  std::vector<CaseResult> results;
  auto ping_echo = [&](std::string id, std::string description, std::string payload, std::size_t chop) {
    results.push_back(RunCase(
        target, std::move(id), std::move(description),
        [&](RawWebSocket& ws) {
          ws.Send(Frame{opcode::kPing, payload}, chop);
        },
        Echoes({Pong(payload)})));
  };
  ping_echo("2.1", "ping without payload", "", 0);
  ping_echo("2.2", "ping with a small text payload", kHello, 0);
  ping_echo("2.3", "ping with a small binary payload", std::string("\x00\xff\xfe\xfd\xfc\xfb\x00\xff", 8), 0);
  ping_echo("2.4", "ping with 125 B of binary payload", std::string(125, '\xfe'), 0);
  results.push_back(RunCase(
      target, "2.5", "ping with 126 B of payload (control frames carry at most 125)",
      [&](RawWebSocket& ws) {
        ws.Send(Frame{opcode::kPing, std::string(126, '\xfe')});
      },
      FailsWith(1002)));
  ping_echo("2.6", "ping with 125 B of payload, written one byte per segment", std::string(125, '\xfe'), 1);
  Expectation nothing = Echoes({});
  results.push_back(RunCase(
      target, "2.7", "unsolicited pong without payload, then close: nothing comes back but the close",
      [&](RawWebSocket& ws) {
        ws.Send({Frame{opcode::kPong, ""}, Frame{opcode::kClose, ClosePayload(1000)}});
      },
      nothing));
  results.push_back(RunCase(
      target, "2.8", "unsolicited pong with payload, then close: nothing comes back but the close",
      [&](RawWebSocket& ws) {
        ws.Send({Frame{opcode::kPong, "unsolicited pong payload"}, Frame{opcode::kClose, ClosePayload(1000)}});
      },
      nothing));
  results.push_back(RunCase(
      target, "2.9", "unsolicited pong with payload, then ping: only the ping is answered",
      [&](RawWebSocket& ws) {
        ws.Send({Frame{opcode::kPong, "unsolicited pong payload"}, Frame{opcode::kPing, "ping payload"}});
      },
      Echoes({Pong("ping payload")})));
  for (std::size_t chop : {0, 1}) {
    std::vector<Frame> pings;
    std::vector<Event> pongs;
    for (int i = 0; i < 10; ++i) {
      pings.push_back(Frame{opcode::kPing, "payload-" + std::to_string(i)});
      pongs.push_back(Pong("payload-" + std::to_string(i)));
    }
    results.push_back(RunCase(
        target, chop ? "2.11" : "2.10",
        chop ? "10 pings in a row, written one byte per segment: 10 pongs in order"
             : "10 pings in a row: 10 pongs in order",
        [&](RawWebSocket& ws) { ws.Send(pings, chop); }, Echoes(pongs)));
  }
  return results;
}

std::vector<CaseResult> RunReservedBitCases(const Target& target) {
  std::vector<CaseResult> results;
  // The echo of the good message first is OK; failing before echoing it is NON-STRICT.
  Expectation echo_then_fail = FailsWith(1002, {TextMessage(kHello)}, std::vector<Event>{});
  results.push_back(RunCase(
      target, "3.1", "text message with RSV = 1",
      [&](RawWebSocket& ws) {
        ws.Send(Frame{opcode::kText, kHello, true, 1});
      },
      FailsWith(1002)));
  results.push_back(RunCase(
      target, "3.2", "text message, then one with RSV = 2, then ping: no pong",
      [&](RawWebSocket& ws) {
        ws.Send({Frame{opcode::kText, kHello}, Frame{opcode::kText, kHello, true, 2}, Frame{opcode::kPing, ""}});
      },
      echo_then_fail));
  results.push_back(RunCase(
      target, "3.3", "as 3.2 with RSV = 3, one write per frame",
      [&](RawWebSocket& ws) {
        ws.Send(Frame{opcode::kText, kHello});
        ws.Send(Frame{opcode::kText, kHello, true, 3});
        ws.Send(Frame{opcode::kPing, ""});
      },
      echo_then_fail));
  results.push_back(RunCase(
      target, "3.4", "as 3.2 with RSV = 4, one byte per segment",
      [&](RawWebSocket& ws) {
        ws.Send(Frame{opcode::kText, kHello}, 1);
        ws.Send(Frame{opcode::kText, kHello, true, 4}, 1);
        ws.Send(Frame{opcode::kPing, ""}, 1);
      },
      echo_then_fail));
  results.push_back(RunCase(
      target, "3.5", "binary message with RSV = 5",
      [&](RawWebSocket& ws) {
        ws.Send(Frame{opcode::kBinary, std::string("\x00\xff\xfe\xfd\xfc\xfb\x00\xff", 8), true, 5});
      },
      FailsWith(1002)));
  results.push_back(RunCase(
      target, "3.6", "ping with RSV = 6",
      [&](RawWebSocket& ws) {
        ws.Send(Frame{opcode::kPing, kHello, true, 6});
      },
      FailsWith(1002)));
  results.push_back(RunCase(
      target, "3.7", "close with RSV = 7",
      [&](RawWebSocket& ws) {
        ws.Send(Frame{opcode::kClose, "", true, 7});
      },
      FailsWith(1002)));
  return results;
}

std::vector<CaseResult> RunOpcodeCases(const Target& target) {
  std::vector<CaseResult> results;
  Expectation echo_then_fail = FailsWith(1002, {TextMessage(kHello)}, std::vector<Event>{});
  for (bool control : {false, true}) {
    std::uint8_t first = control ? 11 : 3;
    std::string prefix = control ? "4.2." : "4.1.";
    std::string kind = control ? "reserved control opcode " : "reserved data opcode ";
    auto op = [&](int k) { return static_cast<std::uint8_t>(first + k); };
    results.push_back(RunCase(
        target, prefix + "1", kind + std::to_string(op(0)),
        [&](RawWebSocket& ws) {
          ws.Send(Frame{op(0), ""});
        },
        FailsWith(1002)));
    results.push_back(RunCase(
        target, prefix + "2", kind + std::to_string(op(1)) + " with payload",
        [&](RawWebSocket& ws) {
          ws.Send(Frame{op(1), "reserved opcode payload"});
        },
        FailsWith(1002)));
    results.push_back(RunCase(
        target, prefix + "3", "text message, then " + kind + std::to_string(op(2)) + ", then ping: no pong",
        [&](RawWebSocket& ws) {
          ws.Send({Frame{opcode::kText, kHello}, Frame{op(2), ""}, Frame{opcode::kPing, ""}});
        },
        echo_then_fail));
    results.push_back(RunCase(
        target, prefix + "4", "text message, then " + kind + std::to_string(op(3)) + " with payload, then ping",
        [&](RawWebSocket& ws) {
          ws.Send({Frame{opcode::kText, kHello}, Frame{op(3), kHello}, Frame{opcode::kPing, ""}});
        },
        echo_then_fail));
    results.push_back(RunCase(
        target, prefix + "5", "as " + prefix + "4 with " + kind + std::to_string(op(4)) + ", one byte per segment",
        [&](RawWebSocket& ws) {
          ws.Send({Frame{opcode::kText, kHello}, Frame{op(4), kHello}, Frame{opcode::kPing, ""}}, 1);
        },
        echo_then_fail));
  }
  return results;
}

}  // namespace haven::conformance
