// Key material in memory: allocated with sodium_malloc (guard pages, locked against swap
// where the system allows), wiped on destruction, move-only, and never printable.
//
// Thread-safety: like a std::vector: distinct objects are independent; one object must not
// be used from two threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace haven::crypto {

// Must be called once before any other crypto function; safe to call again. Returns false
// when libsodium cannot initialise (no usable random source).
bool InitSodium();

class SecretBytes {
 public:
  SecretBytes() = default;
  // `size` zero bytes. Aborts if the secure allocation fails: running on without a secure
  // buffer for a key would be worse than stopping.
  explicit SecretBytes(std::size_t size);
  static SecretBytes Random(std::size_t size);
  static SecretBytes CopyOf(std::span<const std::uint8_t> bytes);

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  std::span<std::uint8_t> bytes() { return {data_, size_}; }
  std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Constant-time comparison.
  bool Equals(std::span<const std::uint8_t> other) const;

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace haven::crypto
