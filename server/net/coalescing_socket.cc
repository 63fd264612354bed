#include "server/net/coalescing_socket.h"

namespace haven::net {

void CoalescingSocket::State::AfterFlush(const std::shared_ptr<State>& self, std::function<void(beast::error_code)> done) {
  if (!self->flushing && !self->flush_posted && self->pending.empty()) {
    asio::post(self->socket.get_executor(), [done = std::move(done), ec = self->failed] { done(ec); });
    return;
  }
  self->after_flush.push_back(std::move(done));
  // Only the teardown waits here, and nothing follows the close frame: a cork must not hold it
  // back. (The session that corked may itself wait for Beast's write lock, which the teardown
  // holds until this flush completes.)
  self->corked = false;
  ScheduleFlush(self);
}

void CoalescingSocket::State::ScheduleFlush(const std::shared_ptr<State>& self) {
  if (self->flushing || self->flush_posted) return;
  self->flush_posted = true;
  asio::post(self->socket.get_executor(), [self] {
    self->flush_posted = false;
    Flush(self);
  });
}

void CoalescingSocket::State::Flush(const std::shared_ptr<State>& self) {
  if (self->flushing) return;
  if (self->failed || self->pending.empty()) {
    Flushed(self, self->failed);
    return;
  }
  self->flushing = true;
  std::swap(self->pending, self->in_flight);
  if (self->blocked_done) {
    // Room again: the waiting write goes into the (now empty) buffer.
    self->blocked_copy(self->pending);
    auto done = std::move(self->blocked_done);
    self->blocked_done = nullptr;
    self->blocked_copy = nullptr;
    done({}, self->blocked_size);
  }
  asio::async_write(self->socket, asio::buffer(self->in_flight),
                    [self](beast::error_code ec, std::size_t) { Flushed(self, ec); });
}

void CoalescingSocket::State::Flushed(const std::shared_ptr<State>& self, beast::error_code ec) {
  self->flushing = false;
  self->in_flight.clear();
  if (ec && !self->failed) self->failed = ec;
  if (self->failed) {
    self->pending.clear();
    if (self->blocked_done) {
      auto done = std::move(self->blocked_done);
      self->blocked_done = nullptr;
      self->blocked_copy = nullptr;
      done(self->failed, 0);
    }
  } else if (!self->pending.empty()) {
    Flush(self);
    return;
  }
  // Drained (or failed): an idle connection keeps no buffers (one allocation per burst is
  // nothing next to the write it makes).
  std::string().swap(self->in_flight);
  std::string().swap(self->pending);
  auto waiting = std::move(self->after_flush);
  self->after_flush.clear();
  for (auto& done : waiting) {
    asio::post(self->socket.get_executor(), [done = std::move(done), failed = self->failed] { done(failed); });
  }
}

void CoalescingSocket::FlushNow(beast::error_code& ec) {
  State& state = *state_;
  if (state.failed) {
    ec = state.failed;
    return;
  }
  if (!state.pending.empty()) asio::write(state.socket, asio::buffer(state.pending), ec);
  state.pending.clear();
}

void teardown(beast::role_type role, CoalescingSocket& socket, beast::error_code& ec) {
  socket.FlushNow(ec);
  if (ec) return;
  teardown(role, socket.next_layer(), ec);
}

}  // namespace haven::net
