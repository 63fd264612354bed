#include "server/app/storage_commands.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <iostream>

#include <boost/json.hpp>

#include "server/app/admin_channel.h"
#include "server/config/config_loader.h"
#include "storage/data_directory.h"
#include "storage/inventory.h"
#include "storage/key_ring.h"
#include "storage/rocksdb_store.h"

namespace haven::app {
namespace {

int Failed(const std::string& message) {
  std::cerr << "haven: " << message << "\n";
  return 1;
}

std::string UtcText(std::uint64_t seconds) {
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  ::gmtime_r(&time, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &parts);
  return text;
}

std::string DateOfDay(std::uint32_t day) {
  std::string text = UtcText(std::uint64_t{day} * storage::kSecondsPerDay);
  return text.substr(0, 10);
}

// The config, with server.data_dir set, or an exit code.
std::expected<Config, int> LoadForStorage(const std::string& path) {
  auto config = LoadConfigFile(path, ProcessEnvironment());
  if (!config) {
    std::cerr << "haven: " << config.error().ToString() << "\n";
    return std::unexpected(2);
  }
  if (config->server.data_dir.empty()) {
    std::cerr << "haven: config field server.data_dir: must be set\n";
    return std::unexpected(2);
  }
  return *config;
}

// The lock, with an error that says what to do when `haven serve` holds it.
std::expected<storage::DataDirectory, std::string> LockDataDirectory(const Config& config) {
  auto locked = storage::DataDirectory::Open(config.server.data_dir);
  if (!locked && locked.error().find("in use") != std::string::npos) {
    return std::unexpected(locked.error() +
                           "; stop haven serve first: backups and inspection run on a stopped server, which is "
                           "what makes the copy consistent");
  }
  return locked;
}

}  // namespace

storage::StorageOptions StorageOptionsFor(const Config& config) {
  storage::StorageOptions options;
  options.data_dir = config.server.data_dir;
  options.key_dir = config.storage.key_dir;
  options.retention.session_ttl_seconds = config.storage.session_ttl_seconds;
  options.retention.ticket_ttl_seconds = config.storage.ticket_ttl_seconds;
  options.retention.conversation_retention_days = config.storage.conversation_retention_days;
  options.retention.stats_retention_days = config.storage.stats_retention_days;
  options.retention.audit_retention_days = config.storage.audit_retention_days;
  options.compaction_interval_seconds = config.storage.compaction_interval_seconds;
  options.reserve_free_bytes = std::uint64_t{config.storage.reserve_free_megabytes} << 20;
  options.max_clock_step_seconds = config.storage.max_clock_step_seconds;
  return options;
}

int RunBackupCreate(const BackupCreateOptions& options) {
  auto config = LoadForStorage(options.config_path);
  if (!config) return config.error();
  if (!crypto::InitSodium()) return Failed("libsodium could not initialise");
  std::error_code ec;
  // The running server writes the copy: the path must mean the same to it.
  std::filesystem::path dir = std::filesystem::absolute(options.dir, ec);
  if (std::filesystem::exists(dir, ec)) return Failed(dir.string() + " already exists; name a new directory");
  if (AdminChannel::ServerIsRunning(*config)) {
    auto channel = AdminChannel::Open(*config);
    if (!channel) return Failed(channel.error());
    auto reply = (*channel)->Call(boost::json::serialize(boost::json::object{{"command", "backup"}, {"dir", dir.string()}}));
    if (!reply) return Failed(reply.error());
    boost::system::error_code parse_error;
    auto answer = boost::json::parse(*reply, parse_error);
    if (parse_error || !answer.is_object()) return Failed("the server's answer is not valid");
    const auto& object = answer.as_object();
    if (!object.contains("ok") || !object.at("ok").is_bool() || !object.at("ok").as_bool()) {
      const auto* message = object.if_contains("message");
      return Failed(message && message->is_string() ? std::string(message->as_string()) : "the backup failed");
    }
  } else {
    storage::SystemClock clock;
    auto runtime = storage::StorageRuntime::Open(StorageOptionsFor(*config), clock);
    if (!runtime) return Failed("cannot open storage: " + runtime.error().ToString());
    if (auto written = (*runtime)->CreateBackup(dir); !written) return Failed(written.error().ToString());
  }
  std::cout << "Backup written to " << dir.string() << " (a consistent copy of the data, taken while Haven ran if it was "
            << "running).\n\n"
            << "It does NOT contain the storage keys. Back up ONLY " << storage::kMasterKeyFile << " from the key directory ("
            << config->storage.key_dir << "), once, and keep it apart from this copy. Never back up "
            << storage::kEpochKeyFile << ": an old copy of it would make expired conversations readable again.\n"
            << "  - without " << storage::kMasterKeyFile << " nothing in this backup can be read;\n"
            << "  - with it, accounts, statistics and the audit log come back; conversation records (at most "
            << config->storage.conversation_retention_days << " days of metadata, no content) do not.\n"
            << "To restore: systemctl stop haven; runuser -u haven -- haven backup restore " << dir.string()
            << " --config FILE; systemctl start haven.\n";
  return 0;
}

int RunBackupRestore(const BackupCreateOptions& options) {
  auto config = LoadForStorage(options.config_path);
  if (!config) return config.error();
  storage::SystemClock clock;
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(options.dir, ec);
  auto replaced = storage::StorageRuntime::RestoreBackup(dir, config->server.data_dir, clock);
  if (!replaced) {
    if (replaced.error().detail.find("in use") != std::string::npos) {
      return Failed(replaced.error().detail + "; stop haven serve first");
    }
    return Failed(replaced.error().ToString());
  }
  std::cout << "Restored " << dir.string() << " into " << config->server.data_dir << ".\n";
  if (!replaced->empty()) std::cout << "The database it replaced is kept in " << replaced->string() << "; delete it once Haven runs.\n";
  std::cout << "Put " << storage::kMasterKeyFile << " back into " << config->storage.key_dir
            << " if it is gone, then start Haven (it asks for haven storage migrate if the backup is from an older "
               "version).\n";
  return 0;
}

int RunStorageInspect(const StorageInspectOptions& options) {
  auto config = LoadForStorage(options.config_path);
  if (!config) return config.error();
  if (!crypto::InitSodium()) return Failed("libsodium could not initialise");
  auto lock = LockDataDirectory(*config);
  if (!lock) return Failed(lock.error());
  auto database_path = storage::StorageRuntime::DatabasePath(config->server.data_dir);
  storage::RocksDbOptions database_options;
  database_options.read_only = true;
  auto database = storage::RocksDbStore::Open(database_path, std::move(database_options));
  if (!database) return Failed(database.error().ToString());

  storage::SystemClock clock;
  std::uint32_t horizon = 0;
  std::string horizon_text;
  auto epoch_day = config->storage.key_dir.empty()
                       ? storage::Result<std::uint32_t>(std::unexpected(storage::Error{
                             storage::ErrorCode::kKeyFile, "storage.key_dir is not set"}))
                       : storage::KeyRing::ReadEpochDay(config->storage.key_dir);
  if (epoch_day) {
    horizon = *epoch_day;
    horizon_text = "day " + std::to_string(horizon) + " (" + DateOfDay(horizon) +
                   "): conversations sealed before it cannot be opened by anyone";
  } else {
    horizon_text = "unknown (" + epoch_day.error().ToString() + ")";
  }
  auto inventory = storage::TakeInventory(**database, clock.NowSeconds(), horizon);
  if (!inventory) return Failed(inventory.error().ToString());

  std::printf("%-14s %8s %8s %8s %10s %12s  %-22s %-22s\n", "family", "live", "expired", "shredded", "unreadable",
              "bytes", "oldest expiry", "newest expiry");
  for (const auto& family : *inventory) {
    auto expiry = [&](const std::optional<std::uint64_t>& at) {
      if (at) return UtcText(*at);
      return std::string(family.never_expiring > 0 ? "never" : "-");
    };
    std::printf("%-14s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %10" PRIu64 " %12" PRIu64 "  %-22s %-22s\n",
                std::string(storage::FamilyName(family.family)).c_str(), family.live, family.expired, family.shredded,
                family.unreadable, family.bytes, expiry(family.oldest_expiry).c_str(),
                expiry(family.newest_expiry).c_str());
  }
  std::printf("\nepoch key horizon: %s\n", horizon_text.c_str());
  std::printf("database on disk:  %" PRIu64 " bytes in %s\n", (*database)->DiskBytes(), database_path.c_str());
  std::printf("expired and shredded records are removed by the next maintenance (storage.compaction_interval_seconds)\n");
  return 0;
}

int RunStorageMigrate(const StorageInspectOptions& options) {
  auto config = LoadForStorage(options.config_path);
  if (!config) return config.error();
  if (!crypto::InitSodium()) return Failed("libsodium could not initialise");
  storage::SystemClock clock;
  auto report = storage::StorageRuntime::Migrate(StorageOptionsFor(*config), clock);
  if (!report) {
    if (report.error().detail.find("in use") != std::string::npos) {
      return Failed(report.error().detail + "; stop haven serve first");
    }
    return Failed(report.error().ToString());
  }
  if (report->from == report->to) {
    std::cout << "The data is already in format " << report->to << "; nothing to do.\n";
  } else {
    std::cout << "Migrated " << config->server.data_dir << " from format " << report->from << " to format " << report->to
              << "; " << report->accounts << " accounts read back";
    if (report->stats_records > 0) std::cout << ", " << report->stats_records << " statistics records sealed";
    std::cout << ". Start Haven now.\n";
  }
  return 0;
}

int RunStorageTrustClock(const StorageInspectOptions& options) {
  auto config = LoadForStorage(options.config_path);
  if (!config) return config.error();
  storage::SystemClock clock;
  auto before = storage::TrustedTime::ReadMark(config->server.data_dir);
  auto trusted = storage::StorageRuntime::TrustWallClock(config->server.data_dir, clock);
  if (!trusted) {
    if (trusted.error().detail.find("in use") != std::string::npos) {
      return Failed(trusted.error().detail + "; stop haven serve first, then start it again after this command");
    }
    return Failed(trusted.error().ToString());
  }
  std::time_t now = static_cast<std::time_t>(clock.NowSeconds());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&now));
  std::cout << "The trusted time is now this machine's clock: " << text << ".\n";
  if (before && *before) {
    auto difference = static_cast<std::int64_t>(clock.NowSeconds()) - static_cast<std::int64_t>(**before);
    std::cout << "It was " << (difference >= 0 ? difference : -difference) << " s " << (difference >= 0 ? "behind" : "ahead of")
              << " the clock. Epoch keys past retention are destroyed at the next start.\n";
  }
  return 0;
}

}  // namespace haven::app
