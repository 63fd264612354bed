#include "storage/storage_runtime.h"

#include <sys/statvfs.h>

#include "storage/data_format.h"

#include "storage/record_format.h"

namespace haven::storage {

Result<std::unique_ptr<StorageRuntime>> StorageRuntime::Open(const StorageOptions& options, const Clock& clock) {
  auto data_dir = DataDirectory::Open(options.data_dir);
  if (!data_dir) return Fail(ErrorCode::kDataDirectory, data_dir.error());
  std::unique_ptr<StorageRuntime> runtime(new StorageRuntime(std::move(*data_dir), clock, options));
  std::filesystem::path database_path = DatabasePath(options.data_dir);
  auto format = ReadDataFormat(options.data_dir);
  if (!format) return std::unexpected(format.error());
  if (auto checked = CheckDataFormat(*format, RocksDbStore::Exists(database_path)); !checked) {
    return std::unexpected(checked.error());
  }

  // A mark that cannot be read is no reason not to serve: the wall clock is taken as it is.
  auto mark = TrustedTime::ReadMark(options.data_dir);
  runtime->trusted_ = std::make_unique<TrustedTime>(mark ? *mark : std::nullopt, clock.NowSeconds(),
                                                    options.max_clock_step_seconds);
  runtime->last_check_monotonic_ = clock.MonotonicSeconds();
  (void)TrustedTime::WriteMark(options.data_dir, runtime->trusted_->trusted());  // a full disk: next run
  const TrustedTime* trusted = runtime->trusted_.get();
  auto trusted_today = [trusted, &clock] {
    return static_cast<std::uint32_t>(trusted->SafeNow(clock.NowSeconds()) / kSecondsPerDay);
  };

  // New keys only for a new database: keys made for existing data would open none of it.
  bool fresh = !RocksDbStore::Exists(database_path);
  auto keys = KeyRing::Open(options.key_dir, options.data_dir, clock.Today(), fresh);
  if (!keys) return std::unexpected(keys.error());
  runtime->keys_ = std::move(*keys);
  auto advanced = runtime->keys_->AdvanceEpochs(trusted_today(), options.retention.conversation_retention_days);
  if (!advanced) return std::unexpected(advanced.error());

  RocksDbOptions database_options;
  const KeyRing* key_ring = runtime->keys_.get();
  database_options.discard = [key_ring, trusted, &clock](Family family, ByteView value) {
    return ShouldDiscard(family, value, trusted->SafeNow(clock.NowSeconds()), key_ring->horizon_day());
  };
  database_options.periodic_compaction_seconds = options.compaction_interval_seconds;
  database_options.automatic_compaction = options.automatic_compaction;
  database_options.env = options.env;
  auto database = RocksDbStore::Open(database_path, std::move(database_options));
  if (!database) return std::unexpected(database.error());
  runtime->database_ = std::move(*database);
  runtime->stores_ = std::make_unique<Stores>(*runtime->database_, *runtime->keys_, clock, options.retention);
  if (!*format) {  // a new directory: the marker is written once the database exists
    if (auto marked = WriteDataFormat(options.data_dir, kDataFormat); !marked) return std::unexpected(marked.error());
  }
  return runtime;
}

Result<MigrationReport> StorageRuntime::Migrate(const StorageOptions& options, const Clock& clock) {
  MigrationReport report;
  {
    auto locked = DataDirectory::Open(options.data_dir);
    if (!locked) return Fail(ErrorCode::kDataDirectory, locked.error());
    auto format = ReadDataFormat(options.data_dir);
    if (!format) return std::unexpected(format.error());
    if (!RocksDbStore::Exists(DatabasePath(options.data_dir))) {
      return Fail(ErrorCode::kDataFormat, "there is no database in " + options.data_dir.string() + " to migrate");
    }
    report.from = format->value_or(0);
    report.to = kDataFormat;
    if (report.from > kDataFormat) return std::unexpected(CheckDataFormat(*format, true).error());
    if (report.from == kDataFormat) return report;
    // 0 -> 1: the records are unchanged; the marker is what is new. Opening below proves the
    // keys open the data and replays its log before the marker says it is current.
    if (auto marked = WriteDataFormat(options.data_dir, kDataFormat); !marked) return std::unexpected(marked.error());
  }
  auto opened = Open(options, clock);
  if (!opened) {
    (void)WriteDataFormat(options.data_dir, report.from);  // the data stays as it was found
    return std::unexpected(opened.error());
  }
  auto accounts = (*opened)->stores().accounts().List();
  if (!accounts) {
    opened->reset();
    (void)WriteDataFormat(options.data_dir, report.from);
    return std::unexpected(accounts.error());
  }
  report.accounts = accounts->size();
  return report;
}

Result<void> StorageRuntime::TrustWallClock(const std::filesystem::path& data_dir, const Clock& clock) {
  auto locked = DataDirectory::Open(data_dir);
  if (!locked) return Fail(ErrorCode::kDataDirectory, locked.error());
  return TrustedTime::WriteMark(data_dir, clock.NowSeconds());
}

StorageHealth StorageRuntime::CheckHealth() {
  StorageHealth health;
  health.writable = database_->AcceptsWrites();
  struct statvfs volume {};
  if (::statvfs(options_.data_dir.c_str(), &volume) == 0) {
    health.free_bytes = static_cast<std::uint64_t>(volume.f_bavail) * volume.f_frsize;
  }
  health.room_for_new_chats = health.writable && health.free_bytes >= options_.reserve_free_bytes;
  std::uint64_t wall = clock_.NowSeconds();
  health.clock = trusted_->StateAt(wall);
  health.clock_skew_seconds = static_cast<std::int64_t>(wall) - static_cast<std::int64_t>(trusted_->trusted());
  return health;
}

Result<MaintenanceReport> StorageRuntime::RunMaintenance() {
  MaintenanceReport report;
  std::uint64_t wall = clock_.NowSeconds();
  std::uint64_t monotonic = clock_.MonotonicSeconds();
  report.clock = trusted_->Check(wall, monotonic - std::min(monotonic, last_check_monotonic_));
  last_check_monotonic_ = monotonic;
  report.clock_skew_seconds = static_cast<std::int64_t>(wall) - static_cast<std::int64_t>(trusted_->trusted());
  (void)TrustedTime::WriteMark(options_.data_dir, trusted_->trusted());  // a full disk: next run
  auto safe_today = static_cast<std::uint32_t>(trusted_->SafeNow(wall) / kSecondsPerDay);
  auto advanced = keys_->AdvanceEpochs(safe_today, options_.retention.conversation_retention_days);
  if (!advanced) return std::unexpected(advanced.error());
  report.shredded_days = *advanced;
  report.epoch_horizon = keys_->horizon_day();
  for (Family family : kAllFamilies) {
    if (auto compacted = database_->Compact(family); !compacted) return std::unexpected(compacted.error());
  }
  report.disk_bytes = database_->DiskBytes();
  return report;
}

}  // namespace haven::storage
