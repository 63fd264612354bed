#include "storage/storage_runtime.h"

#include <sys/statvfs.h>

#include "storage/record_format.h"

namespace haven::storage {

Result<std::unique_ptr<StorageRuntime>> StorageRuntime::Open(const StorageOptions& options, const Clock& clock) {
  auto data_dir = DataDirectory::Open(options.data_dir);
  if (!data_dir) return Fail(ErrorCode::kDataDirectory, data_dir.error());
  std::unique_ptr<StorageRuntime> runtime(new StorageRuntime(std::move(*data_dir), clock, options));
  std::filesystem::path database_path = DatabasePath(options.data_dir);

  // New keys only for a new database: keys made for existing data would open none of it.
  bool fresh = !RocksDbStore::Exists(database_path);
  auto keys = KeyRing::Open(options.key_dir, options.data_dir, clock.Today(), fresh);
  if (!keys) return std::unexpected(keys.error());
  runtime->keys_ = std::move(*keys);
  auto advanced = runtime->keys_->AdvanceEpochs(clock.Today(), options.retention.conversation_retention_days);
  if (!advanced) return std::unexpected(advanced.error());

  RocksDbOptions database_options;
  const KeyRing* key_ring = runtime->keys_.get();
  database_options.discard = [key_ring, &clock](Family family, ByteView value) {
    return ShouldDiscard(family, value, clock.NowSeconds(), key_ring->horizon_day());
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

StorageHealth StorageRuntime::CheckHealth() {
  StorageHealth health;
  health.writable = database_->AcceptsWrites();
  struct statvfs volume {};
  if (::statvfs(options_.data_dir.c_str(), &volume) == 0) {
    health.free_bytes = static_cast<std::uint64_t>(volume.f_bavail) * volume.f_frsize;
  }
  health.room_for_new_chats = health.writable && health.free_bytes >= options_.reserve_free_bytes;
  return health;
}

Result<MaintenanceReport> StorageRuntime::RunMaintenance() {
  MaintenanceReport report;
  auto advanced = keys_->AdvanceEpochs(clock_.Today(), options_.retention.conversation_retention_days);
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
