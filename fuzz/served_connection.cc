#include "fuzz/served_connection.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "server/app/diagnostic_endpoint.h"
#include "server/net/http_session.h"
#include "server/net/server_state.h"
#include "server/net/spawn.h"

namespace haven::fuzz {
namespace {

using namespace haven::net;

constexpr std::chrono::seconds kHang{3};

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "finding: %s\n", what);
  std::abort();
}

std::shared_ptr<const StaticAssets> FuzzAssets() {
  char pattern[] = "/tmp/haven-fuzz-web-XXXXXX";
  const char* root = ::mkdtemp(pattern);
  if (!root) Fail("cannot create the static files' directory");
  std::filesystem::create_directories(std::filesystem::path(root) / "assets");
  std::ofstream(std::filesystem::path(root) / "index.html") << "<!doctype html><title>fuzz</title>";
  std::ofstream(std::filesystem::path(root) / "assets" / "app.js") << "console.log('fuzz');";
  auto assets = StaticAssets::LoadDirectory(root);
  std::filesystem::remove_all(root);
  if (!assets) Fail("cannot load the static files");
  return std::make_shared<const StaticAssets>(std::move(*assets));
}

ServerState& State() {
  static ServerState* state = [] {
    auto* built = new ServerState();  // lives as long as the process, as the server's does
    // The bound on a close handshake (the default is 5 s) kept short, so that a connection that
    // needs it costs little. It is needed: a protocol error that arrives while the server's own
    // close waits for the peer's leaves Beast's read and close each waiting for the other's lock
    // (found by this target), and only this deadline ends the connection. Anything open past
    // kHang is a hang.
    built->config.websocket.handshake_timeout = std::chrono::milliseconds(200);
    built->router.HandleAsync("/api/echo", {HttpMethod::kGet, HttpMethod::kHead, HttpMethod::kPost},
                              [](const HttpRequest& request, HttpRespond respond) {
                                respond(HttpResponse::Text(200, std::to_string(request.body().size())));
                              });
    built->router.HandleWebSocket(
        "/ws/diag", app::DiagnosticEchoEndpoint(std::make_shared<OriginList>(std::vector{std::string(kFuzzOrigin)})));
    built->router.ServeStatic(FuzzAssets());
    return built;
  }();
  return *state;
}

// Moves bytes between the client's end and the session until the server has closed its end
// and the loop has nothing left to do. Time on the loop's clock is real: a connection that
// is still open a few seconds after its client left is a hang.
class Exchange {
 public:
  Exchange(int client, std::string_view input, std::string_view after_response)
      : client_(client), input_(input), after_response_(after_response) {}

  void Step() {
    if (!after_response_.empty() && written_ == input_.size() && output_.find("\r\n\r\n") != std::string::npos) {
      input_ = after_response_;
      after_response_ = {};
      written_ = 0;
    }
    if (!shut_) {
      while (written_ < input_.size()) {
        ssize_t n = ::send(client_, input_.data() + written_, input_.size() - written_, MSG_NOSIGNAL);
        if (n <= 0) break;  // full (the server reads on) or reset (the server closed)
        written_ += static_cast<std::size_t>(n);
      }
      if (written_ == input_.size() && after_response_.empty()) {
        ::shutdown(client_, SHUT_WR);
        shut_ = true;
      }
    }
    char buffer[16384];
    for (;;) {
      ssize_t n = ::recv(client_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n > 0) {
        output_.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        server_closed_ = true;
        // Whatever the server did not read is dropped with the connection.
        shut_ = true;
      }
      break;
    }
  }

  bool server_closed() const { return server_closed_; }
  std::string TakeOutput() { return std::move(output_); }

 private:
  int client_;
  std::string_view input_;
  std::string_view after_response_;
  std::size_t written_ = 0;
  bool shut_ = false;
  bool server_closed_ = false;
  std::string output_;
};

}  // namespace

std::string ServeConnection(std::string_view client_bytes, std::string_view after_response) {
  ServerState& state = State();
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) Fail("socketpair failed");
  ::fcntl(ends[1], F_SETFL, ::fcntl(ends[1], F_GETFL) | O_NONBLOCK);
  Exchange exchange(ends[1], client_bytes, after_response);
  {
    EventLoop loop;
    Socket socket(loop.executor());
    boost::system::error_code ec;
    socket.assign(tcp::v4(), ends[0], ec);
    if (ec) Fail("cannot adopt the server's end");
    auto session = std::make_shared<HttpSession>(std::move(socket), loop, state,
                                                 ConnectionSlot::TryAcquire(state.connections, INT_MAX));
    Spawn(loop.executor(), "fuzz_session", [session] { return session->Run(); });
    session.reset();

    const auto deadline = std::chrono::steady_clock::now() + kHang;
    for (;;) {
      exchange.Step();
      loop.io.restart();
      std::size_t ran = loop.io.poll();
      // Closed, and nothing (a timer, a pending write) still holds the session and its slot.
      if (exchange.server_closed() && ran == 0 && state.connections.load() == 0) break;
      if (ran == 0) loop.io.run_one_for(std::chrono::milliseconds(1));
      if (std::chrono::steady_clock::now() > deadline) {
        Fail(exchange.server_closed() ? "a closed connection still holds its slot"
                                      : "the server kept a connection open after its client left");
      }
    }
  }
  ::close(ends[1]);
  return exchange.TakeOutput();
}

}  // namespace haven::fuzz
