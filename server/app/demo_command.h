// `haven demo`: a throwaway helpline on localhost for trying Haven out.
#pragma once

#include <cstdint>

namespace haven::app {

// Serves on `port` with data in a fresh temporary directory that is deleted on exit.
int RunDemoCommand(std::uint16_t port);

}  // namespace haven::app
