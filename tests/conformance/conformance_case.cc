#include "tests/conformance/conformance_case.h"

#include "tests/integration/support/server_process.h"

namespace haven::conformance {
namespace {

using std::chrono::milliseconds;

std::vector<Event> DataEvents(const std::vector<Event>& events) {
  std::vector<Event> data;
  for (const Event& event : events) {
    if (event.kind != Event::Kind::kClose) data.push_back(event);
  }
  return data;
}

std::optional<Grade> Match(const Expectation& expect, const std::vector<Event>& data) {
  for (const auto& [grade, events] : expect.events) {
    if (events == data) return grade;
  }
  return std::nullopt;
}

bool StillPossible(const Expectation& expect, const std::vector<Event>& data) {
  for (const auto& [grade, events] : expect.events) {
    if (data.size() <= events.size() && std::equal(data.begin(), data.end(), events.begin())) return true;
  }
  return false;
}

std::string Codes(const std::vector<std::uint16_t>& codes) {
  std::string out;
  for (auto code : codes) out += (out.empty() ? "" : " or ") + std::to_string(code);
  return out;
}

std::string Ms(milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

// The close grade, Autobahn's onConnectionLost checks in its order.
std::pair<Grade, std::string> GradeClose(const Target& target, const RawWebSocket& ws, const Expectation& expect) {
  if (!ws.violation().empty()) return {Grade::kFailed, "the server sent " + ws.violation()};
  const Event* close = ws.server_close();
  bool closed_by_me = ws.client_closed_first() || (!close && !ws.ended());
  if (expect.closed_by_me && !closed_by_me) {
    return {Grade::kFailed, "the server ended the connection (" + (close ? Describe(*close) : "no close frame") +
                                ") where it should have gone on"};
  }
  if (!expect.closed_by_me && closed_by_me) {
    if (ws.write_timed_out()) return {Grade::kFailed, "the server stopped reading and never failed the connection"};
    return {Grade::kFailed, "the server did not fail the connection within " + Ms(target.fail_wait)};
  }
  if (expect.require_clean) {
    if (!close) return {Grade::kFailed, "unclean: no close frame in reply to ours within " + Ms(target.close_wait)};
    if (ws.reset()) return {Grade::kFailed, "unclean: the server reset the connection"};
  }
  if (close && close->close_code &&
      std::find(expect.close_codes.begin(), expect.close_codes.end(), *close->close_code) == expect.close_codes.end()) {
    return {Grade::kFailed, "wrong code: " + Describe(*close) + ", expected " + Codes(expect.close_codes)};
  }
  if (!ws.ended()) {
    return {Grade::kFailed,
            "the server did not close TCP within " + Ms(target.close_wait) + " of the closing handshake"};
  }
  return {Grade::kOk, {}};
}

}  // namespace

std::string_view GradeName(Grade grade) {
  switch (grade) {
    case Grade::kOk:
      return "OK";
    case Grade::kInformational:
      return "INFORMATIONAL";
    case Grade::kNonStrict:
      return "NON-STRICT";
    case Grade::kFailed:
      return "FAILED";
  }
  return "?";
}

Grade Worse(Grade a, Grade b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

Expectation Echoes(std::vector<Event> events) {
  return Expectation{{{Grade::kOk, std::move(events)}}, true, {1000}, true};
}

Expectation FailsWith(std::uint16_t code, std::vector<Event> ok, std::optional<std::vector<Event>> non_strict) {
  Expectation expect{{{Grade::kOk, std::move(ok)}}, false, {code}, false};
  if (non_strict) expect.events.emplace_back(Grade::kNonStrict, std::move(*non_strict));
  return expect;
}

std::expected<std::unique_ptr<RawWebSocket>, std::string> Connect(const Target& target) {
  return RawWebSocket::Open(target.port, target.path, target.origin, target.event_wait);
}

CaseResult Conclude(const Target& target, RawWebSocket& ws, std::string id, std::string description,
                    const Expectation& expect) {
  CaseResult result{std::move(id), std::move(description), Grade::kFailed, {}, std::nullopt};
  if (expect.closed_by_me) {
    // A case whose own frames included our close has nothing more to wait for first.
    if (!ws.client_close_sent()) {
      ws.ReadUntil(
          [&] {
            auto data = DataEvents(ws.events());
            return ws.server_close() || !ws.violation().empty() || Match(expect, data) || !StillPossible(expect, data);
          },
          target.event_wait);
      if (!ws.server_close() && !ws.ended()) ws.Send(Frame{opcode::kClose, ClosePayload(expect.close_codes.front())});
    }
    ws.ReadUntil([&] { return ws.server_close() || !ws.violation().empty(); }, target.close_wait);
  } else {
    ws.ReadUntil([&] { return ws.server_close() || !ws.violation().empty(); }, target.fail_wait);
  }
  // Answer the server's close as a client does (echoing its code), then wait for its FIN.
  if (const Event* close = ws.server_close(); close && !ws.client_close_sent() && !ws.ended()) {
    ws.Send(Frame{opcode::kClose, ClosePayload(close->close_code)});
  }
  if (ws.server_close() || ws.client_close_sent() || !ws.violation().empty()) {
    ws.ReadUntil([&] { return ws.ended(); }, target.close_wait);
  }

  auto data = DataEvents(ws.events());
  auto behaviour = Match(expect, data);
  Grade grade = behaviour.value_or(Grade::kFailed);
  std::string reason;
  if (!behaviour) {
    reason = "got " + Describe(data) + "; expected " + Describe(expect.events.front().second);
  } else if (*behaviour == Grade::kNonStrict) {
    reason = "got " + Describe(data) + " (accepted, not the best answer)";
  }
  auto [close_grade, close_reason] = GradeClose(target, ws, expect);
  grade = Worse(grade, close_grade);
  if (!close_reason.empty()) reason += (reason.empty() ? "" : "; ") + close_reason;
  if (auto status = target.server->WaitForExit(milliseconds(0))) {
    grade = Grade::kFailed;
    reason = "the server exited with status " + std::to_string(*status) + (reason.empty() ? "" : "; " + reason);
  }
  result.grade = grade;
  result.reason = std::move(reason);
  return result;
}

CaseResult RunCase(const Target& target, std::string id, std::string description, const Act& act,
                   const Expectation& expect) {
  auto ws = Connect(target);
  if (!ws) return {std::move(id), std::move(description), Grade::kFailed, "opening handshake: " + ws.error(), {}};
  act(**ws);
  return Conclude(target, **ws, std::move(id), std::move(description), expect);
}

std::string Repeat(std::string_view pattern, std::size_t size) {
  std::string out;
  out.reserve(size);
  while (out.size() < size) out.append(pattern.substr(0, std::min(pattern.size(), size - out.size())));
  return out;
}

}  // namespace haven::conformance
