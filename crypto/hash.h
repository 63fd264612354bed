// BLAKE2b-256 (crypto_generichash), plain and keyed: the one hash of Haven-E2E v1.
#pragma once

#include <array>
#include <cstdint>

#include "crypto/bytes.h"

namespace haven::crypto {

using Digest = std::array<std::uint8_t, 32>;

Digest Hash(ByteView message);
// `key` is 16..64 bytes (Haven always uses 32).
Digest KeyedHash(ByteView key, ByteView message);

}  // namespace haven::crypto
