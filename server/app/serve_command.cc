#include "server/app/serve_command.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "crypto/secret_bytes.h"
#include "server/app/diagnostic_endpoint.h"
#include "server/app/storage_commands.h"
#include "server/config/config_loader.h"
#include "server/log/log.h"
#include "server/net/router.h"
#include "server/net/server.h"
#include "server/net/static_assets.h"
#include "server/net/worker_pool.h"
#include "storage/maintenance_timer.h"
#include "storage/storage_runtime.h"

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

  storage::SystemClock clock;
  auto storage = storage::StorageRuntime::Open(StorageOptionsFor(config), clock);
  if (!storage) {
    std::cerr << "haven: cannot open storage: " << storage.error().ToString() << "\n";
    return 1;
  }
  storage::StorageRuntime& runtime = **storage;
  log::Info("storage.opened", {{"epoch_horizon_day", runtime.keys().horizon_day()}});
  std::string static_dir = config.http.static_dir.empty() ? HAVEN_DEFAULT_STATIC_DIR : config.http.static_dir;
  auto assets = net::StaticAssets::LoadDirectory(static_dir);
  if (!assets) {
    std::cerr << "haven: " << assets.error() << " (http.static_dir)\n";
    return 1;
  }
  log::Info("static.loaded", {{"files", assets->size()}});

  // Maintenance (epoch shredding, compaction) blocks for a while: it runs on a worker, one
  // run at a time, and a run that finds the previous one still going is skipped.
  std::atomic<bool> maintaining{false};
  net::WorkerPool workers(config.server.worker_threads);
  storage::MaintenanceTimer maintenance(
      std::chrono::seconds(config.storage.compaction_interval_seconds), [&workers, &runtime, &maintaining] {
        if (maintaining.exchange(true)) return;
        workers.Submit([&runtime, &maintaining] {
          auto started = std::chrono::steady_clock::now();
          auto report = runtime.RunMaintenance();
          auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
          if (report) {
            log::Info("storage.maintenance", {{"shredded_days", report->shredded_days},
                                              {"epoch_horizon_day", report->epoch_horizon},
                                              {"disk_bytes", report->disk_bytes},
                                              {"ms", static_cast<std::int64_t>(elapsed.count())}});
          } else {
            log::Warn("storage.maintenance_failed", {{"error", storage::CodeName(report.error().code)}});
          }
          maintaining = false;
        });
      });
  net::Router router;
  router.ServeStatic(std::make_shared<const net::StaticAssets>(std::move(*assets)));
  if (config.testing.diagnostic_endpoints) {
    log::Warn("testing.diagnostic_endpoints_enabled");
    router.HandleWebSocket("/ws/diag", DiagnosticEchoEndpoint(config.websocket.allowed_origins));
  }

  net::Server::Options server_options;
  // Ready while storage accepts writes: a full disk takes the server out of rotation.
  server_options.ready = [&runtime] { return runtime.AcceptsWrites(); };
  auto server = net::Server::Start(config, std::move(router), std::move(server_options));
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
  int exit_code = (*server)->Run();
  runtime.CancelMaintenance();  // a long compaction must not hold up the shutdown deadline
  return exit_code;
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
  const char* kKeyDirRequired =
      "config field storage.key_dir: must be set for haven serve (a directory outside server.data_dir for the "
      "storage keys; see ops/haven.example.toml)";
  if (options.check_only) {
    // The example file shows key_dir's default, empty, and must pass the check: warn only.
    std::cout << "config OK: " << options.config_path << "\n";
    if (config->storage.key_dir.empty()) std::cout << "note: " << kKeyDirRequired << "\n";
    return 0;
  }
  if (config->storage.key_dir.empty()) {
    std::cerr << "haven: " << kKeyDirRequired << "\n";
    return 2;
  }
  return Serve(*config, false);
}

}  // namespace haven::app
