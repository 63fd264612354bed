// Autobahn group 7: the closing handshake: what follows a close, close payloads, close codes.
#include <string>

#include "tests/conformance/case_groups.h"

namespace haven::conformance {
namespace {

const std::string kHelloWorld = "Hello World!";

Frame Close(std::optional<std::uint16_t> code, std::string_view reason = {}) {
  return Frame{opcode::kClose, ClosePayload(code, reason)};
}

// We close first; the server answers with one of `codes`. Autobahn's expectedClose with
// closedByMe = True.
Expectation AnsweredWith(std::vector<std::uint16_t> codes, bool clean) {
  return Expectation{{{Grade::kOk, {}}}, true, std::move(codes), clean};
}

// Cases whose outcome RFC 6455 leaves open: graded INFORMATIONAL with what was `seen`, unless
// the server crashed or hung (left TCP open), which fails any case.
CaseResult Informational(CaseResult result, const RawWebSocket& ws, std::string seen) {
  if (result.reason.find("exited") != std::string::npos) return result;
  if (!ws.ended()) {
    result.grade = Grade::kFailed;
    result.reason = seen + "; the server did not close TCP";
    return result;
  }
  result.grade = Grade::kInformational;
  result.reason = std::move(seen);
  return result;
}

}  // namespace

std::vector<CaseResult> RunCloseCases(const Target& target) {
  std::vector<CaseResult> results;
  auto run = [&](std::string id, std::string description, std::vector<Frame> frames, const Expectation& expect) {
    results.push_back(RunCase(
        target, std::move(id), std::move(description), [&](RawWebSocket& ws) { ws.Send(frames); }, expect));
  };
  Expectation normal = AnsweredWith({1000}, true);

  run("7.1.1", "text message, then close", {Frame{opcode::kText, kHelloWorld}}, Echoes({TextMessage(kHelloWorld)}));
  run("7.1.2", "two close frames", {Close(1000), Close(std::nullopt)}, normal);
  run("7.1.3", "ping after close: no pong", {Close(1000), Frame{opcode::kPing, ""}}, normal);
  run("7.1.4", "text message after close: no echo", {Close(1000), Frame{opcode::kText, kHelloWorld}}, normal);
  run("7.1.5", "first fragment, close, last fragment: no echo",
      {Frame{opcode::kText, "fragment1", false}, Close(1000), Frame{opcode::kContinuation, "fragment2"}}, normal);
  {
    std::string big = Repeat("BAsd7&jh23", 256 * 1024);
    Expectation open_ended = normal;
    open_ended.events = {{Grade::kOk, {TextMessage(big), TextMessage(kHelloWorld)}},
                         {Grade::kNonStrict, {}},
                         {Grade::kNonStrict, {TextMessage(big)}}};
    auto ws = Connect(target);
    if (!ws) {
      results.push_back({"7.1.6", "", Grade::kFailed, "opening handshake: " + ws.error(), {}});
    } else {
      (*ws)->Send(
          {Frame{opcode::kText, big}, Frame{opcode::kText, kHelloWorld}, Close(1000), Frame{opcode::kPing, ""}});
      CaseResult result = Conclude(target, **ws, "7.1.6", "256 KiB text message, a small one, close, ping", open_ended);
      std::size_t echoes = 0;
      for (const Event& event : (*ws)->events()) echoes += event.kind == Event::Kind::kText;
      std::string seen = std::to_string(echoes) + " of 2 messages echoed before the close";
      if (result.grade == Grade::kFailed) seen += " (" + result.reason + ")";
      results.push_back(Informational(std::move(result), **ws, seen));
    }
  }

  run("7.3.1", "close without payload", {Close(std::nullopt)}, normal);
  run("7.3.2", "close with a 1-byte payload", {Frame{opcode::kClose, "a"}}, AnsweredWith({1002}, false));
  run("7.3.3", "close 1000", {Close(1000)}, normal);
  run("7.3.4", "close 1000 with a reason", {Close(1000, kHelloWorld)}, normal);
  run("7.3.5", "close 1000 with a reason of 123 B (the most that fits)", {Close(1000, std::string(123, '*'))}, normal);
  run("7.3.6", "close 1000 with a reason of 124 B (payload 126 B, over the control frame limit)",
      {Close(1000, std::string(124, '*'))}, AnsweredWith({1002}, false));
  run("7.5.1", "close 1000 with a reason that is not UTF-8",
      {Close(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64")},
      AnsweredWith({1002, 1007}, false));

  const std::uint16_t kValid[] = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999};
  int number = 1;
  for (std::uint16_t code : kValid) {
    run("7.7." + std::to_string(number++), "close with valid code " + std::to_string(code), {Close(code)},
        AnsweredWith({1000, code}, true));
  }
  const std::uint16_t kInvalid[] = {0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999};
  number = 1;
  for (std::uint16_t code : kInvalid) {
    run("7.9." + std::to_string(number++), "close with invalid code " + std::to_string(code), {Close(code)},
        AnsweredWith({1002}, false));
  }
  run("7.9.H.1", "close with code 1015 (RFC 6455 §7.4.1: never sent in a close frame)", {Close(1015)},
      AnsweredWith({1002}, false));

  number = 1;
  for (std::uint16_t code : {5000, 65535}) {
    std::string id = "7.13." + std::to_string(number++);
    auto ws = Connect(target);
    if (!ws) {
      results.push_back({id, "", Grade::kFailed, "opening handshake: " + ws.error(), {}});
      continue;
    }
    (*ws)->Send(Close(code));
    CaseResult result =
        Conclude(target, **ws, id, "close with code " + std::to_string(code) + " (undefined by RFC 6455)",
                 AnsweredWith({1000, code, 1002}, false));
    const Event* answer = (*ws)->server_close();
    std::string seen = answer ? "answered " + Describe(*answer) : "no close frame in answer";
    if (!(*ws)->violation().empty()) seen = "answered with " + (*ws)->violation();
    results.push_back(Informational(std::move(result), **ws, seen + ", then closed TCP"));
  }

  // Our close while the server still has messages queued for us (the echo endpoint's "flood"
  // queues them): it may send some or all of them first, then must answer the close and end
  // TCP. Haven's own; Autobahn's nearest is 7.1.6.
  for (auto [count, size] : {std::pair<int, std::size_t>{2, 16}, {20, 1024}}) {
    std::string id = count == 2 ? "7.H.2" : "7.H.3";
    Expectation flushed = normal;
    flushed.events.clear();
    for (int sent = 0; sent <= count; ++sent) {
      flushed.events.emplace_back(
          Grade::kOk, std::vector<Event>(static_cast<std::size_t>(sent), BinaryMessage(std::string(size, 'x'))));
    }
    results.push_back(RunCase(
        target, id,
        "close right after asking for " + std::to_string(count) + " messages of " + std::to_string(size) +
            " B: some may come first, then the close answer and the server's FIN",
        [&](RawWebSocket& ws) {
          ws.Send({Frame{opcode::kText, "flood " + std::to_string(count) + " " + std::to_string(size)}, Close(1000)});
        },
        flushed));
  }

  // The server starts the closing handshake (the endpoint asks for it), then closes TCP.
  results.push_back(RunCase(
      target, "7.H.1", "the endpoint closes with 4001: close frame, our answer, then the server's FIN",
      [&](RawWebSocket& ws) {
        ws.Send(Frame{opcode::kText, "close 4001"});
      },
      Expectation{{{Grade::kOk, {}}}, false, {4001}, true}));
  return results;
}

}  // namespace haven::conformance
