#include "server/net/router.h"

#include <algorithm>

namespace haven::net {

void Router::Handle(std::string path, std::vector<HttpMethod> methods, HttpHandler handler) {
  HandleAsync(std::move(path), std::move(methods),
              [handler = std::move(handler)](const HttpRequest& request, HttpRespond respond) {
                respond(handler(request));
              });
}

void Router::HandleAsync(std::string path, std::vector<HttpMethod> methods, AsyncHttpHandler handler) {
  http_[std::move(path)] = Route{std::move(methods), std::move(handler)};
}

void Router::HandleWebSocket(std::string path, WebSocketEndpoint endpoint) {
  websocket_[std::move(path)] = std::move(endpoint);
}

void Router::ServeStatic(std::shared_ptr<const StaticAssets> assets) { assets_ = std::move(assets); }

void Router::SetStaticHeaders(std::string prefix, HeaderList headers) {
  SetStaticHeaders(std::move(prefix), std::make_shared<const Reloadable<HeaderList>>(std::move(headers)));
}

void Router::SetStaticHeaders(std::string prefix, std::shared_ptr<const Reloadable<HeaderList>> headers) {
  static_headers_.emplace_back(std::move(prefix), std::move(headers));
}

RouteMatch Router::Match(HttpMethod method, std::string_view path) const {
  RouteMatch match;
  if (auto it = http_.find(path); it != http_.end()) {
    const auto& methods = it->second.methods;
    if (std::ranges::find(methods, method) != methods.end()) {
      match.kind = RouteMatch::Kind::kHttp;
      match.http = &it->second.handler;
      return match;
    }
    match.kind = RouteMatch::Kind::kMethodNotAllowed;
    for (HttpMethod allowed : methods) {
      if (!match.allow.empty()) match.allow += ", ";
      match.allow += MethodName(allowed);
    }
    return match;
  }
  if (auto it = websocket_.find(path); it != websocket_.end()) {
    if (method == HttpMethod::kGet) {
      match.kind = RouteMatch::Kind::kWebSocket;
      match.websocket = &it->second;
    } else {
      match.kind = RouteMatch::Kind::kMethodNotAllowed;
      match.allow = "GET";
    }
    return match;
  }
  if (assets_) {
    if (const StaticAsset* asset = assets_->Find(path)) {
      if (method == HttpMethod::kGet || method == HttpMethod::kHead) {
        match.kind = RouteMatch::Kind::kStatic;
        match.asset = asset;
        for (const auto& [prefix, headers] : static_headers_) {
          if (path.starts_with(prefix)) {
            match.static_headers = headers->Get();
            break;
          }
        }
      } else {
        match.kind = RouteMatch::Kind::kMethodNotAllowed;
        match.allow = "GET, HEAD";
      }
      return match;
    }
  }
  return match;
}

}  // namespace haven::net
