// One counselor on duty, for the modes that need the helpline open (visitors are refused
// "offline" when nobody is on duty) but measure visitors: idle, queue, connect.
#pragma once

#include <memory>
#include <string_view>

#include "bench/bench_counselor.h"
#include "bench/bench_server.h"

namespace haven::bench {

class DutyCounselor {
 public:
  // Enrols and logs in one counselor holding up to `max_chats` chats. Do this before pinning.
  DutyCounselor(asio::io_context& io, BenchServer& server, int max_chats, BenchCounselor::Events& events);
  // Connects, waits for `ready`, goes on duty and then into `duty_state` ("away": on duty,
  // offered nothing, so visitors join and wait).
  // Throws std::runtime_error if the counselor is not ready within 10 seconds.
  void Connect(std::string_view duty_state);
  BenchCounselor& counselor() { return *counselor_; }

 private:
  asio::io_context& io_;
  BenchServer& server_;
  Accounts accounts_;
  std::string cookie_;
  std::unique_ptr<BenchCounselor> counselor_;
};

}  // namespace haven::bench
