// The JSON control messages clients send (docs/protocol.md 11), parsed strictly into plain
// structs: a missing field, a field of the wrong type, a field the protocol does not list or
// an unknown `type` is an error, never a guess. Boost.JSON stays inside the .cc file.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/core/ids.h"
#include "server/core/profile.h"
#include "server/helpline/control_error.h"

namespace haven::helpline {

using Token = std::array<std::uint8_t, 32>;

// Visitor -> server.
struct JoinRequest {
  core::VisitorProfile profile;
  std::vector<std::uint32_t> solution;  // the puzzle's nonces, when `welcome` asked for them
};
struct ResumeRequest {
  core::ChatId chat;
  Token resume_token{};
};
struct LeaveRequest {};
using VisitorMessage = std::variant<JoinRequest, ResumeRequest, LeaveRequest>;

// Counselor -> server.
struct AuthRequest {
  Token ticket{};
};
enum class DutyState { kAvailable, kAway, kOff };
struct DutyRequest {
  DutyState state = DutyState::kAvailable;
};
struct TakeNextRequest {};
struct AnswerOfferRequest {
  core::ChatId chat;
  bool accept = false;
};
struct ColleaguesRequest {};
struct WatchRequest {};  // supervisors: operator snapshots
// A sealed handover note (protocol.md §8.1) is 48 bytes of sealing, a certificate of at most
// 298, a signature and 1..1000 bytes of text: the server checks only that the size can be one.
inline constexpr std::size_t kMinHandoverNoteBytes = 48 + 2 + 139 + 64 + 1;
inline constexpr std::size_t kMaxHandoverNoteBytes = 48 + 2 + 298 + 64 + 1000;
struct TransferRequest {
  core::ChatId chat;
  std::string to;
  std::vector<std::uint8_t> note;  // opaque to the server; empty when none was written
};
struct AnswerTransferRequest {
  core::ChatId chat;
  bool accept = false;
};
struct EndRequest {
  core::ChatId chat;
};
struct ReleaseRequest {  // the counselor lost the chat's keys (its page reloaded): requeue it
  core::ChatId chat;
};
struct WrapUpRequest {
  core::ChatId chat;
  std::vector<std::string> categories;
  core::AgeBand age_band = core::AgeBand::kUnspecified;
  std::string outcome;
  bool referral = false;
};
using CounselorMessage = std::variant<AuthRequest, DutyRequest, TakeNextRequest, AnswerOfferRequest, ColleaguesRequest,
                                      TransferRequest, AnswerTransferRequest, EndRequest, ReleaseRequest, WrapUpRequest,
                                      WatchRequest>;

std::expected<VisitorMessage, ControlError> ParseVisitorMessage(std::string_view text);
std::expected<CounselorMessage, ControlError> ParseCounselorMessage(std::string_view text);

// Protocol spellings shared with the writer.
std::expected<core::Language, ControlError> ParseLanguage(std::string_view code);
std::expected<core::AgeBand, ControlError> ParseAgeBand(std::string_view code);

}  // namespace haven::helpline
