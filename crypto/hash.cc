#include "crypto/hash.h"

#include <sodium.h>

namespace haven::crypto {

Digest Hash(ByteView message) {
  Digest out{};
  crypto_generichash(out.data(), out.size(), message.data(), message.size(), nullptr, 0);
  return out;
}

Digest KeyedHash(ByteView key, ByteView message) {
  Digest out{};
  crypto_generichash(out.data(), out.size(), message.data(), message.size(), key.data(), key.size());
  return out;
}

}  // namespace haven::crypto
