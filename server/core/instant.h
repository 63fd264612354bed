// Time as the pure core sees it: a value passed in with every command, never read from a
// clock inside the core (so tests drive it with a fake clock).
#pragma once

#include <chrono>

namespace haven::core {

using Instant = std::chrono::sys_time<std::chrono::milliseconds>;
using Duration = std::chrono::milliseconds;

}  // namespace haven::core
