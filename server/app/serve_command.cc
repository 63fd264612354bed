#include "server/app/serve_command.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>

#include "crypto/certificate.h"
#include "crypto/secret_bytes.h"
#include "crypto/hash.h"
#include "server/app/admin_channel.h"
#include "server/app/admin_service.h"
#include "server/app/diagnostic_endpoint.h"
#include "server/app/org_files.h"
#include "server/app/server_health_check.h"
#include "server/app/settings_mapping.h"
#include "server/app/web_routes.h"
#include "server/auth/account_service.h"
#include "server/auth/auth_api.h"
#include "server/helpline/control_writer.h"
#include "server/helpline/helpline_service.h"
#include "server/metrics/metrics.h"
#include "server/net/reloadable.h"
#include "server/reports/metrics_api.h"
#include "server/reports/stats_api.h"
#include "server/app/storage_commands.h"
#include "server/config/config_loader.h"
#include "server/config/config_reload.h"
#include "server/log/log.h"
#include "server/net/router.h"
#include "server/net/server.h"
#include "server/net/static_assets.h"
#include "server/net/tls_context.h"
#include "server/net/worker_pool.h"
#include "storage/storage_runtime.h"

#ifndef HAVEN_DEFAULT_STATIC_DIR
#error "HAVEN_DEFAULT_STATIC_DIR must name the built browser apps"
#endif

namespace haven::app {

namespace {

// The browser apps: installed beside the binary (<prefix>/bin/haven ->
// <prefix>/share/haven/web, as the package lays them out), else the build tree's own.
std::string DefaultStaticDir() {
  std::error_code ec;
  std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    std::filesystem::path installed = executable.parent_path().parent_path() / "share" / "haven" / "web";
    if (std::filesystem::exists(installed / "widget", ec)) return installed.string();
  }
  return HAVEN_DEFAULT_STATIC_DIR;
}

core::Instant SystemNow() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// A keyed hash of the client's address under a key that lives only in this process and
// changes every day: enough to rate-limit one network, useless for finding anyone.
net::AddressKeyer DailyAddressKeyer() {
  struct State {
    std::mutex mutex;
    std::int64_t day = -1;
    crypto::SecretBytes key;
  };
  auto state = std::make_shared<State>();
  return [state](const std::uint8_t* address, std::size_t length) {
    std::int64_t day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()).time_since_epoch().count();
    std::lock_guard lock(state->mutex);
    if (day != state->day) {
      state->day = day;
      state->key = crypto::SecretBytes::Random(32);
    }
    auto digest = crypto::KeyedHash(state->key.bytes(), crypto::ByteView(address, length));
    net::ClientKey key{};
    std::copy_n(digest.begin(), key.size(), key.begin());
    return key;
  };
}

}  // namespace

