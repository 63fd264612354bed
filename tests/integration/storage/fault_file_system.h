// FaultFileSystem: a rocksdb::FileSystem over the real one that can pretend the power went
// out or the disk filled up, for the storage durability tests.
//
// Power loss: it tracks, for every file written through it, how many bytes were appended
// and how many of those were synced (Sync/Fsync). PowerOff() makes every later mutation
// fail, as if the machine had stopped; DropUnsyncedData() then truncates each tracked file
// to its synced length - what a disk keeps of a file whose later writes were only in the
// page cache - and turns the power back on. Files created but never synced become empty.
// (It does not model lost directory entries or lost renames; RocksDB syncs directories
// itself, and the tests are about whether Haven asks for syncs, not about ext4.)
//
// Disk full: SetDiskFull(true) makes appends and new files fail with NoSpace, as ENOSPC
// does, until it is turned off.
//
// Thread-safety: all methods may be called from any thread (RocksDB calls from its
// background threads).
#pragma once

#include <rocksdb/file_system.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace haven::storage::testing {

class FaultFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  FaultFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  static const char* kClassName() { return "HavenFaultFileSystem"; }
  const char* Name() const override { return kClassName(); }

  void PowerOff() { powered_off_ = true; }
  void DropUnsyncedData();
  void SetDiskFull(bool full) { disk_full_ = full; }
  // Bytes dropped by the last DropUnsyncedData.
  std::uint64_t dropped_bytes() const { return dropped_bytes_; }

  // For the files' wrappers.
  rocksdb::IOStatus BeforeWrite() const;
  void Appended(const std::string& name, std::uint64_t new_size);
  void Synced(const std::string& name);

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* debug) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* debug) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* debug) override;
  rocksdb::IOStatus DeleteFile(const std::string& name, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* debug) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* debug) override;
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* debug) override;
  rocksdb::IOStatus Truncate(const std::string& name, size_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* debug) override;
  rocksdb::IOStatus CreateDir(const std::string& name, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* debug) override;
  rocksdb::IOStatus CreateDirIfMissing(const std::string& name, const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* debug) override;
  rocksdb::IOStatus DeleteDir(const std::string& name, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* debug) override;

 private:
  struct FileState {
    std::uint64_t size = 0;
    std::uint64_t synced = 0;
  };
  rocksdb::IOStatus Wrap(const std::string& name, std::unique_ptr<rocksdb::FSWritableFile>* result);

  std::atomic<bool> powered_off_{false};
  std::atomic<bool> disk_full_{false};
  std::uint64_t dropped_bytes_ = 0;
  std::mutex mutex_;
  std::map<std::string, FileState> files_;
};

}  // namespace haven::storage::testing
