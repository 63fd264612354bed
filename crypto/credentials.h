// A counselor's keys derived from its passphrase (docs/protocol.md 13). The server never
// sees the passphrase or the wrap key; it stores the wrapped identity seed and a verifier of
// the login key. (The browser does the same derivation; this C++ side serves tests, the
// benchmark's clients and the demo.)
#pragma once

#include <string_view>

#include "crypto/passphrase.h"
#include "crypto/signing_key.h"

namespace haven::crypto {

struct CounselorKeys {
  SecretBytes login_key;
  SecretBytes wrap_key;
};

Result<CounselorKeys> DeriveCounselorKeys(std::string_view passphrase, ByteView salt,
                                          PassphraseParams params = kCounselorParams);

// nonce:24 || Aead(wrap_key, nonce, "Haven-E2E v1 identity wrap\0" || handle, seed)
Bytes WrapIdentitySeed(const SecretBytes& wrap_key, std::string_view handle, const SecretBytes& seed);
// decrypt_failed for a wrong key or handle.
Result<SigningKey> UnwrapIdentity(const SecretBytes& wrap_key, std::string_view handle, ByteView wrapped);

}  // namespace haven::crypto
