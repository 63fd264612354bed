// A deliberately small HTTP/1.1 client over a plain socket, so tests can send exactly the
// bytes they mean (malformed, oversized, slow) and bind to a chosen source address.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace haven::testing {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool Has(const std::string& name) const { return headers.contains(name); }
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class RawConnection {
 public:
  // Connects to 127.0.0.1:port from `source_address`. Throws on failure.
  explicit RawConnection(std::uint16_t port, const std::string& source_address = "127.0.0.1");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void Send(std::string_view bytes);
  // Reads one response (body by Content-Length, or to EOF); nullopt on timeout or close
  // before a complete response.
  std::optional<HttpReply> ReadReply(bool head_request = false,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the server closes the connection within `timeout` (after any pending bytes).
  bool WaitForClose(std::chrono::milliseconds timeout);
  // The bytes that came after the last reply read, once the server has closed the connection
  // (nullopt if it did not within `timeout`).
  std::optional<std::string> ReadToClose(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string pending_;
};

// One request on a fresh connection.
std::optional<HttpReply> HttpGet(std::uint16_t port, std::string_view path,
                                 std::string_view extra_headers = "", const std::string& source_address = "127.0.0.1");
std::optional<HttpReply> HttpExchange(std::uint16_t port, std::string_view raw_request, bool head_request = false);

}  // namespace haven::testing
