// Ed25519 signing keys (org root, org signing, counselor identity) and verification.
//
// The secret half lives in SecretBytes; a SigningKey is move-only. Keys are generated from a
// 32-byte seed, which is what key files and wrapped identities store.
#pragma once

#include <array>
#include <cstdint>

#include "crypto/bytes.h"
#include "crypto/secret_bytes.h"

namespace haven::crypto {

inline constexpr std::size_t kPublicKeySize = 32;
inline constexpr std::size_t kSignatureSize = 64;
inline constexpr std::size_t kSeedSize = 32;

using PublicKey = std::array<std::uint8_t, kPublicKeySize>;
using Signature = std::array<std::uint8_t, kSignatureSize>;

class SigningKey {
 public:
  static SigningKey Generate();
  // Deterministic: the same seed gives the same key (key files, test vectors).
  static SigningKey FromSeed(ByteView seed);

  const PublicKey& public_key() const { return public_key_; }
  const SecretBytes& seed() const { return seed_; }
  Signature Sign(ByteView message) const;

 private:
  SigningKey() = default;
  SecretBytes seed_;
  SecretBytes secret_key_;  // libsodium's 64-byte form: seed followed by public key
  PublicKey public_key_{};
};

bool VerifySignature(const PublicKey& key, ByteView message, ByteView signature);

}  // namespace haven::crypto
