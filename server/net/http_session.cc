#include "server/net/http_session.h"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <tuple>

#include "server/log/log.h"
#include "server/net/beast_request.h"
#include "server/net/request_limits.h"
#include "server/net/security_headers.h"
#include "server/net/spawn.h"
#include "server/net/websocket_session.h"

namespace haven::net {
namespace http = beast::http;

namespace {

// The response for a request the parser rejected, or nullopt when the peer simply left.
std::optional<HttpResponse> ResponseForReadError(const beast::error_code& ec) {
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::operation_aborted || ec == beast::error::timeout || ec == asio::error::bad_descriptor) {
    return std::nullopt;
  }
  if (ec == http::error::header_limit) return HttpResponse::Text(431, "request header fields too large");
  if (ec == http::error::body_limit) return HttpResponse::Text(413, "request body too large");
  if (ec == http::error::buffer_overflow) return HttpResponse::Text(431, "request header fields too large");
  return HttpResponse::Text(400, "malformed request: " + ec.message());
}

// The paths the last server.counselor_reserved_connections connections serve: the console and
// operator view, their assets, the API (but the visitor's /api/helpline), /ws/counselor, health.
bool ServesCounselors(std::string_view path) {
  if (path == "/api/helpline") return false;
  for (std::string_view prefix : {"/console", "/operator", "/api/", "/assets/", "/ws/counselor", "/healthz", "/readyz", "/metrics"}) {
    if (path.starts_with(prefix)) return true;
  }
  return false;
}

// RFC 6455 §4.2.1: the key is 16 bytes in base64, so 22 characters of the alphabet, of which the
// last carries 4 bits of padding (A, Q, g or w), then "==".
bool IsWebSocketKey(std::string_view key) {
  auto base64 = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/'; };
  return key.size() == 24 && key.ends_with("==") && std::all_of(key.begin(), key.begin() + 22, base64) &&
         std::string_view("AQgw").find(key[21]) != std::string_view::npos;
}

HttpResponse StaticResponse(const StaticAsset& asset, const HttpRequest& request, const HeaderList* extra_headers) {
  HttpResponse response;
  if (extra_headers) response.headers = *extra_headers;
  response.content_type = asset.content_type;
  response.headers.emplace_back("ETag", asset.etag);
  // A path's own Cache-Control (the frame's no-store, the loader's CORS-friendly one) wins.
  bool has_cache_control = std::ranges::any_of(response.headers, [](const auto& header) { return header.first == "Cache-Control"; });
  if (!has_cache_control) response.headers.emplace_back("Cache-Control", asset.immutable ? kCacheImmutable : kCacheRevalidate);
  auto if_none_match = request.Header("If-None-Match");
  if (if_none_match && *if_none_match == asset.etag) {
    response.status = 304;
    return response;
  }
  response.shared_body = asset.body;
  return response;
}

}  // namespace

HttpSession::HttpSession(Socket socket, EventLoop& loop, ServerState& state, ConnectionSlot slot)
    : transport_(std::move(socket)), deadline_(loop.executor()), loop_(loop), state_(state), slot_(std::move(slot)) {
  // The peer's address is turned into a keyed hash at once and then forgotten (see ClientKey).
  beast::error_code ec;
  auto remote = transport_.next_layer().remote_endpoint(ec);
  if (ec) return;
  client_ = KeyOf(remote.address());
  from_trusted_proxy_ = std::ranges::find(state_.trusted_proxies, remote.address()) != state_.trusted_proxies.end();
}

ClientKey NetworkKeyOf(const ServerState& state, const asio::ip::address& address) {
  if (!state.address_keyer) return {};
  if (address.is_v4() || address.to_v6().is_v4_mapped()) {
    auto bytes = (address.is_v4() ? address.to_v4() : asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6())).to_bytes();
    return state.address_keyer(bytes.data(), bytes.size());
  }
  // One home or phone gets a whole prefix: its other addresses are the same network.
  auto bytes = address.to_v6().to_bytes();
  int prefix = std::clamp(state.config.server.ipv6_network_prefix, 0, 128);
  for (int bit = prefix; bit < 128; ++bit) bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  return state.address_keyer(bytes.data(), bytes.size());
}

ClientKey HttpSession::KeyOf(const asio::ip::address& address) const { return NetworkKeyOf(state_, address); }

// A trusted proxy appends the address it saw to X-Forwarded-For, so the last entry is the one
// no client can forge. One proxy connection carries many clients: this runs per request.
std::optional<ClientKey> HttpSession::ClientOf(const HttpRequest& request) const {
  if (!from_trusted_proxy_) return client_;
  auto forwarded = request.Header("X-Forwarded-For");
  if (!forwarded) return client_;
  std::string_view last = *forwarded;
  if (auto comma = last.rfind(','); comma != std::string_view::npos) last.remove_prefix(comma + 1);
  while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
  while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(last, ec);
  if (ec) return std::nullopt;
  return KeyOf(address);
}

