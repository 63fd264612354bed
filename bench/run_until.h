// Driving the generator's io_context from a mode's straight-line code.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>

namespace haven::bench {

// Runs `io` until `done()` or `timeout`; false on timeout.
inline bool RunUntil(boost::asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto guard = boost::asio::make_work_guard(io);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.run_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Runs `io` for `duration` (connections keep being served while a mode waits).
inline void RunFor(boost::asio::io_context& io, std::chrono::milliseconds duration) {
  RunUntil(io, [] { return false; }, duration);
}

}  // namespace haven::bench
