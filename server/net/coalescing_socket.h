// The byte stream under a WebSocket session (TCP, or TLS over TCP), with writes gathered: Beast writes each frame
// into this layer's output buffer, which reaches the kernel in one write with whatever else
// was written meanwhile. Measured with haven-bench, one send() per frame was more than half
// of the server's CPU per relayed frame (the loopback TCP path runs inside send()); a burst of
// frames to one peer now costs one.
//
//   - async_write_some copies the bytes and completes at once (posted, never inline), unless
//     kHighWater bytes already wait: then it completes when they have gone, so a peer that
//     does not read still pushes back (the session's outbound queue bound still holds).
//   - The first write into an empty buffer posts a flush; the flush writes everything
//     buffered by then, and while it is in flight new bytes gather for the next one. Nothing
//     waits for more data: a lone frame leaves as soon as the handler that wrote it returns.
//   - Cork() holds the flush back while the session writes a run of queued messages (each a
//     separate Beast write); Uncork() lets it go. Past kHighWater / 2 buffered bytes the flush
//     goes anyway, so a cork never blocks a write.
//   - Reads pass straight through. Teardown (after the close handshake) first lets the
//     buffered bytes go, the close frame among them.
//
// The byte stream is exactly what Beast wrote, in order: framing, control frames and close
// stay Beast's. Under TLS a gathered flush is also one TLS record (up to 16 KiB) instead of
// one per frame. Used on one event loop thread, like the socket it wraps.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/net/asio.h"
#include "server/net/transport.h"

namespace haven::net {

class CoalescingSocket {
 public:
  using executor_type = Executor;
  using next_layer_type = Transport;

  // Bytes buffered beyond which a write waits for the buffer to drain.
  static constexpr std::size_t kHighWater = 64 * 1024;

  explicit CoalescingSocket(Transport socket) : state_(std::make_shared<State>(std::move(socket))) {}
  CoalescingSocket(CoalescingSocket&&) noexcept = default;
  CoalescingSocket& operator=(CoalescingSocket&&) noexcept = default;

  executor_type get_executor() noexcept { return state_->socket.get_executor(); }
  Transport& next_layer() noexcept { return state_->socket; }
  const Transport& next_layer() const noexcept { return state_->socket; }

  template <typename MutableBuffers, typename ReadToken>
  auto async_read_some(const MutableBuffers& buffers, ReadToken&& token) {
    return state_->socket.async_read_some(buffers, std::forward<ReadToken>(token));
  }

  template <typename ConstBuffers, typename WriteToken>
  auto async_write_some(const ConstBuffers& buffers, WriteToken&& token) {
    return asio::async_initiate<WriteToken, void(beast::error_code, std::size_t)>(
        [state = state_](auto handler, const ConstBuffers& data) {
          State::Write(state, asio::buffer_size(data),
                       [state, data](std::string& out) {
                         for (auto it = asio::buffer_sequence_begin(data); it != asio::buffer_sequence_end(data); ++it) {
                           asio::const_buffer piece(*it);
                           out.append(static_cast<const char*>(piece.data()), piece.size());
                         }
                       },
                       std::move(handler));
        },
        token, buffers);
  }

  void Cork() { state_->corked = true; }
  void Uncork() {
    state_->corked = false;
    if (!state_->pending.empty()) State::ScheduleFlush(state_);
  }

  // Calls `done(error)` (posted) once every buffered byte has been written or the socket
  // has failed.
  void AfterFlush(std::function<void(beast::error_code)> done) { State::AfterFlush(state_, std::move(done)); }
  // Writes what is buffered, blocking (the synchronous teardown only).
  void FlushNow(beast::error_code& ec);
  // Keeps the socket and its buffers alive while held (for callbacks that outlive the caller).
  std::shared_ptr<void> KeepAlive() const { return state_; }

 private:
  struct State {
    explicit State(Transport s) : socket(std::move(s)) {}
    Transport socket;
    std::string pending;   // written by Beast, not yet handed to the kernel
    std::string in_flight;  // being written now
    bool flushing = false;
    bool flush_posted = false;
    bool corked = false;
    beast::error_code failed;
    // A write that found kHighWater bytes waiting: its size, copier and completion.
    std::size_t blocked_size = 0;
    std::function<void(std::string&)> blocked_copy;
    std::function<void(beast::error_code, std::size_t)> blocked_done;
    std::vector<std::function<void(beast::error_code)>> after_flush;

    template <typename Copy, typename Handler>
    static void Write(const std::shared_ptr<State>& self, std::size_t size, Copy copy, Handler handler);
    static void AfterFlush(const std::shared_ptr<State>& self, std::function<void(beast::error_code)> done);
    static void ScheduleFlush(const std::shared_ptr<State>& self);
    static void Flush(const std::shared_ptr<State>& self);
    static void Flushed(const std::shared_ptr<State>& self, beast::error_code ec);
  };
  std::shared_ptr<State> state_;
};

template <typename Copy, typename Handler>
void CoalescingSocket::State::Write(const std::shared_ptr<State>& self, std::size_t size, Copy copy, Handler handler) {
  auto executor = asio::get_associated_executor(handler, self->socket.get_executor());
  if (self->failed) {
    asio::post(executor, beast::bind_front_handler(std::move(handler), self->failed, std::size_t{0}));
    return;
  }
  if (self->pending.size() >= kHighWater) {
    // Beast has one write in flight at a time, so at most one waits here.
    self->blocked_size = size;
    self->blocked_copy = std::move(copy);
    self->blocked_done = [executor, handler = std::make_shared<Handler>(std::move(handler))](beast::error_code ec,
                                                                                         std::size_t n) mutable {
      asio::post(executor, beast::bind_front_handler(std::move(*handler), ec, n));
    };
    return;
  }
  copy(self->pending);
  if (!self->corked || self->pending.size() >= kHighWater / 2) ScheduleFlush(self);
  asio::post(executor, beast::bind_front_handler(std::move(handler), beast::error_code{}, size));
}

// Beast's teardown customisation point (found by argument-dependent lookup): the close frame
// and anything before it still sit in the buffer, so flush, then tear the transport down
// (close_notify first under TLS).
template <typename TeardownHandler>
void async_teardown(beast::role_type role, CoalescingSocket& socket, TeardownHandler&& handler) {
  socket.AfterFlush([keep = socket.KeepAlive(), transport = &socket.next_layer(), role,
                     handler = std::make_shared<std::decay_t<TeardownHandler>>(std::forward<TeardownHandler>(handler))](
                        beast::error_code) mutable {
    async_teardown(role, *transport, std::move(*handler));
  });
}

void teardown(beast::role_type role, CoalescingSocket& socket, beast::error_code& ec);

}  // namespace haven::net
