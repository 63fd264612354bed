#include "storage/storage_runtime.h"

#include <sys/statvfs.h>

#include "storage/record_format.h"

namespace haven::storage {

Result<std::unique_ptr<StorageRuntime>> StorageRuntime::Open(const StorageOptions& options, const Clock& clock) {
  auto data_dir = DataDirectory::Open(options.data_dir);
  if (!data_dir) return Fail(ErrorCode::kDataDirectory, data_dir.error());
  std::unique_ptr<StorageRuntime> runtime(new StorageRuntime(std::move(*data_dir), clock, options));
  std::filesystem::path database_path = DatabasePath(options.data_dir);

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
  return runtime;
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