HttpSession::~HttpSession() = default;

void HttpSession::Shutdown() {
  shutdown_requested_ = true;
  // A connection idle between requests is closed now; one mid-request finishes that request.
  if (waiting_for_request_) {
    beast::error_code ignored;
    transport_.next_layer().cancel(ignored);
  }
}

void HttpSession::ArmDeadline(std::chrono::milliseconds timeout) {
  timed_out_ = false;
  deadline_.expires_after(timeout);
  // A wait that fired just as the operation finished may still be queued when the deadline is
  // disarmed: the round number tells it that it is stale.
  deadline_.async_wait([weak = weak_from_this(), round = ++deadline_round_](beast::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || round != self->deadline_round_) return;
    self->timed_out_ = true;
    beast::error_code ignored;
    self->transport_.next_layer().close(ignored);
  });
}

void HttpSession::DisarmDeadline() {
  ++deadline_round_;
  deadline_.cancel();
}

Task<bool> HttpSession::AcceptTls() {
  Socket& socket = transport_.next_layer();
  ArmDeadline(state_.config.http.request_timeout);
  // Nothing has been asked of this connection yet: a shutdown may cut it off at once.
  waiting_for_request_ = true;
  struct NoLongerWaiting {
    bool& flag;
    ~NoLongerWaiting() { flag = false; }
  } no_longer_waiting{waiting_for_request_};
  // Every TLS connection opens with a handshake record (content type 22). Anything else is
  // most likely a browser or script speaking plain HTTP to this port.
  auto [wait_error] = co_await socket.async_wait(Socket::wait_read, kUseTask);
  unsigned char first = 0;
  beast::error_code ec = wait_error;
  std::size_t peeked = ec ? 0 : socket.receive(asio::buffer(&first, 1), Socket::message_peek, ec);
  if (ec || peeked == 0) {
    DisarmDeadline();
    co_return false;
  }
  if (first != 0x16) {
    DisarmDeadline();
    log::Debug("tls.plain_http_refused");
    static constexpr std::string_view kSpeakTls =
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 49\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\n\r\nthis port speaks HTTPS only: use an https:// URL\n";
    co_await asio::async_write(socket, asio::buffer(kSpeakTls), kUseTask);
    socket.shutdown(tcp::socket::shutdown_send, ec);
    co_return false;
  }
  transport_.StartTls(state_.tls->Get());
  std::tie(ec) = co_await transport_.async_server_handshake(kUseTask);
  DisarmDeadline();
  if (ec) {
    // Old clients (TLS 1.0/1.1), scanners and certificate-pinning failures end here.
    log::Debug("tls.handshake_failed", {{"reason", timed_out_ ? std::string("timeout") : ec.message()}});
    co_return false;
  }
  co_return true;
}

