#include "server/net/websocket_session.h"

#include <boost/beast/websocket/stream_base.hpp>

#include "server/log/log.h"
#include "server/net/beast_request.h"
#include "server/net/spawn.h"

namespace haven::net {
namespace websocket = beast::websocket;

WebSocketSession::WebSocketSession(Socket socket, EventLoop& loop, ServerState& state, ConnectionSlot slot,
                                   const WebSocketEndpoint& endpoint, const ClientKey& client)
    : ws_(std::move(socket)),
      writer_wakeup_(loop.executor()),
      close_deadline_(loop.executor()),
      loop_(loop),
      state_(state),
      slot_(std::move(slot)),
      endpoint_(endpoint),
      client_(client) {}

WebSocketSession::~WebSocketSession() = default;

Task<void> WebSocketSession::Run(UpgradeRequest request) {
  loop_.registry.Add(this);
  struct Unregister {
    WebSocketSession* self;
    ~Unregister() { self->loop_.registry.Remove(self); }
  } unregister{this};

  const WebSocketSettings& settings = state_.config.websocket;
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = settings.handshake_timeout;
  timeouts.idle_timeout = settings.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  websocket::permessage_deflate no_deflate;
  no_deflate.server_enable = false;
  no_deflate.client_enable = false;
  ws_.set_option(no_deflate);
  ws_.read_message_max(settings.read_message_max_bytes);
  ws_.auto_fragment(false);
  // Beast adds its version as the Server header unless one is present: name the product only.
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "haven");
  }));

  auto [accept_error] = co_await ws_.async_accept(request, kUseTask);
  if (accept_error) {
    log::Info("websocket.handshake_failed");
    closed_ = true;
    co_return;
  }
  {
    BeastRequest view(request, client_);
    handler_ = endpoint_.open(*this, view);
  }
  request = {};  // the upgrade's headers are not needed for the connection's lifetime
  if (!handler_) {
    Close(kClosePolicy, "endpoint refused the connection");
  }
  auto self = shared_from_this();
  Spawn(loop_.executor(), "websocket_writer", [self] { return self->Writer(); });

  while (true) {
    auto [ec, bytes] = co_await ws_.async_read(read_buffer_, kUseTask);
    if (ec) {
      if (ec == websocket::error::message_too_big) log::Info("websocket.message_too_big");
      break;
    }
    if (handler_ && !close_code_) {
      const auto data = read_buffer_.cdata();
      handler_->OnMessage(std::string_view(static_cast<const char*>(data.data()), data.size()), ws_.got_binary());
    }
    read_buffer_.consume(bytes);
    // A burst of large messages should not pin its buffer for the connection's lifetime.
    if (read_buffer_.capacity() > 4096) read_buffer_.shrink_to_fit();
  }
  closed_ = true;
  queue_.clear();
  queued_bytes_ = 0;
  close_deadline_.cancel();
  WakeWriter();
  if (handler_) {
    handler_->OnClose();
    handler_.reset();
  }
}

bool WebSocketSession::Send(OutboundMessage message) {
  if (closed_ || close_code_ || !message.data) return false;
  const WebSocketSettings& settings = state_.config.websocket;
  std::size_t size = message.data->size();
  if (queue_.size() + 1 > settings.outbound_queue_frames || queued_bytes_ + size > settings.outbound_queue_bytes) {
    log::Info("websocket.outbound_queue_full");
    queue_.clear();
    queued_bytes_ = 0;
    Close(kCloseTryAgainLater, "outbound queue full");
    return false;
  }
  queued_bytes_ += size;
  queue_.push_back(std::move(message));
  WakeWriter();
  return true;
}

void WebSocketSession::Close(std::uint16_t code, std::string_view reason) {
  if (closed_ || close_code_) return;
  close_code_ = code;
  close_reason_ = std::string(reason.substr(0, 120));  // a close frame's payload is at most 125 bytes
  WakeWriter();
  // A peer that stops reading would block the close handshake forever: bound it.
  close_deadline_.expires_after(state_.config.websocket.handshake_timeout);
  close_deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    auto self = weak.lock();
    if (!ec && self && !self->closed_) self->ForceClose();
  });
}

void WebSocketSession::Shutdown() { Close(kCloseServiceRestart, "service restart"); }

void WebSocketSession::WakeWriter() { writer_wakeup_.cancel(); }

void WebSocketSession::ForceClose() {
  log::Info("websocket.close_deadline_passed");
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).close(ignored);
}

Task<void> WebSocketSession::Writer() {
  while (!closed_) {
    if (!queue_.empty()) {
      OutboundMessage message = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= message.data->size();
      ws_.binary(message.binary);
      auto [ec, bytes] = co_await ws_.async_write(asio::buffer(*message.data), kUseTask);
      if (ec) {
        ForceClose();
        break;
      }
      continue;
    }
    if (close_code_) {
      websocket::close_reason reason(static_cast<websocket::close_code>(*close_code_), close_reason_);
      co_await ws_.async_close(reason, kUseTask);
      break;
    }
    writer_wakeup_.expires_at(Timer::time_point::max());
    co_await writer_wakeup_.async_wait(kUseTask);
  }
}

}  // namespace haven::net
