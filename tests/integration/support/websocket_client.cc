#include "tests/integration/support/websocket_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

namespace haven::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

struct WebSocketClient::Impl {
  asio::io_context io;
  websocket::stream<asio::ip::tcp::socket> ws{io};
  websocket::response_type response;
  beast::flat_buffer buffer;
  bool connected = false;
  bool timed_out = false;
  bool ended = false;
  std::optional<std::uint16_t> close_code;
  // A read that outlives Read()'s timeout stays pending; its result is picked up later.
  bool reading = false;
  std::optional<beast::error_code> read_result;

  // Runs the io_context until `done` or the deadline; on timeout the socket is closed.
  bool RunUntil(const bool& done, std::chrono::milliseconds timeout) {
    io.restart();
    io.run_for(timeout);
    if (done) return true;
    timed_out = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws).close(ignored);
    io.restart();
    io.run();
    return false;
  }
};

WebSocketClient::WebSocketClient(std::uint16_t port, std::string_view path, std::optional<std::string> origin,
                                 const std::string& source_address, std::optional<std::string> forwarded_for)
    : impl_(std::make_unique<Impl>()) {
  auto& socket = beast::get_lowest_layer(impl_->ws);
  socket.open(asio::ip::tcp::v4());
  socket.bind({asio::ip::make_address(source_address), 0});
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  impl_->ws.set_option(websocket::stream_base::decorator([origin, forwarded_for](websocket::request_type& request) {
    if (origin) request.set(beast::http::field::origin, *origin);
    if (forwarded_for) request.set("X-Forwarded-For", *forwarded_for);
    request.set(beast::http::field::user_agent, "haven-test-client");
  }));
  bool done = false;
  impl_->ws.async_handshake(impl_->response, "haven.test", std::string(path), [&](beast::error_code ec) {
    impl_->connected = !ec;
    done = true;
  });
  impl_->RunUntil(done, std::chrono::seconds(5));
}

WebSocketClient::~WebSocketClient() = default;

bool WebSocketClient::connected() const { return impl_->connected; }
int WebSocketClient::handshake_status() const { return impl_->response.result_int(); }
std::string WebSocketClient::handshake_header(std::string_view name) const {
  auto it = impl_->response.find(name);
  return it == impl_->response.end() ? "" : std::string(it->value());
}

bool WebSocketClient::Send(std::string_view data, bool binary) {
  if (impl_->ended) return false;
  impl_->ws.binary(binary);
  bool done = false, ok = false;
  impl_->ws.async_write(asio::buffer(data.data(), data.size()), [&](beast::error_code ec, std::size_t) {
    ok = !ec;
    done = true;
  });
  impl_->io.restart();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done && std::chrono::steady_clock::now() < deadline) impl_->io.run_one_until(deadline);
  return done && ok;
}

void WebSocketClient::Abort() {
  beast::error_code ignored;
  beast::get_lowest_layer(impl_->ws).shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(impl_->ws).close(ignored);
  impl_->ended = true;
}

std::optional<WsMessage> WebSocketClient::Read(std::chrono::milliseconds timeout) {
  if (impl_->ended) return std::nullopt;
  if (!impl_->reading && !impl_->read_result) {
    impl_->reading = true;
    impl_->ws.async_read(impl_->buffer, [impl = impl_.get()](beast::error_code ec, std::size_t) {
      impl->reading = false;
      impl->read_result = ec;
    });
  }
  if (!impl_->read_result) {
    impl_->io.restart();
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!impl_->read_result && std::chrono::steady_clock::now() < deadline) {
      impl_->io.run_one_until(deadline);
    }
  }
  if (!impl_->read_result) {
    impl_->timed_out = true;  // the read stays pending for the next call
    return std::nullopt;
  }
  beast::error_code result = *impl_->read_result;
  impl_->read_result.reset();
  if (result) {
    impl_->ended = true;
    if (result == websocket::error::closed) impl_->close_code = impl_->ws.reason().code;
    return std::nullopt;
  }
  WsMessage message{beast::buffers_to_string(impl_->buffer.data()), impl_->ws.got_binary()};
  impl_->buffer.consume(impl_->buffer.size());
  return message;
}

std::optional<std::uint16_t> WebSocketClient::close_code() const { return impl_->close_code; }
bool WebSocketClient::timed_out() const { return impl_->timed_out; }
bool WebSocketClient::ended() const { return impl_->ended; }

}  // namespace haven::testing
