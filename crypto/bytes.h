// Byte strings and the big-endian grammar helpers every Haven format is written with.
//
// ByteReader never reads past its span: every Read* returns nullopt when the input is too
// short, and Finished() tells whether trailing bytes remain. Parsers are written so that any
// input, however hostile, yields a value or an error and nothing else (they are fuzzed).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace haven::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView AsBytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}
inline std::string_view AsText(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string ToHex(ByteView bytes);
// nullopt unless `hex` is an even number of hex digits (either case).
std::optional<Bytes> FromHex(std::string_view hex);

class ByteWriter {
 public:
  ByteWriter& U8(std::uint8_t value);
  ByteWriter& U16(std::uint16_t value);
  ByteWriter& U32(std::uint32_t value);
  ByteWriter& U64(std::uint64_t value);
  ByteWriter& Append(ByteView bytes);
  ByteWriter& Append(std::string_view text) { return Append(AsBytes(text)); }
  // A domain-separation label: the ASCII text followed by one zero byte.
  ByteWriter& Label(std::string_view text);
  const Bytes& bytes() const { return bytes_; }
  Bytes Take() { return std::move(bytes_); }

 private:
  Bytes bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(ByteView input) : input_(input) {}
  std::optional<std::uint8_t> U8();
  std::optional<std::uint16_t> U16();
  std::optional<std::uint32_t> U32();
  std::optional<std::uint64_t> U64();
  std::optional<ByteView> Take(std::size_t count);
  template <std::size_t N>
  std::optional<std::array<std::uint8_t, N>> Fixed() {
    auto bytes = Take(N);
    if (!bytes) return std::nullopt;
    std::array<std::uint8_t, N> out{};
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
  }
  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return input_.size() - offset_; }
  bool Finished() const { return offset_ == input_.size(); }

 private:
  ByteView input_;
  std::size_t offset_ = 0;
};

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool IsValidUtf8(ByteView text);

}  // namespace haven::crypto
