// HTTP/1.1 requests as the server reads them (fuzz/served_connection.h: the real HttpSession
// with the default [http] limits). Properties, beyond no crash, leak, UB or hang:
//   - what the server writes is a sequence of complete, well-formed HTTP/1.1 responses (up to
//     a 101, after which the bytes are WebSocket frames), with statuses it is known to send;
//   - every request it reads gets one response, in order, and it never answers more;
//   - a request Beast rejects with the server's limits (or one whose Transfer-Encoding does not
//     end in chunked) is answered with a clear 400, 413 or 431 and the connection closes;
//   - what a handler sees of a request Beast accepts (BeastRequest) is that request.
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "fuzz/fuzz_org.h"
#include "fuzz/served_connection.h"
#include "server/config/config.h"
#include "server/net/beast_request.h"
#include "server/net/request_limits.h"

namespace http = boost::beast::http;
using haven::fuzz::Finding;

namespace {

struct ReadRequest {
  enum class Outcome { kComplete, kRejected, kCutShort } outcome;
  bool head = false;
  bool keep_alive = false;
};

const haven::HttpSettings kLimits;  // the server's defaults

// Feeds `input` to `parser` until it is done or fails; false when the bytes ran out first.
bool Feed(http::request_parser<http::string_body>& parser, std::string_view& input, boost::system::error_code& ec,
          bool header_only) {
  while (!(header_only ? parser.is_header_done() : parser.is_done())) {
    if (input.empty()) return false;
    std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    input.remove_prefix(used);
    if (ec == http::error::need_more) {
      ec = {};
      if (used == 0) return false;  // the parser wants more than there is
      continue;
    }
    if (ec) return true;
  }
  return true;
}

// The server's read loop without the socket: the requests in `input`, as far as it would read.
std::vector<ReadRequest> ReadRequests(std::string_view input) {
  std::vector<ReadRequest> requests;
  while (!input.empty()) {
    http::request_parser<http::string_body> parser;
    haven::net::ApplyRequestLimits(parser, kLimits);
    boost::system::error_code ec;
    const std::size_t before = input.size();
    bool fed = Feed(parser, input, ec, true);
    // The documented limit on the request line and headers, exact whatever Beast allows.
    if (fed && !ec && haven::net::HeaderOverLimit(before - input.size(), kLimits)) {
      requests.push_back({ReadRequest::Outcome::kRejected});
      break;
    }
    if (fed && !ec && parser.get().find(http::field::transfer_encoding) != parser.get().end() && !parser.chunked()) {
      requests.push_back({ReadRequest::Outcome::kRejected});
      break;
    }
    if (fed && !ec) fed = Feed(parser, input, ec, false);
    if (!fed) {
      requests.push_back({ReadRequest::Outcome::kCutShort});
      break;
    }
    if (ec) {
      if (std::getenv("HAVEN_FUZZ_SHOW")) std::fprintf(stderr, "refused: %s\n", ec.message().c_str());
      requests.push_back({ReadRequest::Outcome::kRejected});
      break;
    }
    const auto& request = parser.get();
    requests.push_back({ReadRequest::Outcome::kComplete, request.method() == http::verb::head, request.keep_alive()});

    // What handlers see of it (BeastRequest): path and query split the target at its first
    // '?', and a header is the first field of that name.
    haven::net::ClientKey client{};
    haven::net::BeastRequest view(request, client);
    std::string_view target(request.target().data(), request.target().size());
    std::string joined(view.path());
    if (target.find('?') != std::string_view::npos) joined += "?" + std::string(view.query());
    if (joined != target) Finding("a request's path and query do not make up its target");
    for (const auto& field : request) {
      auto seen = view.Header(std::string_view(field.name_string().data(), field.name_string().size()));
      auto first = request.find(field.name_string());
      if (!seen || *seen != std::string_view(first->value().data(), first->value().size())) {
        Finding("a header a handler reads is not the request's");
      }
    }
    if (!request.keep_alive()) break;
  }
  return requests;
}

bool Known(unsigned status) {
  static const std::set<unsigned> known = {101, 200, 304, 400, 403, 404, 405, 413, 426, 431, 503};
  return known.contains(status);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string upgrade =
      "GET /ws/diag HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://localhost:8080\r\n\r\n";
  haven::fuzz::WriteSeedsIfAsked({
      "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
      "GET /assets/app.js HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"x\"\r\n\r\nHEAD / HTTP/1.1\r\nHost: h\r\n\r\n",
      "POST /api/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET /api/echo HTTP/1.0\r\n\r\n",
      "POST /api/echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nTrailer: t\r\n\r\n",
      "POST /api/echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
      "POST /api/echo HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
      "DELETE /api/echo HTTP/1.1\r\n\r\nGET /ws/diag HTTP/1.1\r\n\r\nGET /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET http://evil/ HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n",
      "POST /api/echo HTTP/1.1\r\nContent-Length: 20000\r\n\r\n" + std::string(64, 'b'),
      upgrade,
      "GET /ws/diag HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\n"
      "Sec-WebSocket-Version: 13\r\nOrigin: http://localhost:8080\r\n\r\n",
      "GET /ws/diag HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\nOrigin: https://evil.example\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HT",
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 65536) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<ReadRequest> requests = ReadRequests(input);
  std::string output = haven::fuzz::ServeConnection(input);
  // For triage: `HAVEN_FUZZ_SHOW=1 http_fuzzer crash-file` prints what the server wrote.
  if (std::getenv("HAVEN_FUZZ_SHOW")) std::fprintf(stderr, "%zu requests read; the server wrote:\n%s\n", requests.size(), output.c_str());

  std::string_view rest = output;
  std::size_t answered = 0;
  bool kept_alive = true;  // before the first request, the connection is open
  while (!rest.empty()) {
    if (answered >= requests.size()) Finding("the server answered more requests than it was sent");
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    parser.header_limit(UINT32_MAX);
    parser.skip(requests[answered].head);
    boost::system::error_code ec;
    while (!parser.is_done() && !rest.empty()) {
      std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec == http::error::need_more) {
        ec = {};
        if (used == 0) break;
        continue;
      }
      if (ec) break;
    }
    if (ec || !parser.is_done()) Finding("the server wrote a malformed or truncated response");
    const auto& response = parser.get();
    unsigned status = response.result_int();
    if (!Known(status)) Finding("the server sent a status it is not known to send");
    const ReadRequest& request = requests[answered];
    ++answered;
    kept_alive = response.keep_alive();
    if (status == 101) return 0;  // WebSocket frames follow (websocket_fuzzer)
    if (request.outcome == ReadRequest::Outcome::kRejected && status != 400 && status != 413 && status != 431) {
      Finding("a malformed request was not answered with 400, 413 or 431");
    }
    if ((status == 400 || status == 413 || status == 431) && !rest.empty()) Finding("the server went on after refusing a request");
  }
  // The connection stayed open after the last answer, so the next request was read: one that
  // Beast refuses is answered all the same.
  if (kept_alive && answered < requests.size() && requests[answered].outcome == ReadRequest::Outcome::kRejected) {
    Finding("a malformed request got no answer");
  }
  return 0;
}
