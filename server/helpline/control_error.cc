#include "server/helpline/control_error.h"

namespace haven::helpline {

std::string_view ControlErrorName(ControlError error) {
  switch (error) {
    case ControlError::kBadMessage: return "bad_message";
    case ControlError::kUnknownType: return "unknown_type";
    case ControlError::kNotAllowedNow: return "not_allowed_now";
    case ControlError::kUnknownChat: return "unknown_chat";
    case ControlError::kAuthFailed: return "auth_failed";
    case ControlError::kRateLimited: return "rate_limited";
    case ControlError::kBadFrame: return "bad_frame";
    case ControlError::kStorageUnavailable: return "storage_unavailable";
    case ControlError::kBadWrapUp: return "bad_wrap_up";
    case ControlError::kBadSolution: return "bad_solution";
  }
  return "bad_message";
}

std::string_view ControlErrorSentence(ControlError error) {
  switch (error) {
    case ControlError::kBadMessage: return "The message is not valid.";
    case ControlError::kUnknownType: return "The message type is not known.";
    case ControlError::kNotAllowedNow: return "That message is not allowed at this point of the conversation.";
    case ControlError::kUnknownChat: return "There is no such chat.";
    case ControlError::kAuthFailed: return "The ticket is not valid.";
    case ControlError::kRateLimited: return "Too many messages; slow down.";
    case ControlError::kBadFrame: return "The binary frame is not valid for this connection.";
    case ControlError::kStorageUnavailable: return "The server cannot save this now; try again.";
    case ControlError::kBadWrapUp: return "The wrap-up names an unknown category or outcome.";
    case ControlError::kBadSolution: return "The join's proof of work is missing or wrong.";
  }
  return "The message is not valid.";
}

}  // namespace haven::helpline
