// One conformance case and how it is graded, as the Autobahn TestSuite does it
// (autobahntestsuite/case/case.py): a case opens its own connection, sends its frames, and
// then either waits for the events it expects and closes (closed_by_me), or waits for the
// server to fail the connection. The events decide the behaviour grade (OK, NON-STRICT), the
// closing decides the close grade; the case's grade is the worse of the two. Where Autobahn
// has grades of its own for the close (WRONG CODE, UNCLEAN, FAILED BY CLIENT: the client had
// to drop TCP) this reports FAILED with that reason: RFC 6455 §5.5.1 says the server MUST
// close TCP at once after the closing handshake.
//
// A case fails on a server crash, on a hang (every wait has a deadline), on a wrong echo, on a
// frame the server must not send, or on wrong close behaviour.
//
// Not thread-safe; cases run one after another.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/conformance/raw_websocket.h"

namespace haven::testing {
class ServerProcess;
}

namespace haven::conformance {

enum class Grade { kOk, kInformational, kNonStrict, kFailed };  // in increasing severity
std::string_view GradeName(Grade grade);
Grade Worse(Grade a, Grade b);

struct CaseResult {
  std::string id;  // Autobahn's case number, or "N.H.k" for a case Autobahn does not have
  std::string description;
  Grade grade = Grade::kFailed;
  std::string reason;                                // why, when not OK; what was seen, for informational cases
  std::optional<std::chrono::microseconds> elapsed;  // group 9: printed, never asserted
};

// What a case expects, in Autobahn's terms (case.py: expected, expectedClose).
struct Expectation {
  // Event sequences (close frames left out) and the grade each earns; none matching: FAILED.
  std::vector<std::pair<Grade, std::vector<Event>>> events;
  bool closed_by_me = true;                         // we start the closing handshake, not the server
  std::vector<std::uint16_t> close_codes = {1000};  // the server's close code, when it sends one
  bool require_clean = true;                        // both close frames, then the server's FIN
};

// The expected events, echoed, then our close 1000 answered in kind.
Expectation Echoes(std::vector<Event> events);
// The server fails the connection with `code` (or drops it without a close frame, which
// Autobahn accepts) and sends `ok` first; `non_strict`, when given, is also accepted.
Expectation FailsWith(std::uint16_t code, std::vector<Event> ok = {},
                      std::optional<std::vector<Event>> non_strict = std::nullopt);

// The server under test and how long each kind of wait may take.
struct Target {
  testing::ServerProcess* server = nullptr;
  std::uint16_t port = 0;
  std::string path;
  std::string origin;
  // For the events a case expects, for the server to fail a connection, and for each side of
  // the closing handshake. Compliant servers answer in milliseconds; these only bound a hang.
  std::chrono::milliseconds event_wait{2000};
  std::chrono::milliseconds fail_wait{2000};
  std::chrono::milliseconds close_wait{2000};
};

// Opens a connection, runs `act` on it, then waits and grades as `expect` says.
using Act = std::function<void(RawWebSocket&)>;
CaseResult RunCase(const Target& target, std::string id, std::string description, const Act& act,
                   const Expectation& expect);

// For cases that drive the connection themselves: open, then the error as a FAILED result.
std::expected<std::unique_ptr<RawWebSocket>, std::string> Connect(const Target& target);
// The closing that follows a case's last step, graded as `expect` says; events already seen on
// `ws` count. Cases that drive the connection themselves end with it.
CaseResult Conclude(const Target& target, RawWebSocket& ws, std::string id, std::string description,
                    const Expectation& expect);

// Repeats `pattern` to `size` bytes (Autobahn's payload_len).
std::string Repeat(std::string_view pattern, std::size_t size);

}  // namespace haven::conformance
