#include "crypto/bytes.h"

namespace haven::crypto {

std::string ToHex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::optional<Bytes> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int high = digit(hex[2 * i]), low = digit(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return out;
}

ByteWriter& ByteWriter::U8(std::uint8_t value) {
  bytes_.push_back(value);
  return *this;
}
ByteWriter& ByteWriter::U16(std::uint16_t value) {
  return U8(static_cast<std::uint8_t>(value >> 8)).U8(static_cast<std::uint8_t>(value));
}
ByteWriter& ByteWriter::U32(std::uint32_t value) {
  return U16(static_cast<std::uint16_t>(value >> 16)).U16(static_cast<std::uint16_t>(value));
}
ByteWriter& ByteWriter::U64(std::uint64_t value) {
  return U32(static_cast<std::uint32_t>(value >> 32)).U32(static_cast<std::uint32_t>(value));
}
ByteWriter& ByteWriter::Append(ByteView bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return *this;
}
ByteWriter& ByteWriter::Label(std::string_view text) { return Append(text).U8(0); }

std::optional<std::uint8_t> ByteReader::U8() {
  if (remaining() < 1) return std::nullopt;
  return input_[offset_++];
}
std::optional<std::uint16_t> ByteReader::U16() {
  if (remaining() < 2) return std::nullopt;
  std::uint16_t value = static_cast<std::uint16_t>(input_[offset_] << 8 | input_[offset_ + 1]);
  offset_ += 2;
  return value;
}
std::optional<std::uint32_t> ByteReader::U32() {
  if (remaining() < 4) return std::nullopt;
  std::uint32_t high = *U16(), low = *U16();
  return high << 16 | low;
}
std::optional<std::uint64_t> ByteReader::U64() {
  if (remaining() < 8) return std::nullopt;
  std::uint64_t high = *U32(), low = *U32();
  return high << 32 | low;
}
std::optional<ByteView> ByteReader::Take(std::size_t count) {
  if (remaining() < count) return std::nullopt;
  ByteView out = input_.subspan(offset_, count);
  offset_ += count;
  return out;
}

bool IsValidUtf8(ByteView text) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint8_t c = text[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length;
    std::uint32_t code;
    if ((c & 0xE0) == 0xC0) {
      length = 2;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((text[i + k] & 0xC0) != 0x80) return false;
      code = code << 6 | (text[i + k] & 0x3F);
    }
    static constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

}  // namespace haven::crypto
