#include "server/app/serve_command.h"

#include <cstdio>
#include <iostream>
#include <memory>

#include "crypto/secret_bytes.h"
#include "server/app/diagnostic_endpoint.h"
#include "server/config/config_loader.h"
#include "server/log/log.h"
#include "server/net/router.h"
#include "server/net/server.h"
#include "server/net/static_assets.h"
#include "server/net/worker_pool.h"
#include "storage/data_directory.h"

#ifndef HAVEN_DEFAULT_STATIC_DIR
#error "HAVEN_DEFAULT_STATIC_DIR must name the built browser apps"
#endif

namespace haven::app {

int Serve(const Config& config, bool demo) {
  if (!crypto::InitSodium()) {
    std::cerr << "haven: libsodium could not initialise\n";
    return 1;
  }
  if (auto problem = log::Start({config.log.level, config.log.queue_size, config.log.file}); !problem.empty()) {
    std::cerr << "haven: " << problem << "\n";
    return 1;
  }
  struct StopLog {
    ~StopLog() { log::Stop(); }
  } stop_log;

  auto data_dir = storage::DataDirectory::Open(config.server.data_dir);
  if (!data_dir) {
    std::cerr << "haven: " << data_dir.error() << "\n";
    return 1;
  }
  std::string static_dir = config.http.static_dir.empty() ? HAVEN_DEFAULT_STATIC_DIR : config.http.static_dir;
  auto assets = net::StaticAssets::LoadDirectory(static_dir);
  if (!assets) {
    std::cerr << "haven: " << assets.error() << " (http.static_dir)\n";
    return 1;
  }
  log::Info("static.loaded", {{"files", assets->size()}});

  net::WorkerPool workers(config.server.worker_threads);
  net::Router router;
  router.ServeStatic(std::make_shared<const net::StaticAssets>(std::move(*assets)));
  if (config.testing.diagnostic_endpoints) {
    log::Warn("testing.diagnostic_endpoints_enabled");
    router.HandleWebSocket("/ws/diag", DiagnosticEchoEndpoint(config.websocket.allowed_origins));
  }

  auto server = net::Server::Start(config, std::move(router));
  if (!server) {
    std::cerr << "haven: " << server.error() << "\n";
    return 1;
  }
  std::string url = "http://" + config.server.listen_address + ":" + std::to_string((*server)->port()) + "/";
  std::cout << "haven listening on " << url << std::endl;
  if (demo) {
    std::cout << "\nHaven demo is running. Open http://localhost:" << (*server)->port()
              << "/ in a browser.\nPress Ctrl+C to stop; the demo's data is deleted when it stops.\n"
              << std::endl;
  }
  return (*server)->Run();
}

int RunServeCommand(const ServeOptions& options) {
  auto config = LoadConfigFile(options.config_path, ProcessEnvironment());
  if (!config) {
    std::cerr << "haven: " << config.error().ToString() << "\n";
    return 2;
  }
  if (config->server.data_dir.empty()) {
    std::cerr << "haven: config field server.data_dir: must be set for haven serve\n";
    return 2;
  }
  if (options.check_only) {
    std::cout << "config OK: " << options.config_path << "\n";
    return 0;
  }
  return Serve(*config, false);
}

}  // namespace haven::app
