#include "storage/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace haven::storage {
namespace {

std::unexpected<Error> KeyFileError(const std::filesystem::path& path, std::string what) {
  return Fail(ErrorCode::kKeyFile, path.string() + ": " + std::move(what));
}

bool WriteAll(int fd, crypto::ByteView bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

Result<void> SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return KeyFileError(dir, std::string("cannot open directory: ") + std::strerror(errno));
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return KeyFileError(dir, "cannot sync directory");
  return {};
}

// Writes zeros over the whole file behind `fd`, then syncs it.
void Scrub(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0 || info.st_size <= 0) return;
  std::vector<std::uint8_t> zeros(static_cast<std::size_t>(info.st_size), 0);
  if (::pwrite(fd, zeros.data(), zeros.size(), 0) == static_cast<ssize_t>(zeros.size())) ::fsync(fd);
}

Result<void> WriteNew(const std::filesystem::path& path, crypto::ByteView bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return KeyFileError(path, "already exists; refusing to replace a key");
    return KeyFileError(path, std::string("cannot create: ") + std::strerror(errno));
  }
  bool ok = WriteAll(fd, bytes) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return KeyFileError(path, "cannot write and sync");
  }
  return {};
}

}  // namespace

Result<void> CreateSecretFile(const std::filesystem::path& path, crypto::ByteView bytes) {
  if (auto written = WriteNew(path, bytes); !written) return written;
  return SyncDirectory(path.parent_path());
}

Result<void> ReplaceSecretFile(const std::filesystem::path& path, crypto::ByteView bytes) {
  std::filesystem::path next = path;
  next += ".new";
  DestroySecretFile(next);
  if (auto written = WriteNew(next, bytes); !written) return written;
  int old_fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (::rename(next.c_str(), path.c_str()) != 0) {
    if (old_fd >= 0) ::close(old_fd);
    DestroySecretFile(next);
    return KeyFileError(path, std::string("cannot rename the new key into place: ") + std::strerror(errno));
  }
  auto synced = SyncDirectory(path.parent_path());
  if (old_fd >= 0) {
    // Only now: until the rename was durable the old file was the one a crash would keep.
    if (synced) Scrub(old_fd);
    ::close(old_fd);
  }
  return synced;
}

Result<crypto::SecretBytes> ReadSecretFile(const std::filesystem::path& path, std::size_t size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return KeyFileError(path, "missing");
    return KeyFileError(path, std::string("cannot open: ") + std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return KeyFileError(path, "not a regular file");
  }
  if ((info.st_mode & 077) != 0) {
    ::close(fd);
    return KeyFileError(path, "readable by other users; chmod 600 it");
  }
  if (static_cast<std::size_t>(info.st_size) != size) {
    ::close(fd);
    return KeyFileError(path, "has " + std::to_string(info.st_size) + " bytes, expected " + std::to_string(size));
  }
  crypto::SecretBytes bytes(size);
  std::size_t total = 0;
  while (total < size) {
    ssize_t n = ::read(fd, bytes.data() + total, size - total);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    total += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (total != size) return KeyFileError(path, "short read");
  return bytes;
}

void DestroySecretFile(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return;
  Scrub(fd);
  ::close(fd);
  ::unlink(path.c_str());
}

}  // namespace haven::storage
