// Sealing records at rest, and the keys they are sealed with.
//
//   sealed = nonce:24 || XChaCha20-Poly1305-IETF(key, nonce, associated_data, plaintext)
//
// The associated data is not stored; the caller supplies it again to open (storage binds the
// record's key, family and header this way, so a sealed value cannot be moved elsewhere).
#pragma once

#include <cstdint>
#include <string_view>

#include "crypto/bytes.h"
#include "crypto/error.h"
#include "crypto/hash.h"
#include "crypto/secret_bytes.h"

namespace haven::crypto {

inline constexpr std::size_t kSealKeySize = 32;
inline constexpr std::size_t kSealOverhead = 24 + 16;

Bytes Seal(const SecretBytes& key, ByteView plaintext, ByteView associated_data);
// decrypt_failed for a wrong key, wrong associated data or any altered byte; malformed when
// too short to be sealed.
Result<SecretBytes> Open(const SecretBytes& key, ByteView sealed, ByteView associated_data);

// A 32-byte subkey for one purpose (crypto_kdf): `context` is exactly 8 characters.
SecretBytes DeriveSubkey(const SecretBytes& master, std::uint64_t id, std::string_view context);

// H_k(key, label || data): names records by a keyed hash instead of a raw id, so the data dir
// alone does not link a record to a chat.
std::array<std::uint8_t, 32> KeyedName(const SecretBytes& key, std::string_view label, ByteView data);

// Crypto-shredding: epoch keys ratchet forward one way, K[d+1] = H("Haven epoch ratchet\0" || K[d]).
// Keeping only the oldest key still inside retention makes every earlier day unreadable.
SecretBytes NextEpochKey(const SecretBytes& key);
// K[to] from K[from]; from <= to.
SecretBytes AdvanceEpochKey(const SecretBytes& key, std::uint32_t from, std::uint32_t to);

}  // namespace haven::crypto
