// Passphrase-protected org key files (docs/protocol.md 14):
//
//   key_file = "HVK1" version:u8 kind:u8 flags:u16 public_key:32 opslimit:u32 memlimit:u32
//              salt:16 nonce:24 sealed_seed:48
//   sealed_seed = Aead(Argon2id(passphrase, salt, opslimit, memlimit), nonce,
//                      ad = every byte before nonce, seed:32)
//
// The public key is readable without the passphrase so `haven` can print fingerprints and
// serve the root key without unlocking anything. Reading and writing the file (mode 0600) is
// the caller's job: this module does no I/O.
#pragma once

#include "crypto/passphrase.h"
#include "crypto/signing_key.h"

namespace haven::crypto {

enum class KeyFileKind : std::uint8_t { kOrgRoot = 1, kOrgSigning = 2 };

inline constexpr std::size_t kKeyFileSize = 4 + 1 + 1 + 2 + 32 + 4 + 4 + 16 + 24 + 48;

Result<Bytes> EncodeKeyFile(KeyFileKind kind, const SigningKey& key, std::string_view passphrase,
                            PassphraseParams params = kOrgKeyParams);
// The public key, without the passphrase. malformed / unsupported_version / wrong kind = malformed.
Result<PublicKey> KeyFilePublicKey(ByteView file, KeyFileKind kind);
// weak_parameters, wrong_passphrase, or malformed when the seed does not match the public key.
Result<SigningKey> OpenKeyFile(ByteView file, KeyFileKind kind, std::string_view passphrase);

}  // namespace haven::crypto
