// Autobahn group 5: fragmentation, control frames between fragments, continuations out of place.
#include <string>

#include "tests/conformance/case_groups.h"

namespace haven::conformance {
namespace {

// How a case's frames reach the socket: all in one write, one write per frame (Autobahn's
// sync = True), or one byte per segment.
enum class Delivery { kOneWrite, kPerFrame, kPerByte };

void Deliver(RawWebSocket& ws, const std::vector<Frame>& frames, Delivery delivery) {
  switch (delivery) {
    case Delivery::kOneWrite:
      ws.Send(frames);
      return;
    case Delivery::kPerFrame:
      for (const Frame& frame : frames) ws.Send(frame);
      return;
    case Delivery::kPerByte:
      ws.Send(frames, 1);
      return;
  }
}

}  // namespace

std::vector<CaseResult> RunFragmentationCases(const Target& target) {
  std::vector<CaseResult> results;
  auto run = [&](std::string id, std::string description, std::vector<Frame> frames, Delivery delivery,
                 const Expectation& expect) {
    results.push_back(RunCase(
        target, std::move(id), std::move(description), [&](RawWebSocket& ws) { Deliver(ws, frames, delivery); },
        expect));
  };
  const Delivery kDeliveries[] = {Delivery::kOneWrite, Delivery::kPerFrame, Delivery::kPerByte};
  const std::string kHow[] = {"", ", one write per frame", ", one byte per segment"};

  run("5.1", "ping in 2 fragments",
      {Frame{opcode::kPing, "fragment1", false}, Frame{opcode::kContinuation, "fragment2"}}, Delivery::kOneWrite,
      FailsWith(1002));
  run("5.2", "pong in 2 fragments",
      {Frame{opcode::kPong, "fragment1", false}, Frame{opcode::kContinuation, "fragment2"}}, Delivery::kOneWrite,
      FailsWith(1002));
  for (int i = 0; i < 3; ++i) {
    run("5." + std::to_string(3 + i), "text message in 2 fragments" + kHow[i],
        {Frame{opcode::kText, "fragment1", false}, Frame{opcode::kContinuation, "fragment2"}}, kDeliveries[i],
        Echoes({TextMessage("fragment1fragment2")}));
  }
  for (int i = 0; i < 3; ++i) {
    run("5." + std::to_string(6 + i), "text message in 2 fragments, a ping between them" + kHow[i],
        {Frame{opcode::kText, "fragment1", false}, Frame{opcode::kPing, "ping payload"},
         Frame{opcode::kContinuation, "fragment2"}},
        kDeliveries[i], Echoes({Pong("ping payload"), TextMessage("fragment1fragment2")}));
  }
  for (int i = 0; i < 3; ++i) {
    run("5." + std::to_string(9 + i), "final continuation with nothing to continue, then a text message" + kHow[i],
        {Frame{opcode::kContinuation, "non-continuation payload"}, Frame{opcode::kText, "Hello, world!"}},
        kDeliveries[i], FailsWith(1002));
  }
  for (int i = 0; i < 3; ++i) {
    run("5." + std::to_string(12 + i), "non-final continuation with nothing to continue, then a text message" + kHow[i],
        {Frame{opcode::kContinuation, "non-continuation payload", false}, Frame{opcode::kText, "Hello, world!"}},
        kDeliveries[i], FailsWith(1002));
  }
  run("5.15", "text message in 2 fragments, then a continuation with nothing to continue",
      {Frame{opcode::kText, "fragment1", false}, Frame{opcode::kContinuation, "fragment2"},
       Frame{opcode::kContinuation, "fragment3", false}, Frame{opcode::kText, "fragment4"}},
      Delivery::kOneWrite, FailsWith(1002, {TextMessage("fragment1fragment2")}, std::vector<Event>{}));
  for (bool fin : {false, true}) {
    std::vector<Frame> frames;
    for (int i = 0; i < 2; ++i) {
      frames.push_back(Frame{opcode::kContinuation, "fragment1", fin});
      frames.push_back(Frame{opcode::kText, "fragment2", false});
      frames.push_back(Frame{opcode::kContinuation, "fragment3"});
    }
    run(fin ? "5.17" : "5.16",
        std::string("twice: a ") + (fin ? "final" : "non-final") +
            " continuation with nothing to continue, then a text message in 2 fragments",
        frames, Delivery::kOneWrite, FailsWith(1002));
  }
  run("5.18", "text message in 2 fragments, both with the text opcode",
      {Frame{opcode::kText, "fragment1", false}, Frame{opcode::kText, "fragment2"}}, Delivery::kOneWrite,
      FailsWith(1002));

  // 5.19/5.20: Autobahn waits a second between the two parts; here the first pong is the sign
  // that the server has read the first part and still holds the open message.
  for (bool per_frame : {false, true}) {
    Delivery delivery = per_frame ? Delivery::kPerFrame : Delivery::kOneWrite;
    results.push_back(RunCase(
        target, per_frame ? "5.20" : "5.19",
        std::string("text message in 5 fragments with 2 pings between them, sent in two parts") +
            (per_frame ? ", one write per frame" : ""),
        [&](RawWebSocket& ws) {
          Deliver(ws,
                  {Frame{opcode::kText, "fragment1", false}, Frame{opcode::kContinuation, "fragment2", false},
                   Frame{opcode::kPing, "pongme 1!"}},
                  delivery);
          ws.ReadUntil([&] { return !ws.events().empty(); }, target.event_wait);
          Deliver(ws,
                  {Frame{opcode::kContinuation, "fragment3", false}, Frame{opcode::kContinuation, "fragment4", false},
                   Frame{opcode::kPing, "pongme 2!"}, Frame{opcode::kContinuation, "fragment5"}},
                  delivery);
        },
        Echoes({Pong("pongme 1!"), Pong("pongme 2!"), TextMessage("fragment1fragment2fragment3fragment4fragment5")})));
  }

  run("5.H.1", "close frame in 2 fragments",
      {Frame{opcode::kClose, ClosePayload(1000), false}, Frame{opcode::kContinuation, ""}}, Delivery::kOneWrite,
      FailsWith(1002));
  std::vector<Frame> growing;
  std::string whole;
  for (int i = 1; i <= 10; ++i) {
    std::string piece(static_cast<std::size_t>(i), static_cast<char>(0xF0 + i));
    growing.push_back(Frame{i == 1 ? opcode::kBinary : opcode::kContinuation, piece, i == 10});
    whole += piece;
  }
  run("5.H.2", "binary message in 10 fragments of 1 to 10 B", growing, Delivery::kOneWrite,
      Echoes({BinaryMessage(whole)}));
  std::vector<Frame> bytes;
  std::string text = "one hundred fragments of one byte each, a text message read piece by piece by the server..";
  text.resize(100, '.');
  for (std::size_t i = 0; i < text.size(); ++i) {
    bytes.push_back(Frame{i == 0 ? opcode::kText : opcode::kContinuation, text.substr(i, 1), i + 1 == text.size()});
  }
  run("5.H.3", "text message in 100 fragments of 1 B, one write per frame", bytes, Delivery::kPerFrame,
      Echoes({TextMessage(text)}));
  run("5.H.4", "binary message in 3 fragments, the first and last empty",
      {Frame{opcode::kBinary, "", false}, Frame{opcode::kContinuation, "middle", false},
       Frame{opcode::kContinuation, ""}},
      Delivery::kOneWrite, Echoes({BinaryMessage("middle")}));
  return results;
}

}  // namespace haven::conformance
