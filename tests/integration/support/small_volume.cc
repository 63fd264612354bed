#include "tests/integration/support/small_volume.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace haven::testing {
namespace {

namespace fs = std::filesystem;

int Run(const std::string& command) { return std::system((command + " > /dev/null 2>&1").c_str()); }

}  // namespace

SmallVolume::SmallVolume(std::uint32_t megabytes) {
  char pattern[] = "/tmp/haven-volume-XXXXXX";
  if (!::mkdtemp(pattern)) {
    problem_ = "cannot make a temporary directory";
    return;
  }
  dir_ = pattern;
  mount_point_ = dir_ / "mnt";
  fs::create_directories(mount_point_);
  if (::geteuid() != 0) {
    problem_ = "mounting a file system needs root";
    return;
  }
  fs::path image = dir_ / "volume.img";
  // -m 0: no blocks reserved for root, so the test (root) sees the same full disk the haven
  // user would.
  if (Run("truncate -s " + std::to_string(megabytes) + "M " + image.string()) != 0 ||
      Run("mkfs.ext4 -q -F -m 0 " + image.string()) != 0) {
    problem_ = "mkfs.ext4 failed (e2fsprogs)";
    return;
  }
  if (Run("mount -o loop " + image.string() + " " + mount_point_.string()) != 0) {
    problem_ = "mount -o loop failed (no loop device here?)";
    return;
  }
  mounted_ = true;
}

SmallVolume::~SmallVolume() {
  if (mounted_) {
    // A server process still holding files would make umount fail: lazily detach then.
    if (Run("umount " + mount_point_.string()) != 0) Run("umount -l " + mount_point_.string());
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::uint64_t SmallVolume::Fill() {
  int fd = ::open((mount_point_ / "filler").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return 0;
  std::vector<char> block(1 << 16, 'x');
  std::uint64_t written = 0;
  for (std::size_t size = block.size(); size > 0;) {
    ssize_t n = ::write(fd, block.data(), size);
    if (n > 0) {
      written += static_cast<std::uint64_t>(n);
    } else if (n < 0 && errno == ENOSPC) {
      size /= 2;  // the last few blocks, down to a single byte
    } else {
      break;
    }
  }
  ::fsync(fd);  // delayed allocation: the blocks are really taken only now
  ::close(fd);
  return written;
}

void SmallVolume::Free() {
  std::error_code ec;
  fs::remove(mount_point_ / "filler", ec);
  ::sync();
}

std::uint64_t SmallVolume::FreeBytes() const {
  struct statvfs info {};
  if (::statvfs(mount_point_.c_str(), &info) != 0) return 0;
  return static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
}

}  // namespace haven::testing
