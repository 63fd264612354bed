#include "server/net/websocket_session.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/beast/websocket/stream_base.hpp>

#include "server/log/log.h"
#include "server/net/beast_request.h"

namespace haven::net {
namespace websocket = beast::websocket;
namespace {

// See the read loop in Run().
constexpr std::size_t kReadPiece = 512;

}  // namespace

WebSocketSession::WebSocketSession(Transport transport, EventLoop& loop, ServerState& state, ConnectionSlot slot,
                                   const WebSocketEndpoint& endpoint, const ClientKey& client, bool over_network_limit)
    : over_network_limit_(over_network_limit),
      ws_(std::move(transport)),
      close_deadline_(loop.executor()),
      loop_(loop),
      state_(state),
      slot_(std::move(slot)),
      endpoint_(endpoint),
      client_(client) {}

WebSocketSession::~WebSocketSession() {
  // Destroyed without Finish() only when the event loop itself goes away.
  if (registered_) loop_.registry.Remove(this);
}

Task<void> WebSocketSession::Run(UpgradeRequest request) {
  loop_.registry.Add(this);
  registered_ = true;

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
  // When Beast refuses the upgrade (a wrong Sec-WebSocket-Version, say), the connection ends
  // after its answer, so the answer says so: a client must not send its next request on it.
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "haven");
    if (response.result() != beast::http::status::switching_protocols) response.keep_alive(false);
  }));

  // The 101 response and the endpoint's first message (a visitor's welcome) leave in one
  // write: held back until that message is written, or until it is clear that there is none.
  ws_.next_layer().Cork();
  auto [accept_error] = co_await ws_.async_accept(request, kUseTask);
  if (accept_error) {
    ws_.next_layer().Uncork();  // Beast's refusal response
    log::Info("websocket.handshake_failed");
    Finish();
    co_return;
  }
  if (over_network_limit_) {
    Close(kClosePolicy, "too many connections from one network");
  } else {
    BeastRequest view(request, client_);
    handler_ = endpoint_.open(*this, view);
    if (!handler_) Close(kClosePolicy, "endpoint refused the connection");
  }
  if (!write_in_flight_) ws_.next_layer().Uncork();
  // The connection lives on in its read and write completions; this coroutine (and the
  // upgrade request it holds) ends here.
  ReadNext();
}

void WebSocketSession::ReadNext() {
  // A message is read in pieces of at most kReadPiece bytes: an idle connection's pending
  // read then holds a small buffer instead of Beast's default 1536 bytes (most messages,
  // control JSON and 296-byte data frames, still arrive in one piece).
  ws_.async_read_some(read_buffer_, kReadPiece, asio::bind_cancellation_slot(read_cancel_.slot(), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {
      if (ec == websocket::error::message_too_big) log::Info("websocket.message_too_big");
      self->Finish();
      return;
    }
    if (self->ws_.is_message_done()) {
      if (self->handler_ && !self->close_code_) {
        const auto data = self->read_buffer_.cdata();
        try {
          self->handler_->OnMessage(std::string_view(static_cast<const char*>(data.data()), data.size()),
                                    self->ws_.got_binary());
        } catch (const std::exception&) {
          // As a coroutine's would be: this connection ends, the server goes on. Event
          // name only: exception texts may quote input.
          log::Error("websocket.handler_failed");
          self->Close(kCloseInternalError, "internal error");
        }
      }
      self->read_buffer_.consume(self->read_buffer_.size());
      // A burst of large messages should not pin its buffer for the connection's lifetime.
      if (self->read_buffer_.capacity() > 2 * kReadPiece) self->read_buffer_.shrink_to_fit();
    }
    self->ReadNext();
  }));
}

void WebSocketSession::Finish() {
  closed_ = true;
  queue_.Clear();
  queued_bytes_ = 0;
  close_deadline_.cancel();
  if (handler_) {
    handler_->OnClose();
    handler_.reset();
  }
  if (registered_) {
    loop_.registry.Remove(this);
    registered_ = false;
  }
}

bool WebSocketSession::Send(OutboundMessage message) {
  if (closed_ || close_code_ || !message.data) return false;
  const WebSocketSettings& settings = state_.config.websocket;
  std::size_t size = message.data->size();
  if (queue_.size() + 1 > settings.outbound_queue_frames || queued_bytes_ + size > settings.outbound_queue_bytes) {
    log::Info("websocket.outbound_queue_full");
    queue_.Clear();
    queued_bytes_ = 0;
    Close(kCloseTryAgainLater, "outbound queue full");
    return false;
  }
  queued_bytes_ += size;
  queue_.Push(std::move(message));
  Pump();
  return true;
}

void WebSocketSession::Close(std::uint16_t code, std::string_view reason) {
  if (closed_ || close_code_) return;
  close_code_ = code;
  close_reason_ = std::string(reason.substr(0, 120));  // a close frame's payload is at most 125 bytes
  Pump();
  // A peer that stops reading would block the close handshake forever: bound it.
  close_deadline_.expires_after(state_.config.websocket.handshake_timeout);
  close_deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    auto self = weak.lock();
    if (!ec && self && !self->closed_) self->ForceClose();
  });
}

void WebSocketSession::Shutdown() { Close(kCloseServiceRestart, "service restart"); }


void WebSocketSession::ForceClose() {
  log::Info("websocket.close_deadline_passed");
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).close(ignored);
  // Closing the socket ends the operations waiting on it, but not the two Beast may have
  // parked on each other (see read_cancel_): those complete only when cancelled.
  read_cancel_.emit(asio::cancellation_type::terminal);
  close_cancel_.emit(asio::cancellation_type::terminal);
}

void WebSocketSession::Pump() {
  if (write_in_flight_ || closed_) return;
  if (!queue_.empty()) {
    // The run of queued messages, and whatever is queued while it is written, leaves in
    // one write to the kernel: the socket is uncorked when the queue has emptied.
    ws_.next_layer().Cork();
    writing_ = queue_.Pop();
    queued_bytes_ -= writing_.data->size();
    write_in_flight_ = true;
    ws_.binary(writing_.binary);
    ws_.async_write(asio::buffer(*writing_.data), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->write_in_flight_ = false;
      self->writing_ = {};
      if (ec || self->queue_.empty()) self->ws_.next_layer().Uncork();
      if (ec) {
        self->ForceClose();
        return;
      }
      self->Pump();
    });
    return;
  }
  if (close_code_ && !close_started_) {
    close_started_ = true;
    websocket::close_reason reason(static_cast<websocket::close_code>(*close_code_), close_reason_);
    ws_.async_close(reason, asio::bind_cancellation_slot(close_cancel_.slot(), [self = shared_from_this()](beast::error_code) {}));
  }
}

}  // namespace haven::net
