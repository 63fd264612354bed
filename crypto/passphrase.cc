#include "crypto/passphrase.h"

#include <sodium.h>

#include <cstdlib>

namespace haven::crypto {

Result<SecretBytes> DerivePassphraseKey(std::string_view passphrase, ByteView salt, PassphraseParams params,
                                        std::size_t out_size) {
  if (params.opslimit < kMinimumParams.opslimit || params.memlimit < kMinimumParams.memlimit) {
    return Fail(ErrorCode::kWeakParameters);
  }
  if (salt.size() != crypto_pwhash_SALTBYTES) return Fail(ErrorCode::kMalformed);
  SecretBytes key(out_size);
  if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt.data(), params.opslimit,
                    params.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    std::abort();  // out of memory for the memory cost: nothing sensible to continue with
  }
  return key;
}

std::string HashForVerification(ByteView secret) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, reinterpret_cast<const char*>(secret.data()), secret.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    std::abort();
  }
  return out;
}

bool MatchesVerification(std::string_view verifier, ByteView secret) {
  if (verifier.size() >= crypto_pwhash_STRBYTES) return false;
  std::string terminated(verifier);
  return crypto_pwhash_str_verify(terminated.c_str(), reinterpret_cast<const char*>(secret.data()), secret.size()) == 0;
}

}  // namespace haven::crypto
