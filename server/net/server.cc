#include "server/net/server.h"

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <sys/stat.h>
#include <unistd.h>
#include <csignal>
#include <thread>
#include <vector>

#include "server/log/log.h"
#include "server/net/descriptor_limit.h"
#include "server/net/listener.h"
#include "server/net/server_state.h"
#include "server/net/spawn.h"

namespace haven::net {

struct Server::Impl {
  ServerState state;
  std::vector<std::unique_ptr<EventLoop>> loops;
  std::unique_ptr<Acceptor> acceptor;
  std::unique_ptr<Listener> listener;
  std::atomic<bool> ready{false};
  Server::Options options;

  std::vector<std::unique_ptr<Timer>> repeating;
  // The local listener (ServeLocalHttp): its own state (router, counts), the same loops.
  std::unique_ptr<ServerState> local_state;
  std::unique_ptr<Acceptor> local_acceptor;
  std::unique_ptr<Listener> local_listener;
  std::unique_ptr<asio::basic_socket_acceptor<asio::local::stream_protocol, Executor>> admin;
  std::string admin_path;

  EventLoop& main_loop() { return *loops.front(); }
  Task<void> AcceptAdmin(Server::AdminHandler handler);
  Task<void> ServeAdmin(asio::basic_stream_socket<asio::local::stream_protocol, Executor> socket,
                        Server::AdminHandler handler);
  int TotalConnections() const { return state.connections.load() + (local_state ? local_state->connections.load() : 0); }
  Task<int> ShutDown();
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

std::expected<std::unique_ptr<Server>, std::string> Server::Start(const Config& config, Router router,
                                                                 Options options) {
  auto impl = std::make_unique<Impl>();
  impl->state.config = config;
  auto budget = FitConnectionsToDescriptors(config.server.max_connections, config.server.reserved_descriptors);
  if (!budget) return std::unexpected(budget.error());
  if (budget->max_connections < config.server.max_connections) {
    log::Warn("server.max_connections_lowered", {{"configured", config.server.max_connections},
                                                  {"descriptor_limit", budget->soft_limit},
                                                  {"max_connections", budget->max_connections}});
  }
  impl->state.config.server.max_connections = budget->max_connections;
  impl->state.address_keyer = options.address_keyer;
  impl->state.tls = options.tls;
  for (const std::string& proxy : config.http.trusted_proxies) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(proxy, ec);
    if (ec) return std::unexpected("http.trusted_proxies: " + proxy + " is not an IP address");
    impl->state.trusted_proxies.push_back(address);
  }
  impl->options = std::move(options);
  Impl* raw = impl.get();
  router.Handle("/healthz", {HttpMethod::kGet, HttpMethod::kHead}, [](const HttpRequest&) {
    return HttpResponse::Text(200, "ok");
  });
  router.Handle("/readyz", {HttpMethod::kGet, HttpMethod::kHead}, [raw](const HttpRequest&) {
    if (!raw->ready.load()) return HttpResponse::Text(503, "not ready: starting or stopping");
    std::string reason = raw->options.unready_reason ? raw->options.unready_reason() : std::string();
    return reason.empty() ? HttpResponse::Text(200, "ready") : HttpResponse::Text(503, "not ready: " + reason);
  });
  impl->state.router = std::move(router);
  for (int i = 0; i < config.server.event_loop_threads; ++i) impl->loops.push_back(std::make_unique<EventLoop>());
  impl->state.home_loop = impl->loops.front().get();

