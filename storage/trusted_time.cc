#include "storage/trusted_time.h"

#include <algorithm>

#include "crypto/bytes.h"
#include "storage/secret_file.h"

namespace haven::storage {

std::string_view ClockStateName(ClockState state) {
  switch (state) {
    case ClockState::kTrusted: return "trusted";
    case ClockState::kAhead: return "ahead";
    case ClockState::kBehind: return "behind";
  }
  return "unknown";
}

TrustedTime::TrustedTime(std::optional<std::uint64_t> mark, std::uint64_t wall_now, std::uint64_t max_step_seconds)
    : max_step_(max_step_seconds),
      trusted_(mark ? std::max(*mark, std::min(wall_now, *mark + max_step_seconds)) : wall_now) {}

ClockState TrustedTime::Check(std::uint64_t wall_now, std::uint64_t elapsed_seconds) {
  std::uint64_t trusted = trusted_.load();
  std::uint64_t reachable = trusted + elapsed_seconds + std::min(elapsed_seconds, max_step_);
  trusted_.store(std::max(trusted, std::min(wall_now, reachable)));
  return StateAt(wall_now);
}

ClockState TrustedTime::StateAt(std::uint64_t wall_now) const {
  std::uint64_t trusted = trusted_.load();
  if (wall_now > trusted + max_step_) return ClockState::kAhead;
  if (wall_now + max_step_ < trusted) return ClockState::kBehind;
  return ClockState::kTrusted;
}

Result<std::optional<std::uint64_t>> TrustedTime::ReadMark(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::path path = data_dir / kClockMarkFile;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  auto file = ReadSecretFile(path, 8);
  if (!file) return std::unexpected(file.error());
  return *crypto::ByteReader(file->bytes()).U64();
}

Result<void> TrustedTime::WriteMark(const std::filesystem::path& data_dir, std::uint64_t trusted) {
  crypto::Bytes bytes = crypto::ByteWriter().U64(trusted).Take();
  std::error_code ec;
  std::filesystem::path path = data_dir / kClockMarkFile;
  if (!std::filesystem::exists(path, ec)) return CreateSecretFile(path, bytes);
  return ReplaceSecretFile(path, bytes);
}

}  // namespace haven::storage