Task<void> HttpSession::Run() {
  loop_.registry.Add(this);
  struct Unregister {
    HttpSession* self;
    ~Unregister() { self->loop_.registry.Remove(self); }
  } unregister{this};

  if (state_.tls && !co_await AcceptTls()) co_return;
  const HttpSettings& limits = state_.config.http;
  bool first_request = true;
  while (!shutdown_requested_) {
    http::request_parser<http::string_body> parser;
    ApplyRequestLimits(parser, limits);
    // Slow clients are dropped: the whole request must arrive within the timeout.
    ArmDeadline(first_request ? limits.request_timeout : limits.keep_alive_timeout);
    first_request = false;
    waiting_for_request_ = true;
    auto [ec, bytes] = co_await http::async_read_header(transport_, buffer_, parser, kUseTask);
    if (!ec && HeaderOverLimit(bytes, limits)) ec = http::error::header_limit;
    // RFC 9112 §6.3: a request whose last transfer coding is not chunked has no length we could
    // trust; reading on would take its body for the next request (smuggling). 400 and close.
    if (!ec && parser.get().find(http::field::transfer_encoding) != parser.get().end() && !parser.chunked()) {
      waiting_for_request_ = false;
      DisarmDeadline();
      log::Info("http.rejected", {{"status", 400}});
      HttpResponse refused = HttpResponse::Text(400, "malformed request: a Transfer-Encoding must end in chunked");
      refused.close_connection = true;
      co_await Write(refused, false, false);
      break;
    }
    if (!ec && !parser.is_done()) std::tie(ec, bytes) = co_await http::async_read(transport_, buffer_, parser, kUseTask);
    waiting_for_request_ = false;
    DisarmDeadline();
    if (ec && timed_out_) ec = beast::error::timeout;
    if (ec) {
      if (ec == beast::error::timeout) log::Debug("http.request_timeout");
      if (auto response = ResponseForReadError(ec)) {
        log::Info("http.rejected", {{"status", response->status}});
        response->close_connection = true;
        co_await Write(*response, false, false);
      }
      break;
    }
    http::request<http::string_body>& request = parser.get();
    ClientKey client = client_;
    BeastRequest view(request, client);
    // An answer to HEAD has no body, refusals included (found by fuzz/http_fuzzer: a body after
    // a HEAD's 400 reads as the start of a next response).
    const bool head = view.method() == HttpMethod::kHead;
    if (view.path().empty() || view.path().front() != '/') {
      co_await Write(HttpResponse::Text(400, "malformed request: target must be a path"), head, false);
      break;
    }
    if (auto forwarded = ClientOf(view)) {
      client = *forwarded;
    } else {
      co_await Write(HttpResponse::Text(400, "malformed request: X-Forwarded-For is not an address"), head, false);
      break;
    }
    if (slot_.reserved && !ServesCounselors(view.path())) {
      // Out of the share kept for counselors: a visitor's page or socket waits for room.
      co_await Write(HttpResponse::Text(503, "server is at its connection limit"), head, false);
      break;
    }
    RouteMatch match = state_.router.Match(view.method(), view.path());
    bool upgrade = beast::websocket::is_upgrade(request);

    if (match.kind == RouteMatch::Kind::kWebSocket && upgrade) {
      const WebSocketEndpoint& endpoint = *match.websocket;
      auto origin = view.Header("Origin");
      if (!origin || !endpoint.allowed_origins->Allows(*origin)) {
        log::Info("websocket.origin_refused");
        co_await Write(HttpResponse::Text(403, "origin not allowed"), head, false);
        break;
      }
      if (state_.stopping.load()) {
        co_await Write(HttpResponse::Text(503, "server is restarting"), head, false);
        break;
      }
      if (auto key = view.Header("Sec-WebSocket-Key"); !key || !IsWebSocketKey(*key)) {
        co_await Write(HttpResponse::Text(400, "malformed request: Sec-WebSocket-Key must be 16 bytes in base64"), head, false);
        break;
      }
      // RFC 6455 §4.1: a client waits for the 101 before it sends a frame. Bytes already read
      // past the request would be lost with this session's buffer and the frames after them
      // read from the middle of one (found by fuzz/websocket_fuzzer), so the early client is
      // refused instead.
      if (buffer_.size() != 0) {
        co_await Write(HttpResponse::Text(400, "malformed request: data sent before the WebSocket handshake completed"),
                       head, false);
        break;
      }
      Upgrade(endpoint, parser.release(), client);
      co_return;
    }

    HttpResponse response;
    switch (match.kind) {
      case RouteMatch::Kind::kHttp: response = co_await Call(*match.http, view, view.abandoned_flag()); break;
      case RouteMatch::Kind::kStatic: response = StaticResponse(*match.asset, view, match.static_headers.get()); break;
      case RouteMatch::Kind::kWebSocket:
        response = HttpResponse::Text(426, "WebSocket upgrade required");
        response.headers.emplace_back("Upgrade", "websocket");
        break;
      case RouteMatch::Kind::kMethodNotAllowed:
        response = HttpResponse::Text(405, "method not allowed");
        response.headers.emplace_back("Allow", match.allow);
        break;
      case RouteMatch::Kind::kNotFound: response = HttpResponse::Text(404, "not found"); break;
    }
    bool keep_alive = request.keep_alive() && !response.close_connection && !shutdown_requested_;
    if (!co_await Write(response, head, keep_alive) || !keep_alive) break;
  }
  // Responses carry their length, so a FIN without TLS close_notify cannot truncate one
  // unnoticed; waiting for the peer's close_notify would only hold the slot longer.
  beast::error_code ignored;
  transport_.next_layer().shutdown(tcp::socket::shutdown_send, ignored);
}

