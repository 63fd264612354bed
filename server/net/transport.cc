#include "server/net/transport.h"

#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>

namespace haven::net {
namespace {

constexpr std::size_t kMaxDrainBytes = 4 << 20;
constexpr std::chrono::seconds kMaxDrainTime{5};

// One drain: reads until the peer's end of stream, an error, the byte cap or the deadline,
// whichever comes first, then closes the socket and completes (always asynchronously).
struct Drain : std::enable_shared_from_this<Drain> {
  Drain(Socket& s, std::function<void(beast::error_code)> d) : socket(s), done(std::move(d)), deadline(s.get_executor()) {}

  void Start(beast::role_type role) {
    beast::error_code ignored;
    if (role == beast::role_type::server) socket.shutdown(tcp::socket::shutdown_send, ignored);
    deadline.expires_after(kMaxDrainTime);
    deadline.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->Finish({});
    });
    Read();
  }

  void Read() {
    socket.async_read_some(asio::buffer(buffer), [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
      if (self->finished) return;
      if (ec) {
        self->Finish(ec == asio::error::eof ? beast::error_code{} : ec);
        return;
      }
      self->drained += bytes;
      if (self->drained > kMaxDrainBytes) {
        self->Finish({});
        return;
      }
      self->Read();
    });
  }

  void Finish(beast::error_code ec) {
    if (finished) return;
    finished = true;
    deadline.cancel();
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    asio::post(socket.get_executor(), [done = std::move(done), ec] { done(ec); });
  }

  Socket& socket;
  std::function<void(beast::error_code)> done;
  asio::steady_timer deadline;
  std::array<char, 2048> buffer{};
  std::size_t drained = 0;
  bool finished = false;
};

}  // namespace

void DrainAndClose(Socket& socket, beast::role_type role, std::function<void(beast::error_code)> done) {
  std::make_shared<Drain>(socket, std::move(done))->Start(role);
}

}  // namespace haven::net
