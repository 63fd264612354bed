#include "crypto/sealing.h"

#include <sodium.h>

#include <cstdlib>

namespace haven::crypto {

static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES ==
              kSealOverhead);

Bytes Seal(const SecretBytes& key, ByteView plaintext, ByteView associated_data) {
  Bytes sealed(kSealOverhead + plaintext.size());
  std::uint8_t* nonce = sealed.data();
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(sealed.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &length,
                                             plaintext.data(), plaintext.size(), associated_data.data(),
                                             associated_data.size(), nullptr, nonce, key.data());
  return sealed;
}

Result<SecretBytes> Open(const SecretBytes& key, ByteView sealed, ByteView associated_data) {
  if (sealed.size() < kSealOverhead) return Fail(ErrorCode::kMalformed);
  SecretBytes plaintext(sealed.size() - kSealOverhead);
  unsigned long long length = 0;
  const std::uint8_t* nonce = sealed.data();
  ByteView ciphertext = sealed.subspan(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  // libsodium may write into a zero-length output; give it a valid pointer either way.
  std::uint8_t scratch = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plaintext.empty() ? &scratch : plaintext.data(), &length, nullptr,
                                                 ciphertext.data(), ciphertext.size(), associated_data.data(),
                                                 associated_data.size(), nonce, key.data()) != 0) {
    return Fail(ErrorCode::kDecryptFailed);
  }
  return plaintext;
}

SecretBytes DeriveSubkey(const SecretBytes& master, std::uint64_t id, std::string_view context) {
  if (context.size() != crypto_kdf_CONTEXTBYTES || master.size() != crypto_kdf_KEYBYTES) std::abort();
  SecretBytes subkey(32);
  crypto_kdf_derive_from_key(subkey.data(), subkey.size(), id, context.data(), master.data());
  return subkey;
}

std::array<std::uint8_t, 32> KeyedName(const SecretBytes& key, std::string_view label, ByteView data) {
  return KeyedHash(key.bytes(), ByteWriter().Label(label).Append(data).bytes());
}

SecretBytes NextEpochKey(const SecretBytes& key) {
  ByteWriter input;
  input.Label("Haven epoch ratchet").Append(key.bytes());
  SecretBytes next(32);
  crypto_generichash(next.data(), next.size(), input.bytes().data(), input.bytes().size(), nullptr, 0);
  Bytes scrub = input.Take();
  sodium_memzero(scrub.data(), scrub.size());
  return next;
}

SecretBytes AdvanceEpochKey(const SecretBytes& key, std::uint32_t from, std::uint32_t to) {
  SecretBytes current = SecretBytes::CopyOf(key.bytes());
  for (std::uint32_t day = from; day < to; ++day) current = NextEpochKey(current);
  return current;
}

}  // namespace haven::crypto
