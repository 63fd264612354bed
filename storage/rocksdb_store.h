// RocksDbStore: the KeyValueStore on RocksDB, one column family per Family, in
// <data_dir>/rocksdb.
//
// What it promises, and the options that keep the promise:
//   - Durability::kSynced writes fsync the write-ahead log before returning (WriteOptions
//     sync; concurrent synced writers are group-committed by RocksDB behind one fsync). The
//     WAL is never disabled, and recovery is point-in-time (the default): after a crash the
//     database holds a prefix of the acknowledged writes and reopens without manual repair.
//   - Expired bytes do not linger: a discard policy (supplied by the sealed-record layer, so
//     this class stays ignorant of the value format) runs on every record at flush and at
//     compaction; periodic compaction rewrites files older than
//     `periodic_compaction_seconds`; Compact() does it now. Archived WAL files are deleted at
//     once (WAL_ttl_seconds = 0) and the total WAL size is capped, so old logs are flushed
//     and removed instead of piling up.
//   - No compression (sealed values are random), a small block cache, paranoid checks.
//   - A full disk fails the write with disk_full and applies nothing; RocksDB then refuses
//     writes. The next write, compaction or AcceptsWrites() tries to resume (instead of
//     RocksDB's own 5-second polling): Resume() after a failed flush, close and reopen after
//     a failed log write (which RocksDB treats as fatal). While the disk stays full the
//     reopened database is read-only, so reads go on; service returns once space does.
//
// Thread-safety: as KeyValueStore; Compact and CreateCheckpoint may run concurrently with
// reads and writes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/key_value_store.h"

namespace rocksdb {
class Env;
class Status;
}  // namespace rocksdb

namespace haven::storage {

struct RocksDbOptions {
  // Called at flush and compaction with each value of `family`; true drops the record.
  // Runs on RocksDB's background threads: it must be thread-safe, fast and never throw.
  // Unset keeps everything.
  std::function<bool(Family family, ByteView value)> discard;
  // Files whose data is older than this are compacted (and so filtered) even when no
  // write would trigger it.
  std::uint64_t periodic_compaction_seconds = 3600;
  // Tests turn automatic compaction off to prove that reads alone enforce expiry.
  bool automatic_compaction = true;
  // Opens without writing anything (storage inspect). Writes fail with io_error.
  bool read_only = false;
  std::size_t block_cache_bytes = 8 << 20;
  std::size_t write_buffer_bytes = 4 << 20;  // one memtable, per family
  // Tests pass an Env over a fault-injecting FileSystem; nullptr = the real disk.
  rocksdb::Env* env = nullptr;
};

class RocksDbStore final : public KeyValueStore {
 public:
  // Opens (creating when missing, unless read_only) the database in `dir`. The caller holds
  // the DataDirectory lock. Errors: corrupt, io_error, disk_full. An existing database that
  // cannot be opened for writing because its volume is full is opened read-only instead:
  // reads work, writes fail disk_full until AcceptsWrites reopens it, once there is room.
  static Result<std::unique_ptr<RocksDbStore>> Open(const std::filesystem::path& dir, RocksDbOptions options);
  // True when `dir` already holds a database.
  static bool Exists(const std::filesystem::path& dir);
  ~RocksDbStore() override;
  RocksDbStore(const RocksDbStore&) = delete;
  RocksDbStore& operator=(const RocksDbStore&) = delete;

  Result<void> Put(Family family, ByteView key, ByteView value, Durability durability) override;
  Result<std::optional<Bytes>> Get(Family family, ByteView key) const override;
  Result<void> Delete(Family family, ByteView key, Durability durability) override;
  Result<void> Write(const WriteBatch& batch, Durability durability) override;
  Result<void> ForEach(Family family, const KeyRange& range, const RawVisitor& visit) const override;

  // Flushes the family's memtable and compacts all of its files, so the discard policy sees
  // every record and dropped bytes leave the live files. A failure for lack of space stops
  // writes as a failed write does.
  Result<void> Compact(Family family);
  // Makes a Compact in progress, and every later one, return early (io_error): for shutdown.
  void CancelCompactions();
  // A consistent copy of every family in `dir` (which must not exist; its parent must), by
  // hard links where the file system allows. Key files are elsewhere and never included.
  Result<void> CreateCheckpoint(const std::filesystem::path& dir);
  // Bytes of every file of the database (tables, logs, manifest).
  std::uint64_t DiskBytes() const;
  // Whether writes are accepted. After a write or compaction failed for lack of space or an
  // I/O error RocksDB refuses writes; this (like every write and compaction) first tries to
  // resume, which succeeds once space is back.
  bool AcceptsWrites();
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Instance;  // one open RocksDB, shared by the operations using it

  RocksDbStore(std::filesystem::path path, RocksDbOptions options) : path_(std::move(path)), options_(std::move(options)) {}
  static Result<std::shared_ptr<Instance>> OpenInstance(const std::filesystem::path& dir, const RocksDbOptions& options,
                                                        bool read_only);
  // The open instance, or the error to return while there is none (being reopened).
  Result<std::shared_ptr<Instance>> Current() const;
  // Before a write: if an earlier failure stopped writes, resume them - by Resume() or,
  // after a fatal error such as a failed log write, by closing and reopening the database.
  Result<std::shared_ptr<Instance>> Writable();
  // After a write: records whether the database still accepts writes.
  Result<void> AfterWrite(const rocksdb::Status& status, Family family);
  Error Stopped(std::string detail) const;

  std::filesystem::path path_;
  RocksDbOptions options_;  // kept to reopen with
  std::atomic<std::shared_ptr<Instance>> instance_;
  std::atomic<bool> writable_{true};
  std::atomic<ErrorCode> stop_cause_{ErrorCode::kIoError};  // why writes stopped
  std::atomic<bool> compactions_cancelled_{false};
  std::mutex recovery_mutex_;  // one thread resumes at a time; guards next_reopen_
  std::chrono::steady_clock::time_point next_reopen_;
};

}  // namespace haven::storage