  beast::error_code ec;
  auto address = asio::ip::make_address(config.server.listen_address, ec);
  if (ec) return std::unexpected("server.listen_address is not an IP address");
  tcp::endpoint endpoint(address, config.server.port);
  impl->acceptor = std::make_unique<Acceptor>(impl->main_loop().executor());
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec) impl->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return std::unexpected("cannot listen on port " + std::to_string(config.server.port) + ": " + ec.message());
  impl->listener = std::make_unique<Listener>(*impl->acceptor, impl->loops, impl->state);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const { return impl_->acceptor->local_endpoint().port(); }

int Server::connections() const { return impl_->state.connections.load(); }

void Server::Post(std::function<void()> task) { asio::post(impl_->main_loop().io, std::move(task)); }

void Server::Every(std::chrono::milliseconds interval, std::function<void()> task) {
  Impl& impl = *impl_;
  impl.repeating.push_back(std::make_unique<Timer>(impl.main_loop().executor()));
  Timer* timer = impl.repeating.back().get();
  Spawn(impl.main_loop().executor(), "repeating_task", [&impl, timer, interval, task = std::move(task)]() -> Task<void> {
    while (!impl.state.stopping.load()) {
      timer->expires_after(interval);
      auto [ec] = co_await timer->async_wait(kUseTask);
      if (ec || impl.state.stopping.load()) break;
      task();
    }
  });
}

std::expected<std::uint16_t, std::string> Server::ServeLocalHttp(const std::string& address, std::uint16_t port, Router router) {
  Impl& impl = *impl_;
  beast::error_code ec;
  auto ip = asio::ip::make_address(address, ec);
  if (ec) return std::unexpected(address + " is not an IP address");
  impl.local_state = std::make_unique<ServerState>();
  impl.local_state->config = impl.state.config;
  impl.local_state->router = std::move(router);
  impl.local_state->home_loop = &impl.main_loop();
  tcp::endpoint endpoint(ip, port);
  impl.local_acceptor = std::make_unique<Acceptor>(impl.main_loop().executor());
  impl.local_acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl.local_acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.local_acceptor->bind(endpoint, ec);
  if (!ec) impl.local_acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return std::unexpected("cannot listen on " + address + ":" + std::to_string(port) + ": " + ec.message());
  impl.local_listener = std::make_unique<Listener>(*impl.local_acceptor, std::span(impl.loops).first(1), *impl.local_state);
  Spawn(impl.main_loop().executor(), "local_listener", [&impl] { return impl.local_listener->Run(); });
  return impl.local_acceptor->local_endpoint().port();
}

std::expected<void, std::string> Server::ServeAdminSocket(const std::string& path, AdminHandler handler) {
  Impl& impl = *impl_;
  using Local = asio::local::stream_protocol;
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0) {
    if (!S_ISSOCK(info.st_mode)) return std::unexpected(path + " exists and is not a socket");
    ::unlink(path.c_str());  // stale, from a server that did not stop cleanly
  }
  beast::error_code ec;
  impl.admin = std::make_unique<asio::basic_socket_acceptor<Local, Executor>>(impl.main_loop().executor());
  // Created private: umask for the bind, then chmod to be sure.
  mode_t previous = ::umask(0177);
  impl.admin->open(Local(), ec);
  if (!ec) impl.admin->bind(Local::endpoint(path), ec);
  ::umask(previous);
  if (!ec) impl.admin->listen(16, ec);
  if (ec) return std::unexpected("cannot serve the admin socket " + path + ": " + ec.message());
  ::chmod(path.c_str(), 0600);
  impl.admin_path = path;
  Spawn(impl.main_loop().executor(), "admin_acceptor", [&impl, handler = std::move(handler)] {
    return impl.AcceptAdmin(handler);
  });
  return {};
}

Task<void> Server::Impl::AcceptAdmin(Server::AdminHandler handler) {
  while (admin && admin->is_open()) {
    auto [ec, socket] = co_await admin->async_accept(kUseTask);
    if (ec) break;
    Spawn(main_loop().executor(), "admin_session",
          [this, handler, socket = std::move(socket)]() mutable { return ServeAdmin(std::move(socket), handler); });
  }
}