Task<HttpResponse> HttpSession::Call(const AsyncHttpHandler& handler, const HttpRequest& request,
                                     std::shared_ptr<std::atomic<bool>> abandoned) {
  // The handler may answer from any thread; its answer is posted here and wakes the timer.
  // It holds only a weak reference, so an answer after the deadline is dropped harmlessly.
  struct Pending {
    std::optional<HttpResponse> response;
    Timer* wakeup = nullptr;
  };
  auto pending = std::make_shared<Pending>();
  Timer wakeup(loop_.executor());
  pending->wakeup = &wakeup;
  Executor executor = loop_.executor();
  handler(request, [weak = std::weak_ptr<Pending>(pending), executor](HttpResponse response) {
    asio::post(executor, [weak, response = std::move(response)]() mutable {
      auto alive = weak.lock();
      if (!alive || alive->response) return;
      alive->response = std::move(response);
      if (alive->wakeup) alive->wakeup->cancel();
    });
  });
  if (!pending->response) {
    // A client that closes its connection while it waits (a login storm drops every socket at
    // once) is noticed here, so that its queued work is skipped rather than done for nobody.
    Socket& socket = transport_.next_layer();
    socket.async_wait(Socket::wait_read, [weak = std::weak_ptr<Pending>(pending), abandoned, fd = socket.native_handle()](beast::error_code ec) {
      if (ec == asio::error::operation_aborted) return;
      char byte;
      ssize_t peeked = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (!ec && peeked != 0 && !(peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return;  // data: not gone
      abandoned->store(true);
      if (auto alive = weak.lock(); alive && alive->wakeup && !alive->response) alive->wakeup->cancel();
    });
    wakeup.expires_after(state_.config.http.request_timeout);
    co_await wakeup.async_wait(kUseTask);
    beast::error_code ignored;
    socket.cancel(ignored);
  }
  pending->wakeup = nullptr;
  if (!pending->response && abandoned->load()) {
    HttpResponse gone = HttpResponse::Text(503, "the client left");
    gone.close_connection = true;
    co_return gone;
  }
  if (!pending->response) {
    log::Warn("http.handler_timeout");
    co_return HttpResponse::Text(503, "the server did not answer in time");
  }
  co_return std::move(*pending->response);
}

// Hands the transport to a WebSocketSession on the home loop; this session ends right after,
// freeing its buffers and parser.
void HttpSession::Upgrade(const WebSocketEndpoint& endpoint, WebSocketSession::UpgradeRequest request,
                          const ClientKey& client) {
  EventLoop& home = state_.home_loop ? *state_.home_loop : loop_;
  Transport transport = std::move(transport_);
  // Only plain connections live off the home loop (the Listener starts TLS ones there).
  if (&home != &loop_ && !transport.is_tls()) {
    // A socket cannot change its io_context, but its descriptor can.
    Socket socket = transport.release_plain_socket();
    beast::error_code ec;
    auto protocol = socket.local_endpoint(ec).protocol();
    auto native = socket.release(ec);
    if (ec) return;
    transport = Transport(Socket(home.executor(), protocol, native));
  }
  // WebSockets per network, counted per request (so behind a proxy too): over the limit the
  // upgrade completes and closes at once with 1008, which a client can tell from a failure.
  slot_.websocket = NetworkSlot::TryAcquire(state_.websockets_per_network, client,
                                            static_cast<int>(state_.config.websocket.max_per_network));
  bool over_network_limit = !slot_.websocket;
  if (over_network_limit) log::Info("websocket.network_limit");
  auto session = std::make_shared<WebSocketSession>(std::move(transport), home, state_, std::move(slot_), endpoint, client,
                                                    over_network_limit);
  Spawn(home.executor(), "websocket_session",
        [session, request = std::move(request)]() mutable { return session->Run(std::move(request)); });
}

Task<bool> HttpSession::Write(const HttpResponse& response, bool head_only, bool keep_alive) {
  std::string_view body = response.BodyView();
  http::response<http::span_body<const char>> message{static_cast<http::status>(response.status), 11};
  message.set(http::field::content_type, response.content_type);
  message.set("X-Content-Type-Options", "nosniff");
  message.set("Referrer-Policy", "no-referrer");
  message.set("Content-Security-Policy", kDefaultContentSecurityPolicy);
  message.set("Cross-Origin-Opener-Policy", "same-origin");
  bool has_cache_control = false;
  for (const auto& [name, value] : response.headers) {
    message.set(name, value);
    has_cache_control |= beast::iequals(name, "Cache-Control");
  }
  if (!has_cache_control) message.set(http::field::cache_control, kCacheNever);
  if (transport_.is_tls() && state_.config.tls.hsts_max_age_seconds > 0) {
    message.set(http::field::strict_transport_security,
                "max-age=" + std::to_string(state_.config.tls.hsts_max_age_seconds));
  }
  message.keep_alive(keep_alive);
  message.content_length(body.size());
  if (!head_only && response.status != 304) message.body() = {body.data(), body.size()};

  ArmDeadline(state_.config.http.request_timeout);
  beast::error_code ec;
  if (head_only || response.status == 304) {
    http::response_serializer<http::span_body<const char>> serializer{message};
    std::tie(ec, std::ignore) = co_await http::async_write_header(transport_, serializer, kUseTask);
  } else {
    std::tie(ec, std::ignore) = co_await http::async_write(transport_, message, kUseTask);
  }
  DisarmDeadline();
  co_return !ec;
}

}  // namespace haven::net
