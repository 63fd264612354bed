#include "crypto/signing_key.h"

#include <sodium.h>

#include <cstdlib>

namespace haven::crypto {

SigningKey SigningKey::Generate() {
  SecretBytes seed = SecretBytes::Random(kSeedSize);
  return FromSeed(seed.bytes());
}

SigningKey SigningKey::FromSeed(ByteView seed) {
  if (seed.size() != kSeedSize) std::abort();  // a programming error, never input-driven
  SigningKey key;
  key.seed_ = SecretBytes::CopyOf(seed);
  key.secret_key_ = SecretBytes(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(key.public_key_.data(), key.secret_key_.data(), key.seed_.data());
  return key;
}

Signature SigningKey::Sign(ByteView message) const {
  Signature signature{};
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), secret_key_.data());
  return signature;
}

bool VerifySignature(const PublicKey& key, ByteView message, ByteView signature) {
  if (signature.size() != kSignatureSize) return false;
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), key.data()) == 0;
}

}  // namespace haven::crypto
