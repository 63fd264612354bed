#include "crypto/secret_bytes.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <utility>

namespace haven::crypto {

bool InitSodium() { return sodium_init() >= 0; }

SecretBytes::SecretBytes(std::size_t size) : size_(size) {
  if (size == 0) return;
  // sodium_malloc needs an initialised library; do it here so no caller can forget.
  static const bool initialised = InitSodium();
  if (!initialised) std::abort();
  data_ = static_cast<std::uint8_t*>(sodium_malloc(size));
  if (!data_) std::abort();
  std::memset(data_, 0, size);
}

SecretBytes SecretBytes::Random(std::size_t size) {
  SecretBytes secret(size);
  if (size) randombytes_buf(secret.data_, size);
  return secret;
}

SecretBytes SecretBytes::CopyOf(std::span<const std::uint8_t> bytes) {
  SecretBytes secret(bytes.size());
  if (!bytes.empty()) std::memcpy(secret.data_, bytes.data(), bytes.size());
  return secret;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    if (data_) sodium_free(data_);  // sodium_free wipes before freeing
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretBytes::~SecretBytes() {
  if (data_) sodium_free(data_);
}

bool SecretBytes::Equals(std::span<const std::uint8_t> other) const {
  if (other.size() != size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(data_, other.data(), size_) == 0;
}

}  // namespace haven::crypto
