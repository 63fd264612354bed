// Autobahn group 9: large messages, many fragments, chopped writes, many round trips; and the
// message limit itself. Each case's time is kept in CaseResult::elapsed for printing only.
//
// Autobahn sends single messages of up to 16 MiB and 4 MiB messages in fragments. Haven caps
// websocket.read_message_max_bytes at 1 MiB (server/config/config_schema.cc), so the sizes
// above the limit must be refused with close 1009 (RFC 6455 §7.4.1), which is graded
// INFORMATIONAL; the fragmented and chopped cases use messages of min(Autobahn's size, limit).
#include <algorithm>
#include <string>

#include "tests/conformance/case_groups.h"

namespace haven::conformance {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Bounds a hang only: a 1 MiB message written 64 bytes at a time takes well under a second.
constexpr milliseconds kSizeWait{20000};

std::string Size(std::size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " B";
}

// Runs `act`, waits for the first answer (echo or close), and grades as `expect` says; the
// time from the first byte written to that answer is the case's time.
CaseResult Timed(const Target& target, std::string id, std::string description, const Act& act,
                 const Expectation& expect) {
  auto opened = Connect(target);
  if (!opened)
    return {std::move(id), std::move(description), Grade::kFailed, "opening handshake: " + opened.error(), {}};
  RawWebSocket& ws = **opened;
  auto start = Clock::now();
  act(ws);
  std::size_t wanted = expect.events.front().second.size();
  ws.ReadUntil([&] { return ws.events().size() >= std::max<std::size_t>(wanted, 1) || !ws.violation().empty(); },
               kSizeWait);
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  CaseResult result = Conclude(target, ws, std::move(id), std::move(description), expect);
  result.elapsed = elapsed;
  return result;
}

// Sends `payload` as one frame (in writes of `chop` bytes when > 0) or in fragments of
// `fragment` bytes.
Act Message(std::uint8_t op, const std::string& payload, std::size_t fragment, std::size_t chop) {
  return [op, &payload, fragment, chop](RawWebSocket& ws) {
    if (fragment == 0 || fragment >= payload.size()) {
      ws.Send(Frame{op, payload}, chop);
      return;
    }
    std::vector<Frame> frames;
    for (std::size_t at = 0; at < payload.size(); at += fragment) {
      frames.push_back(Frame{frames.empty() ? op : opcode::kContinuation, payload.substr(at, fragment),
                             at + fragment >= payload.size()});
    }
    ws.Send(frames, chop);
  };
}

Event Echo(std::uint8_t op, std::string payload) {
  return op == opcode::kBinary ? BinaryMessage(std::move(payload)) : TextMessage(std::move(payload));
}

}  // namespace

