#include "storage/data_format.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <string>

namespace haven::storage {
namespace {

constexpr std::string_view kPrefix = "haven-data-format ";

}  // namespace

Result<std::optional<std::uint32_t>> ReadDataFormat(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::path path = data_dir / kDataFormatFile;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  // A marker is one short line; a file of any other size is not one (and is never read whole).
  std::ifstream file(path, std::ios::binary);
  std::string line(64, '\0');
  file.read(line.data(), static_cast<std::streamsize>(line.size()));
  line.resize(static_cast<std::size_t>(file.gcount()));
  if (!line.empty() && line.back() == '\n') line.pop_back();
  if (line.size() >= 63 || !line.starts_with(kPrefix)) {
    return Fail(ErrorCode::kDataFormat, path.string() + " is not a Haven format marker");
  }
  std::uint32_t format = 0;
  std::string_view digits = std::string_view(line).substr(kPrefix.size());
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), format);
  if (error != std::errc() || end != digits.data() + digits.size()) {
    return Fail(ErrorCode::kDataFormat, path.string() + " names no format number");
  }
  return format;
}

Result<void> WriteDataFormat(const std::filesystem::path& data_dir, std::uint32_t format) {
  std::filesystem::path path = data_dir / kDataFormatFile;
  std::filesystem::path temporary = path;
  temporary += ".new";
  std::string text = std::string(kPrefix) + std::to_string(format) + "\n";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(ErrorCode::kIoError, "cannot write " + temporary.string());
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
    return Fail(ErrorCode::kIoError, "cannot write " + path.string());
  }
  int dir = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

Result<void> CheckDataFormat(std::optional<std::uint32_t> found, bool database_exists) {
  if (!database_exists) return {};
  std::uint32_t format = found.value_or(0);
  if (format == kDataFormat) return {};
  if (format > kDataFormat) {
    return Fail(ErrorCode::kDataFormat,
                "the data is in format " + std::to_string(format) + ", written by a newer Haven; this one reads format " +
                    std::to_string(kDataFormat) +
                    ". Run the newer version, or restore the backup taken before the upgrade (README, Upgrades)");
  }
  return Fail(ErrorCode::kDataFormat,
              "the data is in format " + std::to_string(format) + ", written by an older Haven; this one reads format " +
                  std::to_string(kDataFormat) +
                  ". Stop Haven, take a backup, then run: haven storage migrate --config FILE (README, Upgrades)");
}

}  // namespace haven::storage
