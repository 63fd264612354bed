// Argon2id (crypto_pwhash) for everything derived from something a person types:
// org key files, and counselor credentials (docs/protocol.md 13 and 14).
//
// These calls are slow by design (tens to hundreds of milliseconds) and allocate their
// memory cost: on the server they belong on the worker pool, never on an event loop.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/bytes.h"
#include "crypto/error.h"
#include "crypto/secret_bytes.h"

namespace haven::crypto {

struct PassphraseParams {
  std::uint32_t opslimit = 3;
  std::uint32_t memlimit = 64u << 20;  // bytes
  bool operator==(const PassphraseParams&) const = default;
};

// The floor for anything Haven stores; weaker parameters are refused (weak_parameters).
inline constexpr PassphraseParams kMinimumParams{3, 64u << 20};
// Org key files are opened rarely, offline: make guessing expensive.
inline constexpr PassphraseParams kOrgKeyParams{4, 256u << 20};
// Counselor passphrases are stretched in the browser, where memory is scarcer.
inline constexpr PassphraseParams kCounselorParams{3, 64u << 20};

inline constexpr std::size_t kSaltSize = 16;

// `out_size` bytes from passphrase and salt; weak_parameters below kMinimumParams.
Result<SecretBytes> DerivePassphraseKey(std::string_view passphrase, ByteView salt, PassphraseParams params,
                                        std::size_t out_size = 32);

// A self-describing verifier string ($argon2id$...) of a high-entropy secret, e.g. a
// counselor's login key, using interactive parameters.
std::string HashForVerification(ByteView secret);
bool MatchesVerification(std::string_view verifier, ByteView secret);

}  // namespace haven::crypto
