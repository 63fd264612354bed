#include "server/net/server.h"

#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <thread>
#include <vector>

#include "server/log/log.h"
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

  EventLoop& main_loop() { return *loops.front(); }
  int TotalConnections() const { return state.connections.load(); }
  Task<int> ShutDown();
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

std::expected<std::unique_ptr<Server>, std::string> Server::Start(const Config& config, Router router,
                                                                 Options options) {
  auto impl = std::make_unique<Impl>();
  impl->state.config = config;
  impl->state.address_keyer = options.address_keyer;
  impl->options = std::move(options);
  Impl* raw = impl.get();
  router.Handle("/healthz", {HttpMethod::kGet, HttpMethod::kHead}, [](const HttpRequest&) {
    return HttpResponse::Text(200, "ok");
  });
  router.Handle("/readyz", {HttpMethod::kGet, HttpMethod::kHead}, [raw](const HttpRequest&) {
    bool ready = raw->ready.load() && (!raw->options.ready || raw->options.ready());
    return ready ? HttpResponse::Text(200, "ready") : HttpResponse::Text(503, "not ready");
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

void Server::Post(std::function<void()> task) { asio::post(impl_->main_loop().io, std::move(task)); }

Task<int> Server::Impl::ShutDown() {
  state.stopping = true;
  ready = false;
  if (options.on_stop) options.on_stop();
  beast::error_code ignored;
  acceptor->close(ignored);
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
