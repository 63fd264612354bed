// A connection's byte stream: plain TCP (behind a reverse proxy), or TLS over TCP when Haven
// terminates TLS itself (tls.certificate_file set). HTTP and WebSocket sessions are written
// once against this type; which of the two a connection is, is decided when it is accepted.
//
// TLS is Beast's ssl_stream (Asio's ssl::stream behind a flat_stream, so a buffer sequence
// leaves as one TLS record rather than one per buffer). A TLS session cannot move to another
// io_context, so TLS connections are accepted straight onto the home loop (see Listener).
//
// Used on one event loop thread, like the socket it wraps.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "server/net/asio.h"
#include "server/net/tls_context.h"

namespace haven::net {

// The WebSocket teardown of a plain TCP connection: shut down our sending side (a server), read
// and discard what the peer still sends until it closes (at most kMaxDrainBytes, for at most
// kMaxDrainTime), then close. Closing a socket with unread bytes makes the kernel send a reset,
// which can overtake the close frame just written: the peer would see 1006 instead of, say,
// 1009 after an oversized message. Beast 1.81's own TCP teardown stops after the first read (it
// never updates its byte count), so it resets exactly then.
void DrainAndClose(Socket& socket, beast::role_type role, std::function<void(beast::error_code)> done);

class Transport {
 public:
  using executor_type = Executor;
  using next_layer_type = Socket;

  explicit Transport(Socket socket) : socket_(std::move(socket)) {}
  Transport(Transport&&) noexcept = default;
  Transport& operator=(Transport&&) noexcept = default;

  // Puts TLS under everything read and written from now on; the server handshake must come
  // next. `context` stays alive as long as this connection (a reload may replace it meanwhile).
  void StartTls(std::shared_ptr<const TlsContext> context) {
    context_ = std::move(context);
    tls_.emplace(std::move(socket_), context_->native());
  }
  bool is_tls() const { return tls_.has_value(); }

  template <typename Token>
  auto async_server_handshake(Token&& token) {
    return tls_->async_handshake(boost::asio::ssl::stream_base::server, std::forward<Token>(token));
  }

  executor_type get_executor() noexcept { return next_layer().get_executor(); }
  // The TCP socket under everything (Beast's get_lowest_layer finds it through this).
  Socket& next_layer() noexcept { return tls_ ? tls_->next_layer() : socket_; }
  const Socket& next_layer() const noexcept { return tls_ ? tls_->next_layer() : socket_; }
  // The plain socket, for a connection that is not TLS (to move it to another event loop).
  Socket release_plain_socket() { return std::move(socket_); }

  template <typename MutableBuffers, typename ReadToken>
  auto async_read_some(const MutableBuffers& buffers, ReadToken&& token) {
    return asio::async_initiate<ReadToken, void(beast::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& into) {
          if (tls_) {
            tls_->async_read_some(into, std::move(handler));
          } else {
            socket_.async_read_some(into, std::move(handler));
          }
        },
        token, buffers);
  }

  template <typename ConstBuffers, typename WriteToken>
  auto async_write_some(const ConstBuffers& buffers, WriteToken&& token) {
    return asio::async_initiate<WriteToken, void(beast::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& data) {
          if (tls_) {
            tls_->async_write_some(data, std::move(handler));
          } else {
            socket_.async_write_some(data, std::move(handler));
          }
        },
        token, buffers);
  }

  template <typename ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers, beast::error_code& ec) {
    return tls_ ? tls_->write_some(buffers, ec) : socket_.write_some(buffers, ec);
  }

  // For Beast's WebSocket close: TLS sends close_notify before the TCP socket goes.
  template <typename TeardownHandler>
  friend void async_teardown(beast::role_type role, Transport& transport, TeardownHandler&& handler) {
    auto shared = std::make_shared<std::decay_t<TeardownHandler>>(std::forward<TeardownHandler>(handler));
    if (transport.tls_) {
      // Beast's TLS teardown, spelled out: close_notify, then the TCP teardown (ours, as below).
      // Called through Beast, clang 16 finds Beast 1.81's friend declaration and its definition
      // as two candidates, and the definition alone may not reach the stream's private member.
      transport.tls_->async_shutdown([&transport, role, shared](beast::error_code shutdown_ec) {
        DrainAndClose(transport.tls_->next_layer(), role, [shared, shutdown_ec](beast::error_code ec) {
          std::move(*shared)(shutdown_ec ? shutdown_ec : ec);
        });
      });
    } else {
      DrainAndClose(transport.socket_, role, [shared](beast::error_code ec) { std::move(*shared)(ec); });
    }
  }
  friend void teardown(beast::role_type role, Transport& transport, beast::error_code& ec) {
    using beast::websocket::teardown;
    if (transport.tls_) {
      transport.tls_->shutdown(ec);  // as async_teardown above
      beast::error_code ignored;
      teardown(role, transport.tls_->next_layer(), ignored);
    } else {
      teardown(role, transport.socket_, ec);
    }
  }

 private:
  Socket socket_;  // the connection while plain; moved into tls_ by StartTls
  std::shared_ptr<const TlsContext> context_;
  std::optional<beast::ssl_stream<Socket>> tls_;
};

}  // namespace haven::net
