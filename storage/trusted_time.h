// TrustedTime: the time storage may act on irreversibly - destroying epoch keys, dropping
// expired records in compaction - as opposed to the wall clock it reads for everything else.
//
// A clock that runs ahead (a wrong RTC, a bad NTP source, an operator's typo) must not shred a
// year of keys in one maintenance run. So the trusted time only moves forward, and only as
// fast as real time passes, catching up with the wall clock at most at twice that speed:
//
//   at start:       trusted = max(mark, min(wall, mark + max_step))     (no mark: the wall)
//   at each check:  trusted = max(trusted, min(wall, trusted + elapsed + min(elapsed, max_step)))
//   irreversible actions use  SafeNow() = min(wall, trusted)
//
// where `mark` is the trusted time persisted by the previous run (<data_dir>/clock.mark) and
// `elapsed` the real (monotonic) time since the last check. A forward jump is absorbed no
// faster than real time passes (an hour a hour, with hourly maintenance), a server stopped for
// a while catches up the same way (or at once, when the operator confirms the time), and a
// clock that went back delays shredding instead of undoing it. The state says which:
//
//   trusted  |wall - trusted| <= max_step
//   ahead    wall > trusted + max_step: shredding and compaction are held back
//   behind   wall < trusted - max_step: the clock went back (or was ahead when the mark was made)
//
// Thread-safety: SafeNow, trusted() and StateAt from any thread; Check from one at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "storage/error.h"

namespace haven::storage {

inline constexpr std::string_view kClockMarkFile = "clock.mark";

enum class ClockState : std::uint8_t { kTrusted = 0, kAhead = 1, kBehind = 2 };
std::string_view ClockStateName(ClockState state);

class TrustedTime {
 public:
  TrustedTime(std::optional<std::uint64_t> mark, std::uint64_t wall_now, std::uint64_t max_step_seconds);

  // Advances the trusted time after `elapsed_seconds` of real time; returns the state.
  ClockState Check(std::uint64_t wall_now, std::uint64_t elapsed_seconds);

  std::uint64_t trusted() const { return trusted_.load(); }
  std::uint64_t SafeNow(std::uint64_t wall_now) const { return std::min(wall_now, trusted_.load()); }
  ClockState StateAt(std::uint64_t wall_now) const;

  // The mark file: 8 bytes, the trusted time in seconds, big-endian; mode 0600.
  static Result<std::optional<std::uint64_t>> ReadMark(const std::filesystem::path& data_dir);
  static Result<void> WriteMark(const std::filesystem::path& data_dir, std::uint64_t trusted);

 private:
  std::uint64_t max_step_;
  std::atomic<std::uint64_t> trusted_;
};

}  // namespace haven::storage
