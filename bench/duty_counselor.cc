#include "bench/duty_counselor.h"

#include <stdexcept>

#include "bench/run_until.h"

namespace haven::bench {

DutyCounselor::DutyCounselor(asio::io_context& io, BenchServer& server, int max_chats, BenchCounselor::Events& events)
    : io_(io), server_(server), accounts_(server.Enrol(1, max_chats, "duty", 1)) {
  cookie_ = server.LogIn(accounts_, 1).front();
  counselor_ = std::make_unique<BenchCounselor>(0, *accounts_.front(), events);
}

void DutyCounselor::Connect(std::string_view duty_state) {
  counselor_->Connect(io_, server_.address(), server_.Tickets({cookie_}).front());
  if (!RunUntil(io_, [&] { return counselor_->ready() || counselor_->closed(); }, std::chrono::seconds(10)) ||
      !counselor_->ready()) {
    throw std::runtime_error("the duty counselor did not connect");
  }
  // On duty first ("away" is a break from duty, refused to someone off duty).
  counselor_->Duty("available");
  if (duty_state != "available") counselor_->Duty(duty_state);
  // The duty state must be in force before visitors join.
  RunFor(io_, std::chrono::milliseconds(200));
}

}  // namespace haven::bench