std::vector<CaseResult> RunLimitAndSizeCases(const Target& target, std::size_t read_message_max) {
  std::vector<CaseResult> results;
  const std::string kLimit = "websocket.read_message_max_bytes (" + Size(read_message_max) + ")";
  // Autobahn's payloads: a short pattern repeated.
  auto payload_of = [](std::uint8_t op, std::size_t size) {
    return op == opcode::kBinary ? Repeat(std::string("\x00\xfe\x23\xfa\xf0", 5), size) : Repeat("BAsd7&jh23", size);
  };

  // 9.1 (text) and 9.2 (binary): one message of each size, one frame.
  const std::size_t kSingle[] = {64u << 10, 256u << 10, 1u << 20, 4u << 20, 8u << 20, 16u << 20};
  for (std::uint8_t op : {opcode::kText, opcode::kBinary}) {
    std::string kind = op == opcode::kText ? "text" : "binary";
    int number = 1;
    for (std::size_t size : kSingle) {
      std::string id = (op == opcode::kText ? "9.1." : "9.2.") + std::to_string(number++);
      std::string payload = payload_of(op, size);
      std::string description = kind + " message of " + Size(size);
      if (size <= read_message_max) {
        results.push_back(Timed(target, id, description, Message(op, payload, 0, 0), Echoes({Echo(op, payload)})));
        continue;
      }
      CaseResult result =
          Timed(target, id, description + ", over " + kLimit, Message(op, payload, 0, 0), FailsWith(1009));
      if (result.grade == Grade::kOk) {
        result.grade = Grade::kInformational;
        result.reason =
            "refused with 1009: over " + kLimit + ", which Haven's config caps at 1 MiB; Autobahn expects the echo";
      }
      results.push_back(std::move(result));
    }
  }

  // 9.3 (text) and 9.4 (binary): a 4 MiB message (here at most the limit) in fragments.
  const std::size_t kFragmented = std::min<std::size_t>(4u << 20, read_message_max);
  const std::size_t kFragments[] = {64, 256, 1u << 10, 4u << 10, 16u << 10, 64u << 10, 256u << 10, 1u << 20, 4u << 20};
  for (std::uint8_t op : {opcode::kText, opcode::kBinary}) {
    std::string kind = op == opcode::kText ? "text" : "binary";
    std::string payload = payload_of(op, kFragmented);
    int number = 1;
    for (std::size_t fragment : kFragments) {
      std::string id = (op == opcode::kText ? "9.3." : "9.4.") + std::to_string(number++);
      std::size_t used = std::min(fragment, kFragmented);
      results.push_back(Timed(
          target, id, kind + " message of " + Size(kFragmented) + " (Autobahn: 4 MiB) in fragments of " + Size(used),
          Message(op, payload, used, 0), Echoes({Echo(op, payload)})));
    }
  }

  // 9.5 (text) and 9.6 (binary): a 1 MiB message written in chops.
  const std::size_t kChopped = std::min<std::size_t>(1u << 20, read_message_max);
  const std::size_t kChops[] = {64, 128, 256, 512, 1024, 2048};
  for (std::uint8_t op : {opcode::kText, opcode::kBinary}) {
    std::string kind = op == opcode::kText ? "text" : "binary";
    std::string payload = payload_of(op, kChopped);
    int number = 1;
    for (std::size_t chop : kChops) {
      std::string id = (op == opcode::kText ? "9.5." : "9.6.") + std::to_string(number++);
      results.push_back(Timed(target, id, kind + " message of " + Size(kChopped) + " written in chops of " + Size(chop),
                              Message(op, payload, 0, chop), Echoes({Echo(op, payload)})));
    }
  }

  // 9.7 (text) and 9.8 (binary): 1000 messages, each sent when the last one's echo came back.
  const std::size_t kRoundTripSizes[] = {0, 16, 64, 256, 1024, 4096};
  constexpr int kRoundTrips = 1000;
  for (std::uint8_t op : {opcode::kText, opcode::kBinary}) {
    std::string kind = op == opcode::kText ? "text" : "binary";
    int number = 1;
    for (std::size_t size : kRoundTripSizes) {
      std::string id = (op == opcode::kText ? "9.7." : "9.8.") + std::to_string(number++);
      std::string payload(size, op == opcode::kText ? '*' : '\xfe');
      std::vector<Event> echoes(kRoundTrips, Echo(op, payload));
      results.push_back(Timed(
          target, id, std::to_string(kRoundTrips) + " " + kind + " messages of " + Size(size) + ", one round trip each",
          [&](RawWebSocket& ws) {
            for (std::size_t i = 0; i < echoes.size(); ++i) {
              if (!ws.Send(Frame{op, payload})) return;
              if (!ws.ReadUntil([&] { return ws.events().size() > i || ws.server_close(); }, kSizeWait)) return;
              if (ws.server_close()) return;
            }
          },
          Echoes(echoes)));
    }
  }

  // The limit itself: one byte over it, in one frame and in fragments (Autobahn 9.9.1 sends a
  // message of 4 KiB frames that never ends; here it ends in 1009 once past the limit).
  std::string over = payload_of(opcode::kText, read_message_max + 1);
  results.push_back(Timed(target, "9.H.1", "text message of " + Size(read_message_max) + " + 1 B: close 1009",
                          Message(opcode::kText, over, 0, 0), FailsWith(1009)));
  std::string endless = payload_of(opcode::kBinary, read_message_max + 8192);
  std::vector<Frame> frames;
  for (std::size_t at = 0; at < endless.size(); at += 4096) {
    frames.push_back(Frame{frames.empty() ? opcode::kBinary : opcode::kContinuation, endless.substr(at, 4096), false});
  }
  results.push_back(Timed(
      target, "9.H.2", "binary message of 4 KiB fragments that runs past the limit: close 1009",
      [&](RawWebSocket& ws) { ws.Send(frames); }, FailsWith(1009)));
  return results;
}

}  // namespace haven::conformance
