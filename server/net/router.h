// Maps a request's method and path to what should answer it. Pure: no I/O, unit-tested.
//
// Order of lookup: exact HTTP routes, then WebSocket endpoints, then static assets. A path
// that exists with other methods answers 405 with an Allow list; an unknown path 404.
//
// Built once before the server starts, then read-only (safe to share between threads);
// reloadable headers and origin lists change through their own Reloadable holders.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/net/http_types.h"
#include "server/net/reloadable.h"
#include "server/net/static_assets.h"
#include "server/net/websocket_endpoint.h"

namespace haven::net {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct RouteMatch {
  enum class Kind { kHttp, kWebSocket, kStatic, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const AsyncHttpHandler* http = nullptr;
  const WebSocketEndpoint* websocket = nullptr;
  const StaticAsset* asset = nullptr;
  std::shared_ptr<const HeaderList> static_headers;  // kStatic: overrides (a snapshot)
  std::string allow;  // for kMethodNotAllowed: "GET, HEAD"
};

class Router {
 public:
  // `methods` must not be empty; HEAD is not implied by GET for handlers.
  void Handle(std::string path, std::vector<HttpMethod> methods, HttpHandler handler);
  void HandleAsync(std::string path, std::vector<HttpMethod> methods, AsyncHttpHandler handler);
  // A WebSocket endpoint answers GET with an Upgrade; a plain GET gets 426.
  void HandleWebSocket(std::string path, WebSocketEndpoint endpoint);
  void ServeStatic(std::shared_ptr<const StaticAssets> assets);
  // Headers for static files whose URL path starts with `prefix` (first match wins), replacing
  // the defaults of the same name, e.g. a page's own Content-Security-Policy.
  void SetStaticHeaders(std::string prefix, HeaderList headers);
  // The same, with headers a reload may replace while the server runs.
  void SetStaticHeaders(std::string prefix, std::shared_ptr<const Reloadable<HeaderList>> headers);
  const StaticAssets* assets() const { return assets_.get(); }

  RouteMatch Match(HttpMethod method, std::string_view path) const;

 private:
  struct Route {
    std::vector<HttpMethod> methods;
    AsyncHttpHandler handler;
  };
  std::map<std::string, Route, std::less<>> http_;
  std::map<std::string, WebSocketEndpoint, std::less<>> websocket_;
  std::shared_ptr<const StaticAssets> assets_;
  std::vector<std::pair<std::string, std::shared_ptr<const Reloadable<HeaderList>>>> static_headers_;
};

}  // namespace haven::net
