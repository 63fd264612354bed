#include "storage/storage_runtime.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

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
  bool database_exists = RocksDbStore::Exists(database_path);
  if (auto checked = CheckDataFormat(*format, database_exists); !checked) return std::unexpected(checked.error());
  // A new directory is marked before RocksDB creates anything in it: a crash in between
  // leaves a marked directory, never a database that looks as if an older Haven wrote it.
  if (!database_exists && *format != kDataFormat) {
    if (auto marked = WriteDataFormat(options.data_dir, kDataFormat); !marked) return std::unexpected(marked.error());
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
    // 0 -> 1: the records are unchanged; the marker is what is new. 1 -> 2: statistics move
    // into sealed week records (below). Opening proves the keys open the data and replays its
    // log before the marker says it is current.
    if (auto marked = WriteDataFormat(options.data_dir, kDataFormat); !marked) return std::unexpected(marked.error());
  }
  auto opened = Open(options, clock);
  if (!opened) {
    (void)WriteDataFormat(options.data_dir, report.from);  // the data stays as it was found
    return std::unexpected(opened.error());
  }
  auto migrated = (*opened)->stores().stats().MigrateClearKeys();
  if (!migrated) {
    opened->reset();
    (void)WriteDataFormat(options.data_dir, report.from);
    return std::unexpected(migrated.error());
  }
  // The old keys are deleted; compacting now means they leave the table files at once, not at
  // the next maintenance run.
  (void)(*opened)->database().Compact(Family::kStats);
  report.stats_records = *migrated;
  auto accounts = (*opened)->stores().accounts().List();
  if (!accounts) {
    opened->reset();
    (void)WriteDataFormat(options.data_dir, report.from);
    return std::unexpected(accounts.error());
  }
  report.accounts = accounts->size();
  return report;
}

Result<void> StorageRuntime::CreateBackup(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) return Fail(ErrorCode::kInvalidArgument, dir.string() + " already exists; name a new directory");
  if (!std::filesystem::create_directory(dir, ec)) {
    return Fail(ErrorCode::kIoError, "cannot create " + dir.string() + ": " + ec.message());
  }
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
  if (auto created = database_->CreateCheckpoint(dir / "rocksdb"); !created) return std::unexpected(created.error());
  return WriteDataFormat(dir, kDataFormat);
}

namespace {

// Owner-only modes and the given owner on everything under `root` (itself included).
Result<void> MakePrivate(const std::filesystem::path& root, uid_t uid, gid_t gid) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto fix = [&](const fs::path& path, bool directory) -> Result<void> {
    if (::lchown(path.c_str(), uid, gid) != 0 && ::geteuid() == 0) {
      return Fail(ErrorCode::kIoError, "cannot give " + path.string() + " to its owner");
    }
    fs::permissions(path, directory ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace, ec);
    return {};
  };
  if (auto fixed = fix(root, true); !fixed) return fixed;
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (auto fixed = fix(entry.path(), entry.is_directory(ec)); !fixed) return fixed;
  }
  return {};
}

}  // namespace

Result<std::filesystem::path> StorageRuntime::RestoreBackup(const std::filesystem::path& backup,
                                                            const std::filesystem::path& data_dir, const Clock& clock) {
  namespace fs = std::filesystem;
  auto locked = DataDirectory::Open(data_dir, DataDirectory::Ownership::kAnyOwner);
  if (!locked) return Fail(ErrorCode::kDataDirectory, locked.error());
  // The format-1 layout, or a bare checkpoint from format 0.
  fs::path source = RocksDbStore::Exists(backup / "rocksdb") ? backup / "rocksdb" : backup;
  if (!RocksDbStore::Exists(source)) return Fail(ErrorCode::kInvalidArgument, backup.string() + " is not a Haven backup");
  auto format = source == backup ? Result<std::optional<std::uint32_t>>(std::nullopt) : ReadDataFormat(backup);
  if (!format) return std::unexpected(format.error());
  if (format->value_or(0) > kDataFormat) return std::unexpected(CheckDataFormat(*format, true).error());

  std::error_code ec;
  fs::path database = DatabasePath(data_dir);
  fs::path staged = data_dir / "rocksdb.restoring";
  fs::remove_all(staged, ec);
  fs::copy(source, staged, fs::copy_options::recursive, ec);
  if (ec) return Fail(ErrorCode::kIoError, "cannot copy " + source.string() + ": " + ec.message());
  struct stat owner {};
  if (::stat(data_dir.c_str(), &owner) != 0) return Fail(ErrorCode::kDataDirectory, "cannot stat " + data_dir.string());
  if (auto fixed = MakePrivate(staged, owner.st_uid, owner.st_gid); !fixed) return std::unexpected(fixed.error());

  fs::path replaced;
  if (fs::exists(database, ec)) {
    replaced = data_dir / ("rocksdb.replaced-" + std::to_string(clock.NowSeconds()));
    fs::rename(database, replaced, ec);
    if (ec) return Fail(ErrorCode::kIoError, "cannot move the current database aside: " + ec.message());
  }
  fs::rename(staged, database, ec);
  if (ec) return Fail(ErrorCode::kIoError, "cannot put the backup in place: " + ec.message());
  // The backup's format: an older one is then migrated as any upgrade is.
  if (auto marked = WriteDataFormat(data_dir, format->value_or(0)); !marked) return std::unexpected(marked.error());
  fs::path marker = data_dir / kDataFormatFile;
  if (::lchown(marker.c_str(), owner.st_uid, owner.st_gid) != 0 && ::geteuid() == 0) {
    return Fail(ErrorCode::kIoError, "cannot give " + marker.string() + " to its owner");
  }
  fs::path lock = data_dir / "haven.lock";
  (void)::lchown(lock.c_str(), owner.st_uid, owner.st_gid);
  return replaced;
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
