// The plaintext of the benchmark's chat messages: which message it is and when it was meant
// to leave, so the receiver can check order and measure latency after decrypting it.
//
//   text = index:8 hex digits  sent:16 hex digits (nanoseconds, steady clock)  "x"*  (size bytes in all)
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace haven::bench {

inline constexpr std::size_t kStampSize = 24;

inline std::int64_t MonotonicNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Stamp {
  std::uint32_t index = 0;
  std::int64_t sent_ns = 0;
};

// `size` is raised to kStampSize when smaller.
std::string StampedText(const Stamp& stamp, std::size_t size);
std::optional<Stamp> ReadStamp(std::string_view text);

}  // namespace haven::bench
