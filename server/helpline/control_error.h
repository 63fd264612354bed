// The control-protocol error codes of docs/protocol.md 12.1, each with its sentence.
#pragma once

#include <string_view>

#include "server/core/effects.h"

namespace haven::helpline {

enum class ControlError {
  kBadMessage,
  kUnknownType,
  kNotAllowedNow,
  kUnknownChat,
  kAuthFailed,
  kRateLimited,
  kBadFrame,
  kStorageUnavailable,
  kBadWrapUp,
  kBadSolution,
};

std::string_view ControlErrorName(ControlError error);
std::string_view ControlErrorSentence(ControlError error);

}  // namespace haven::helpline
