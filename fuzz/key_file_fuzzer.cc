// Org key files (protocol.md 14): any bytes give the public key or a typed error, for either
// kind. Opening (Argon2id at 64 MiB, by design slow) is not fuzzed: it runs only after these
// checks, on the operator's own file.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "crypto/key_file.h"
#include "fuzz/fuzz_org.h"

using namespace haven;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* dir = std::getenv("HAVEN_FUZZ_SEEDS");
  if (dir) {  // sealing runs Argon2id: only when writing seeds
    const auto& org = fuzz::Org();
    auto root = crypto::EncodeKeyFile(crypto::KeyFileKind::kOrgRoot, org.root, "fuzz root passphrase");
    auto signing = crypto::EncodeKeyFile(crypto::KeyFileKind::kOrgSigning, org.signing, "fuzz signing passphrase");
    if (!root || !signing) fuzz::Finding("sealing the seeds failed");
    fuzz::WriteSeedsIfAsked({"\x01" + fuzz::Text(*root), "\x02" + fuzz::Text(*signing)});
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  auto kind = data[0] & 1 ? crypto::KeyFileKind::kOrgRoot : crypto::KeyFileKind::kOrgSigning;
  auto key = crypto::KeyFilePublicKey(crypto::ByteView(data + 1, size - 1), kind);
  if (!key && crypto::Sentence(key.error().code).empty()) fuzz::Finding("an untyped refusal");
  return 0;
}
