// The wall clock storage reads expiry against, injected so tests can move time.
//
// Times are whole seconds since the Unix epoch (UTC); a day is 86 400 of them, which is how
// epoch keys are numbered (day = seconds / 86400). Beside the wall clock, which an operator or
// NTP may set to anything, a monotonic clock measures how much real time has passed
// (trusted_time.h).
//
// Thread-safety: NowSeconds may be called from any thread, including RocksDB's compaction
// threads; ManualClock's setters may race with readers.
#pragma once

#include <atomic>
#include <cstdint>

namespace haven::storage {

inline constexpr std::uint64_t kSecondsPerDay = 86400;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::uint64_t NowSeconds() const = 0;
  // Seconds of real time since some fixed point; never goes back, whatever the wall clock does.
  virtual std::uint64_t MonotonicSeconds() const = 0;
  std::uint32_t Today() const { return static_cast<std::uint32_t>(NowSeconds() / kSecondsPerDay); }
};

class SystemClock final : public Clock {
 public:
  std::uint64_t NowSeconds() const override;
  std::uint64_t MonotonicSeconds() const override;
};

// A clock that only moves when told to: for tests, and for benchmarks that must not depend
// on the time of day.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::uint64_t now) : now_(now) {}
  std::uint64_t NowSeconds() const override { return now_.load(); }
  std::uint64_t MonotonicSeconds() const override { return monotonic_.load(); }
  // Time passes: the wall clock and the monotonic one move together (Set to an earlier time
  // moves only the wall clock back).
  void Set(std::uint64_t now) {
    std::uint64_t before = now_.exchange(now);
    if (now > before) monotonic_.fetch_add(now - before);
  }
  void Advance(std::uint64_t seconds) {
    now_.fetch_add(seconds);
    monotonic_.fetch_add(seconds);
  }
  // Someone sets the wall clock: no real time passes.
  void Jump(std::uint64_t now) { now_.store(now); }

 private:
  std::atomic<std::uint64_t> now_;
  std::atomic<std::uint64_t> monotonic_{0};
};

}  // namespace haven::storage
