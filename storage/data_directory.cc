#include "storage/data_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "storage/file_owner.h"

namespace haven::storage {

std::expected<DataDirectory, std::string> DataDirectory::Open(const std::filesystem::path& path, Ownership ownership) {
  namespace fs = std::filesystem;
  if (path.empty()) return std::unexpected("no data directory given (server.data_dir)");
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    fs::create_directories(path, ec);
    if (ec) return std::unexpected("cannot create data directory " + path.string() + ": " + ec.message());
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) return std::unexpected("cannot make data directory private: " + ec.message());
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return std::unexpected("data directory " + path.string() + " is not a directory");
  }
  if ((info.st_mode & 077) != 0) {
    return std::unexpected("data directory " + path.string() + " is readable by other users; chmod 700 it");
  }
  if (std::string problem = ownership == Ownership::kMine ? OwnershipProblem(path, "data directory") : "";
      !problem.empty()) {
    return std::unexpected(problem);
  }
  fs::path lock_path = path / "haven.lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected("cannot open " + lock_path.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return std::unexpected("data directory " + path.string() + " is in use by another haven process");
  }
  return DataDirectory(path, fd);
}

DataDirectory::DataDirectory(DataDirectory&& other) noexcept
    : path_(std::move(other.path_)), lock_fd_(std::exchange(other.lock_fd_, -1)) {}

DataDirectory& DataDirectory::operator=(DataDirectory&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) ::close(lock_fd_);
    path_ = std::move(other.path_);
    lock_fd_ = std::exchange(other.lock_fd_, -1);
  }
  return *this;
}

DataDirectory::~DataDirectory() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

}  // namespace haven::storage
