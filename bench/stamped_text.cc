#include "bench/stamped_text.h"

#include <algorithm>
#include <charconv>

namespace haven::bench {
namespace {

void PutHex(std::string& out, std::uint64_t value, int digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kDigits[(value >> shift) & 0xF];
}

std::optional<std::uint64_t> GetHex(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string StampedText(const Stamp& stamp, std::size_t size) {
  std::string text;
  text.reserve(std::max(size, kStampSize));
  PutHex(text, stamp.index, 8);
  PutHex(text, static_cast<std::uint64_t>(stamp.sent_ns), 16);
  text.resize(std::max(size, kStampSize), 'x');
  return text;
}

std::optional<Stamp> ReadStamp(std::string_view text) {
  if (text.size() < kStampSize) return std::nullopt;
  auto index = GetHex(text.substr(0, 8));
  auto sent = GetHex(text.substr(8, 16));
  if (!index || !sent) return std::nullopt;
  return Stamp{static_cast<std::uint32_t>(*index), static_cast<std::int64_t>(*sent)};
}

}  // namespace haven::bench