int Serve(const Config& config, const std::vector<std::string>* demo_notes, const std::string& config_path) {
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
  auto org = LoadOrgFiles(config.org.dir);
  if (!org) {
    std::cerr << "haven: " << org.error() << "\n";
    return 1;
  }
  std::string static_dir = config.http.static_dir.empty() ? DefaultStaticDir() : config.http.static_dir;
  auto assets = net::StaticAssets::LoadDirectory(static_dir);
  if (!assets) {
    std::cerr << "haven: " << assets.error() << " (http.static_dir)\n";
    return 1;
  }
  log::Info("static.loaded", {{"files", assets->size()}});
  auto shared_assets = std::make_shared<const net::StaticAssets>(std::move(*assets));

  // Blocking work, one pool per kind so that a flood of one never waits in front of another:
  //   hashing         Argon2id for logins and enrolments (nice 19, bounded: beyond it 503 busy);
  //   accounts        tickets, sessions, salts, statistics: storage only (bounded likewise);
  //   admin           the admin socket: revocation never waits behind strangers' work;
  //   workers         health checks, storage maintenance, reloads;
  //   storage_writer  the helpline's storage writes, in order (a chat's records land in order).
  auto hashing = std::make_unique<net::WorkerPool>(config.server.worker_threads, net::WorkerPool::Priority::kBackground,
                                                   static_cast<int>(config.auth.hashing_queue));
  auto account_work = std::make_unique<net::WorkerPool>(1, net::WorkerPool::Priority::kNormal, static_cast<int>(config.auth.account_queue));
  auto admin_work = std::make_unique<net::WorkerPool>(1);
  auto workers = std::make_unique<net::WorkerPool>(1);
  auto storage_writer = std::make_unique<net::WorkerPool>(1);
  auth::AccountService accounts(runtime.stores(), clock, AccountPolicyFor(config));
  auth::LoginThrottle login_throttle(LoginThrottlePolicyFor(config));
  // Origins allowed to open the WebSockets and call the API: one list, replaced on reload.
  auto allowed_origins = std::make_shared<net::OriginList>(config.websocket.allowed_origins);
  net::Server* server_handle = nullptr;  // set once started; jobs only run after that
  metrics::HelplineMetrics helpline_metrics;
  metrics::HealthMetrics health;
  auth::AuthApiOptions auth_options = AuthApiOptionsFor(config, allowed_origins);
  auth_options.now_seconds = [&clock] { return clock.NowSeconds(); };
  auth_options.login_locks = &health.login_locks;
  auth_options.busy_refusals = &health.api_busy;
  auth::AuthApi auth_api(accounts, {*hashing, *account_work}, login_throttle, std::move(auth_options));
  ServerHealthCheck health_check(runtime, health);
  auto note_signing_expiry = [&health](const crypto::Bytes& certificate) {
    if (auto parsed = crypto::ParseCertificate(certificate)) {
      health.signing_certificate_not_after = static_cast<std::int64_t>(parsed->fields.not_after);
    }
  };
  note_signing_expiry(org->signing_certificate);
  health_check.Run();  // before the first request: a full disk is known from the start
  helpline::HelplineEnvironment environment{
      SystemNow, [&storage_writer](std::function<void()> job) { storage_writer->Submit(std::move(job)); },
      [&server_handle](std::function<void()> job) { server_handle->Post(std::move(job)); }, &runtime.stores(),
      &helpline_metrics};
  environment.admits_new_chats = [&health] { return health.storage_room_for_chats.load() == 1; };
  helpline::HelplineOptions helpline_options = HelplineOptionsFor(config, org->info);
  helpline::HelplineService helpline(helpline_options, std::move(environment));
  // What GET /api/helpline answers from (any loop): replaced whole when the org files change.
  auto visitor_info = std::make_shared<net::Reloadable<helpline::HelplineOptions>>(helpline_options);
  std::string org_dir = config.org.dir;
  // New revocation lists or signing certificate: on `haven counselor revoke` and on SIGHUP.
  auto reload_org = [&server_handle, &helpline, org_dir, note_signing_expiry, visitor_info] {
    auto reloaded = LoadOrgFiles(org_dir);
    if (!reloaded) {
      log::Error("org.reload_failed");
      return false;
    }
    note_signing_expiry(reloaded->signing_certificate);
    helpline::HelplineOptions info_options = *visitor_info->Get();
    info_options.org = reloaded->info;
    visitor_info->Replace(std::move(info_options));
    server_handle->Post([&helpline, info = reloaded->info] { helpline.UpdateOrg(info); });
    return true;
  };
  AdminService admin(accounts, runtime.stores().stats(), org_dir, org->root_key, org->signing_certificate,
                     AdminService::Hooks{
                         [&server_handle, &helpline](const std::string& handle) {
                           server_handle->Post([&helpline, handle] { helpline.Revoke(handle); });
                         },
                         [reload_org](const crypto::Bytes&) { reload_org(); },
                         [&runtime](const std::filesystem::path& dir) {
                           auto written = runtime.CreateBackup(dir);
                           log::Info("storage.backup", {{"ok", written.has_value()}});
                           return written;
                         }});

  // Native TLS: the pair is loaded before anything listens, and again on every SIGHUP.
  std::shared_ptr<net::TlsCredentials> tls;
  auto note_tls_expiry = [&health](const net::TlsContext& loaded) {
    health.tls_certificate_not_after = loaded.not_after();
    if (loaded.not_after() < std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())) log::Error("tls.certificate_expired");
  };
  if (config.tls.enabled()) {
    auto loaded = net::TlsContext::Load(config.tls.certificate_file, config.tls.private_key_file);
    if (!loaded) {
      std::cerr << "haven: " << loaded.error() << "\n";
      return 1;
    }
    note_tls_expiry(*loaded);
    tls = std::make_shared<net::TlsCredentials>(std::move(*loaded));
    log::Info("tls.loaded", {{"not_after", health.tls_certificate_not_after.load()}});
  }
  // The new pair or, if it does not load, the running one stays (and the log says why).
  auto reload_tls = [tls, note_tls_expiry](const Config& reread) {
    if (!tls || !reread.tls.enabled()) return true;
    auto loaded = net::TlsContext::Load(reread.tls.certificate_file, reread.tls.private_key_file);
    if (!loaded) {
      log::Error("reload.tls_failed", {{"problem", loaded.error()}});
      return false;
    }
    note_tls_expiry(*loaded);
    tls->Replace(std::move(*loaded));
    return true;
  };

  net::Router router;
  auto reload_web_apps = ServeWebApps(router, shared_assets, config, org->info.fingerprint_hex);
  auth_api.Register(router);
  reports::RegisterStatsApi(router, accounts, runtime.stores().stats(), *account_work, config.auth.secure_cookie);
  // /metrics on the public port, or only on its own local listener (config.metrics.listen_address).
  net::Router metrics_router;
  reports::RegisterMetricsApi(config.metrics.listen_address.empty() ? router : metrics_router, helpline_metrics, health,
                              config.metrics.token,
                              [&server_handle] { return server_handle ? server_handle->connections() : 0; });
  // What the widget shows before a join (docs/protocol.md 11.6); on duty as of the last
  // once-a-second gauge update, which a join then answers for certain.
  router.Handle("/api/helpline", {net::HttpMethod::kGet, net::HttpMethod::kHead},
                [visitor_info, &helpline_metrics](const net::HttpRequest&) {
                  net::HttpResponse response;
                  response.content_type = "application/json";
                  response.body = helpline::VisitorInfo(*visitor_info->Get(), helpline_metrics.counselors_on_duty.load() > 0);
                  return response;
                });
  router.HandleWebSocket("/ws/visitor", helpline.VisitorEndpoint(allowed_origins));
  router.HandleWebSocket("/ws/counselor", helpline.CounselorEndpoint(allowed_origins));
  if (config.testing.diagnostic_endpoints) {
    log::Warn("testing.diagnostic_endpoints_enabled");
    router.HandleWebSocket("/ws/diag", DiagnosticEchoEndpoint(allowed_origins));
  }

  net::Server::Options server_options;
  server_options.address_keyer = DailyAddressKeyer();
  // Ready while storage takes new chats: a full disk takes the server out of rotation.
  server_options.unready_reason = [&health_check] { return health_check.UnreadyReason(); };
  server_options.tls = tls;
  // SIGHUP: files are read on a worker, never on the event loop.
  server_options.on_reload = [&workers, &config, config_path, allowed_origins, reload_web_apps, reload_org, reload_tls] {
    workers->Submit([&config, config_path, allowed_origins, reload_web_apps, reload_org, reload_tls] {
      Config reread = config;
      if (!config_path.empty()) {
        auto loaded = LoadConfigFile(config_path, ProcessEnvironment());
        if (!loaded) {
          // The running config stays; the field named is what to fix.
          log::Error("reload.config_invalid", {{"field", loaded.error().field}});
          return;
        }
        reread = std::move(*loaded);
      }
      std::string log_problem = log::Reload({reread.log.level, config.log.queue_size, config.log.file});
      if (!log_problem.empty()) log::Error("reload.log_file_failed");
      allowed_origins->Replace(reread.websocket.allowed_origins);
      reload_web_apps(reread);
      bool org_ok = reload_org();
      bool tls_ok = reload_tls(reread);
      std::string needs_restart;
      for (const auto& field : FieldsNeedingRestart(config, reread)) needs_restart += (needs_restart.empty() ? "" : ",") + field;
      if (!needs_restart.empty()) log::Warn("reload.restart_needed", {{"fields", needs_restart}});
      log::Info("reload.done", {{"log_file", log_problem.empty()}, {"org", org_ok}, {"tls", tls_ok},
                                {"allowed_origins", static_cast<std::uint64_t>(reread.websocket.allowed_origins.size())},
                                {"partner_origins", static_cast<std::uint64_t>(reread.widget.partner_origins.size())}});
    });
  };
  auto server = net::Server::Start(config, std::move(router), std::move(server_options));
  if (!server) {
    std::cerr << "haven: " << server.error() << "\n";
    return 1;
  }
  server_handle = server->get();
  if (!config.metrics.listen_address.empty()) {
    auto metrics_port = server_handle->ServeLocalHttp(config.metrics.listen_address, config.metrics.port, std::move(metrics_router));
    if (!metrics_port) {
      std::cerr << "haven: metrics.listen_address: " << metrics_port.error() << "\n";
      return 1;
    }
    log::Info("metrics.listening", {{"port", *metrics_port}});
  }
  helpline.Restore();
  server_handle->Every(std::chrono::seconds(1), [&helpline] { helpline.Tick(); });
  // The health check may block (resuming storage): on a worker, one at a time.
  server_handle->Every(std::chrono::seconds(1), [&workers, &health_check] {
    if (health_check.TryBegin()) workers->Submit([&health_check] { health_check.Run(); });
  });
  // Maintenance (epoch shredding, compaction) blocks for a while: it runs on a worker, one run
  // at a time; a run that finds the previous one still going is skipped. Once at start, then
  // every interval.
  std::atomic<bool> maintaining{false};
  auto maintain = [&workers, &runtime, &maintaining, &health] {
    if (maintaining.exchange(true)) return;
    workers->Submit([&runtime, &maintaining, &health] {
      auto started = std::chrono::steady_clock::now();
      auto report = runtime.RunMaintenance();
      auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      if (report) {
        log::Info("storage.maintenance", {{"shredded_days", report->shredded_days},
                                          {"epoch_horizon_day", report->epoch_horizon},
                                          {"clock", storage::ClockStateName(report->clock)},
                                          {"clock_skew_seconds", report->clock_skew_seconds},
                                          {"disk_bytes", report->disk_bytes},
                                          {"ms", static_cast<std::int64_t>(elapsed.count())}});
        health.maintenance_last_success = std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count();
        health.maintenance_failing = 0;
      } else {
        ++health.maintenance_failures;
        // A full disk has its own gauge and clears by itself; anything else needs a person.
        if (report.error().code != storage::ErrorCode::kDiskFull) health.maintenance_failing = 1;
        log::Warn("storage.maintenance_failed", {{"error", storage::CodeName(report.error().code)}});
      }
      maintaining = false;
    });
  };
  server_handle->Post(maintain);
  server_handle->Every(std::chrono::seconds(config.storage.compaction_interval_seconds), maintain);
  if (auto served = server_handle->ServeAdminSocket(
          AdminSocketPath(config),
          [&admin_work, &admin](std::string line, std::function<void(std::string)> reply) {
            admin_work->Submit([&admin, line = std::move(line), reply = std::move(reply)] { reply(admin.Handle(line)); });
          });
      !served) {
    std::cerr << "haven: " << served.error() << "\n";
    return 1;
  }

  std::string origin = std::string(tls ? "https://" : "http://") + config.server.listen_address + ":" + std::to_string(server_handle->port());
  std::cout << "haven listening on " << origin << "/" << std::endl;
  if (demo_notes) {
    for (const auto& line : *demo_notes) std::cout << line << "\n";
    if (auto snippet = EmbedSnippet(*shared_assets, "http://localhost:" + std::to_string(server_handle->port()),
                                    org->info.fingerprint_hex)) {
      std::cout << "\nThe embed snippet a partner site would paste:\n  " << *snippet << "\n";
    }
    std::cout << std::endl;
  }
  int exit_code = server_handle->Run();
  runtime.CancelMaintenance();  // a long compaction must not hold up the shutdown deadline
  // Finish blocking jobs while everything they touch still exists.
  storage_writer.reset();
  hashing.reset();
  account_work.reset();
  admin_work.reset();
  workers.reset();
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
    // The certificate pair too: a renewal hook checks it before it reloads the server.
    if (config->tls.enabled()) {
      auto tls = net::TlsContext::Load(config->tls.certificate_file, config->tls.private_key_file);
      if (!tls) {
        std::cerr << "haven: " << tls.error() << "\n";
        return 2;
      }
    }
    // The example file shows key_dir's default, empty, and must pass the check: warn only.
    std::cout << "config OK: " << options.config_path << "\n";
    if (config->storage.key_dir.empty()) std::cout << "note: " << kKeyDirRequired << "\n";
    return 0;
  }
  if (config->storage.key_dir.empty()) {
    std::cerr << "haven: " << kKeyDirRequired << "\n";
    return 2;
  }
  if (config->org.dir.empty()) {
    std::cerr << "haven: config field org.dir: must be set for haven serve (the directory made by haven org init)\n";
    return 2;
  }
  return Serve(*config, nullptr, options.config_path);
}

}  // namespace haven::app
