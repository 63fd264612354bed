// The HTTP request and response as route handlers see them: plain C++, no Boost, so handler
// code and its tests do not compile Beast.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace haven::net {

enum class HttpMethod { kGet, kHead, kPost, kPut, kDelete, kOptions, kPatch, kOther };

// Who is asking, as far as Haven may know: a keyed hash of the client's network address
// under a key that lives only in memory and rotates daily. Enough to rate-limit a flood from
// one network; useless for finding a person, and never logged or stored.
using ClientKey = std::array<std::uint8_t, 16>;
// Computes the ClientKey from the raw address bytes (4 for IPv4, 16 for IPv6).
using AddressKeyer = std::function<ClientKey(const std::uint8_t* address, std::size_t length)>;

std::string_view MethodName(HttpMethod method);

// A parsed request. Views are valid only during the handler call.
class HttpRequest {
 public:
  virtual ~HttpRequest() = default;
  virtual HttpMethod method() const = 0;
  virtual std::string_view path() const = 0;   // without the query string
  virtual std::string_view query() const = 0;  // after '?', possibly empty
  virtual std::string_view body() const = 0;
  virtual std::optional<std::string_view> Header(std::string_view name) const = 0;
  virtual const ClientKey& client() const = 0;
  // Set once the client has closed its connection while its request waits for an answer:
  // blocking work for it may be skipped. Copy the pointer; it outlives the request.
  virtual std::shared_ptr<const std::atomic<bool>> abandoned() const = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // When set, sent instead of `body` without copying (static assets).
  std::shared_ptr<const std::string> shared_body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond the security defaults
  bool close_connection = false;

  // A short plain-text response: the status line's meaning for a person, e.g. "not found".
  static HttpResponse Text(int status, std::string_view sentence);
  std::string_view BodyView() const { return shared_body ? std::string_view(*shared_body) : std::string_view(body); }
};

// Delivers a handler's response. May be called from any thread, once; later calls are ignored.
using HttpRespond = std::function<void(HttpResponse)>;
// A handler that may answer later, e.g. after blocking work on the worker pool. The request
// is valid only during the call: copy what is needed. A handler that has not answered within
// http.request_timeout_ms gets a 503 sent on its behalf.
using AsyncHttpHandler = std::function<void(const HttpRequest&, HttpRespond)>;

}  // namespace haven::net
