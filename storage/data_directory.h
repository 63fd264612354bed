// The server's data directory: created private (0700), refused when others can read it,
// and locked so that two servers never open the same data at once.
//
// The lock is an flock on <dir>/haven.lock, released when the DataDirectory is destroyed or
// the process dies (so a crash never leaves a stale lock).
#pragma once

#include <expected>
#include <filesystem>
#include <string>

namespace haven::storage {

class DataDirectory {
 public:
  // Creates `path` (and parents) if missing, checks its mode and that it and its files belong
  // to this user (file_owner.h: names the file and the fix), takes the lock.
  enum class Ownership { kMine, kAnyOwner };
  // kAnyOwner skips the ownership check: only for `haven backup restore`, which root may run
  // and which gives what it writes to the directory's owner.
  static std::expected<DataDirectory, std::string> Open(const std::filesystem::path& path,
                                                        Ownership ownership = Ownership::kMine);

  DataDirectory(DataDirectory&& other) noexcept;
  DataDirectory& operator=(DataDirectory&& other) noexcept;
  DataDirectory(const DataDirectory&) = delete;
  DataDirectory& operator=(const DataDirectory&) = delete;
  ~DataDirectory();

  const std::filesystem::path& path() const { return path_; }

 private:
  DataDirectory(std::filesystem::path path, int lock_fd) : path_(std::move(path)), lock_fd_(lock_fd) {}
  std::filesystem::path path_;
  int lock_fd_ = -1;
};

}  // namespace haven::storage
