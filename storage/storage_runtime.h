// StorageRuntime: the storage a running server uses, opened in one call: the data directory
// (locked), the key ring (outside it), RocksDB with its column families and the expiry
// filter, and the typed stores on top. RunMaintenance is the periodic work that bounds how
// long expired or shredded bytes stay on disk; the server calls it from a timer, on a
// worker thread.
//
// Layout:
//   <data_dir>/haven.lock      the DataDirectory lock
//   <data_dir>/rocksdb/        the database (checkpoints copy this, and only this)
//   <key_dir>/master.key       key_ring.h; never inside data_dir
//   <key_dir>/epoch.key
//
// Thread-safety: stores() and RunMaintenance may be used from any thread at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "storage/clock.h"
#include "storage/data_directory.h"
#include "storage/key_ring.h"
#include "storage/retention.h"
#include "storage/rocksdb_store.h"
#include "storage/stores.h"
#include "storage/trusted_time.h"

namespace haven::storage {

struct StorageOptions {
  std::filesystem::path data_dir;
  std::filesystem::path key_dir;
  RetentionSettings retention;
  std::uint64_t compaction_interval_seconds = 3600;
  bool automatic_compaction = true;  // tests turn it off
  // Below this much free space on the data volume no new chat is taken on: what is left
  // serves the chats in progress, accounts and RocksDB's own recovery.
  std::uint64_t reserve_free_bytes = 64ull << 20;
  // How far the trusted time may move beyond the real time that passed, per maintenance run
  // and at start (trusted_time.h).
  std::uint64_t max_clock_step_seconds = 3600;
  rocksdb::Env* env = nullptr;       // tests inject faults
};

struct MaintenanceReport {
  std::uint32_t shredded_days = 0;  // epoch days whose key was destroyed by this run
  std::uint32_t epoch_horizon = 0;  // the oldest day whose key still exists
  std::uint64_t disk_bytes = 0;     // the database's size after compaction
  ClockState clock = ClockState::kTrusted;
  std::int64_t clock_skew_seconds = 0;  // wall clock minus trusted time
};

struct MigrationReport {
  std::uint32_t from = 0;      // the format found (data_format.h)
  std::uint32_t to = 0;        // the format written
  std::size_t accounts = 0;    // accounts read back after the migration
  std::size_t stats_records = 0;  // clear-keyed statistics records folded into sealed weeks (1 -> 2)
};

struct StorageHealth {
  bool writable = true;              // RocksDB accepts writes
  std::uint64_t free_bytes = 0;      // free on the data volume, for the server's own user
  bool room_for_new_chats = true;    // writable, and free_bytes at least the reserve
  ClockState clock = ClockState::kTrusted;
  std::int64_t clock_skew_seconds = 0;  // wall clock minus trusted time
};

class StorageRuntime {
 public:
  // The database directory inside a data directory.
  static std::filesystem::path DatabasePath(const std::filesystem::path& data_dir) { return data_dir / "rocksdb"; }

  // Opens everything and destroys the epoch keys that retention has already passed, so a
  // server that was down for a while shreds before it serves. Errors name what failed:
  // data_directory, key_file, corrupt, io_error, disk_full.
  static Result<std::unique_ptr<StorageRuntime>> Open(const StorageOptions& options, const Clock& clock);

  // Brings a data directory written by an older Haven to this build's format
  // (data_format.h), then opens it and reads every account back. Takes the lock (the server
  // must be stopped). Refuses a newer format. Errors leave the directory in the format found.
  static Result<MigrationReport> Migrate(const StorageOptions& options, const Clock& clock);

  // A consistent copy of the live database, while it serves, never with the keys:
  //   <dir>/rocksdb/   a RocksDB checkpoint (hard links where the file system allows)
  //   <dir>/FORMAT     the data format (data_format.h)
  // `dir` must not exist; its parent must. Made private (0700).
  Result<void> CreateBackup(const std::filesystem::path& dir);

  // Replaces the database of a stopped server with a backup made by CreateBackup (or the
  // checkpoint directory of the format-0 `haven backup create`). The database it replaces is
  // kept beside it as rocksdb.replaced-<unix time>; files get the data directory's owner and
  // owner-only modes, so a restore run as root leaves nothing the server cannot open. Returns
  // the path the old database was moved to (empty when there was none).
  static Result<std::filesystem::path> RestoreBackup(const std::filesystem::path& backup,
                                                     const std::filesystem::path& data_dir, const Clock& clock);

  // The operator confirms that the wall clock is right (after a long stop, or once a wrong
  // clock was corrected): the next Open trusts it as it is. Takes the data directory's lock,
  // so it fails while a server has the data open. (haven storage trust-clock)
  static Result<void> TrustWallClock(const std::filesystem::path& data_dir, const Clock& clock);

  StorageRuntime(const StorageRuntime&) = delete;
  StorageRuntime& operator=(const StorageRuntime&) = delete;

  Stores& stores() { return *stores_; }
  RocksDbStore& database() { return *database_; }
  const KeyRing& keys() const { return *keys_; }
  const TrustedTime& trusted_time() const { return *trusted_; }

  // Moves the trusted time on (trusted_time.h; the new value is kept in <data_dir>/clock.mark),
  // advances the epoch keys to trusted today - conversation_retention_days, then compacts
  // every family so the filter drops expired and shredded records and their bytes leave the
  // live files (and, once flushed, the write-ahead log). Both act on the trusted time, never
  // on a wall clock that ran ahead.
  Result<MaintenanceReport> RunMaintenance();

  // Stops a compaction in progress (RunMaintenance then fails) and any later one: for
  // shutdown. Thread-safe.
  void CancelMaintenance() { database_->CancelCompactions(); }

  // False while the disk is full or failing (writes are refused); /readyz reports it. Each
  // call also tries to resume writing, so readiness returns once space does.
  bool AcceptsWrites() { return database_->AcceptsWrites(); }
  // AcceptsWrites (which may block while it tries to resume) and the volume's free space
  // against the reserve: for a periodic check on a worker, never on the event loop.
  StorageHealth CheckHealth();

 private:
  StorageRuntime(DataDirectory data_dir, const Clock& clock, const StorageOptions& options)
      : data_dir_(std::move(data_dir)), clock_(clock), options_(options) {}

  DataDirectory data_dir_;  // first: locked before anything is opened, released last
  const Clock& clock_;
  StorageOptions options_;
  std::unique_ptr<TrustedTime> trusted_;
  std::uint64_t last_check_monotonic_ = 0;  // RunMaintenance is one run at a time
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<RocksDbStore> database_;  // after keys_: its filter reads the key ring
  std::unique_ptr<Stores> stores_;
};

}  // namespace haven::storage
