#include "server/app/diagnostic_endpoint.h"

#include <charconv>
#include <memory>

namespace haven::app {
namespace {

bool ParseUint(std::string_view text, unsigned long& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

class DiagnosticEcho final : public net::WebSocketHandler {
 public:
  explicit DiagnosticEcho(net::WebSocketPeer& peer) : peer_(peer) {}

  void OnMessage(std::string_view data, bool binary) override {
    unsigned long code = 0, count = 0, bytes = 0;
    if (!binary && data.starts_with("close ") && ParseUint(data.substr(6), code) && code < 5000) {
      peer_.Close(static_cast<std::uint16_t>(code), "requested");
      return;
    }
    if (!binary && data.starts_with("flood ")) {
      auto rest = data.substr(6);
      auto space = rest.find(' ');
      if (space != std::string_view::npos && ParseUint(rest.substr(0, space), count) &&
          ParseUint(rest.substr(space + 1), bytes) && count <= 100000 && bytes <= 65536) {
        auto payload = std::make_shared<const std::string>(bytes, 'x');
        for (unsigned long i = 0; i < count; ++i) {
          if (!peer_.Send({payload, true})) break;
        }
        return;
      }
    }
    peer_.Send({std::make_shared<const std::string>(data), binary});
  }

  void OnClose() override {}

 private:
  net::WebSocketPeer& peer_;
};

}  // namespace

net::WebSocketEndpoint DiagnosticEchoEndpoint(std::shared_ptr<const net::OriginList> allowed_origins) {
  return net::WebSocketEndpoint{
      std::move(allowed_origins),
      [](net::WebSocketPeer& peer, const net::HttpRequest&) { return std::make_unique<DiagnosticEcho>(peer); }};
}

}  // namespace haven::app