Task<void> Server::Impl::ServeAdmin(asio::basic_stream_socket<asio::local::stream_protocol, Executor> socket,
                                    Server::AdminHandler handler) {
  // The whole exchange is bounded: a client or handler that stalls is cut off.
  Timer wakeup(main_loop().executor());
  wakeup.expires_at(Timer::time_point::max());
  Timer deadline(main_loop().executor());
  deadline.expires_after(std::chrono::seconds(10));
  deadline.async_wait([&socket, &wakeup](beast::error_code ec) {
    if (ec) return;
    beast::error_code ignored;
    socket.close(ignored);
    wakeup.cancel();
  });
  asio::streambuf buffer(64 * 1024);
  auto [read_error, length] = co_await asio::async_read_until(socket, buffer, '\n', kUseTask);
  if (read_error) {
    deadline.cancel();
    co_return;
  }
  std::string line(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + static_cast<std::ptrdiff_t>(length) - 1);
  // The handler answers from any thread; the answer is posted here and wakes this coroutine.
  auto answer = std::make_shared<std::optional<std::string>>();
  Executor executor = main_loop().executor();
  std::weak_ptr<std::optional<std::string>> weak = answer;
  Timer* wakeup_pointer = &wakeup;
  handler(std::move(line), [weak, executor, wakeup_pointer](std::string reply) {
    asio::post(executor, [weak, wakeup_pointer, reply = std::move(reply)]() mutable {
      if (auto alive = weak.lock(); alive && !*alive) {
        *alive = std::move(reply);
        wakeup_pointer->cancel();
      }
    });
  });
  if (!*answer) co_await wakeup.async_wait(kUseTask);
  deadline.cancel();
  if (*answer) {
    (*answer)->push_back('\n');
    co_await asio::async_write(socket, asio::buffer(**answer), kUseTask);
  }
}

Task<int> Server::Impl::ShutDown() {
  beast::error_code ignored_admin_error;
  state.stopping = true;
  ready = false;
  if (options.on_stop) options.on_stop();
  for (auto& timer : repeating) timer->cancel();
  if (admin) {
    admin->close(ignored_admin_error);
    ::unlink(admin_path.c_str());
  }
  beast::error_code ignored;
  acceptor->close(ignored);
  if (local_acceptor) {
    local_state->stopping = true;
    local_acceptor->close(ignored);
  }
  for (auto& loop : loops) {
    asio::post(loop->io, [&loop = *loop] { loop.registry.ShutdownAll(); });
  }
  auto deadline = std::chrono::steady_clock::now() + state.config.server.shutdown_deadline;
  Timer poll(main_loop().executor());
  while (TotalConnections() > 0 && std::chrono::steady_clock::now() < deadline) {
    poll.expires_after(std::chrono::milliseconds(20));
    co_await poll.async_wait(kUseTask);
  }
  int left = TotalConnections();
  log::Info("server.stopped", {{"connections_left", left}});
  for (auto& loop : loops) loop->io.stop();
  co_return left == 0 ? 0 : 1;
}

int Server::Run() {
  Impl& impl = *impl_;
  int exit_code = 0;
  asio::signal_set signals(impl.main_loop().io, SIGINT, SIGTERM);
  signals.async_wait([&impl, &exit_code](const beast::error_code& ec, int signal_number) {
    if (ec) return;
    log::Info("server.stopping", {{"signal", signal_number}});
    Spawn(impl.main_loop().executor(), "shutdown", [&impl, &exit_code]() -> Task<void> {
      exit_code = co_await impl.ShutDown();
    });
  });
  // SIGHUP asks for a reload, never a stop (its default action would end the process).
  asio::signal_set hangups(impl.main_loop().io, SIGHUP);
  std::function<void()> await_hangup = [&] {
    hangups.async_wait([&](const beast::error_code& ec, int) {
      if (ec || impl.state.stopping.load()) return;
      log::Info("server.reload_requested");
      if (impl.options.on_reload) impl.options.on_reload();
      await_hangup();
    });
  };
  await_hangup();
  Spawn(impl.main_loop().executor(), "listener", [&impl] { return impl.listener->Run(); });

  // The other loops would return from run() at once without pending work: keep them alive.
  std::vector<asio::executor_work_guard<Executor>> guards;
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl.loops.size(); ++i) {
    guards.push_back(asio::make_work_guard(impl.loops[i]->io));
    threads.emplace_back([&loop = *impl.loops[i]] { loop.io.run(); });
  }
  impl.ready = true;
  log::Info("server.listening", {{"port", static_cast<int>(port())}, {"event_loops", static_cast<int>(impl.loops.size())}});
  impl.main_loop().io.run();
  for (auto& thread : threads) thread.join();
  return exit_code;
}

}  // namespace haven::net
