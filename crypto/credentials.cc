#include "crypto/credentials.h"

#include "crypto/sealing.h"

namespace haven::crypto {
namespace {

Bytes WrapAssociatedData(std::string_view handle) {
  return ByteWriter().Label("Haven-E2E v1 identity wrap").Append(handle).Take();
}

}  // namespace

Result<CounselorKeys> DeriveCounselorKeys(std::string_view passphrase, ByteView salt, PassphraseParams params) {
  auto master = DerivePassphraseKey(passphrase, salt, params);
  if (!master) return std::unexpected(master.error());
  return CounselorKeys{DeriveSubkey(*master, 1, "HVNlogin"), DeriveSubkey(*master, 2, "HVNwrap_")};
}

Bytes WrapIdentitySeed(const SecretBytes& wrap_key, std::string_view handle, const SecretBytes& seed) {
  return Seal(wrap_key, seed.bytes(), WrapAssociatedData(handle));
}

Result<SigningKey> UnwrapIdentity(const SecretBytes& wrap_key, std::string_view handle, ByteView wrapped) {
  auto seed = Open(wrap_key, wrapped, WrapAssociatedData(handle));
  if (!seed) return std::unexpected(seed.error());
  if (seed->size() != kSeedSize) return Fail(ErrorCode::kMalformed);
  return SigningKey::FromSeed(seed->bytes());
}

}  // namespace haven::crypto
