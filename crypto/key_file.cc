#include "crypto/key_file.h"

#include <sodium.h>

#include "crypto/sealing.h"

namespace haven::crypto {
namespace {

constexpr std::string_view kMagic = "HVK1";
constexpr std::size_t kSealedOffset = kKeyFileSize - 48;

struct Header {
  PublicKey public_key{};
  PassphraseParams params;
  ByteView salt;
  ByteView nonce_and_sealed;
};

Result<Header> ParseHeader(ByteView file, KeyFileKind kind) {
  if (file.size() != kKeyFileSize) return Fail(ErrorCode::kMalformed);
  ByteReader in(file);
  auto magic = in.Take(4);
  auto version = in.U8();
  auto got_kind = in.U8();
  auto flags = in.U16();
  if (AsText(*magic) != kMagic) return Fail(ErrorCode::kMalformed);
  if (*version != 1) return Fail(ErrorCode::kUnsupportedVersion);
  if (*got_kind != static_cast<std::uint8_t>(kind) || *flags != 0) return Fail(ErrorCode::kMalformed);
  Header header;
  header.public_key = *in.Fixed<kPublicKeySize>();
  header.params.opslimit = *in.U32();
  header.params.memlimit = *in.U32();
  header.salt = *in.Take(kSaltSize);
  header.nonce_and_sealed = *in.Take(in.remaining());
  return header;
}

}  // namespace

Result<Bytes> EncodeKeyFile(KeyFileKind kind, const SigningKey& key, std::string_view passphrase,
                            PassphraseParams params) {
  std::array<std::uint8_t, kSaltSize> salt{};
  randombytes_buf(salt.data(), salt.size());
  auto wrap_key = DerivePassphraseKey(passphrase, salt, params);
  if (!wrap_key) return std::unexpected(wrap_key.error());
  ByteWriter header;
  header.Append(kMagic).U8(1).U8(static_cast<std::uint8_t>(kind)).U16(0).Append(key.public_key());
  header.U32(params.opslimit).U32(params.memlimit).Append(salt);
  // Seal() puts its random nonce first, which is exactly nonce || sealed_seed.
  Bytes sealed = Seal(*wrap_key, key.seed().bytes(), header.bytes());
  return header.Append(sealed).Take();
}

Result<PublicKey> KeyFilePublicKey(ByteView file, KeyFileKind kind) {
  auto header = ParseHeader(file, kind);
  if (!header) return std::unexpected(header.error());
  return header->public_key;
}

Result<SigningKey> OpenKeyFile(ByteView file, KeyFileKind kind, std::string_view passphrase) {
  auto header = ParseHeader(file, kind);
  if (!header) return std::unexpected(header.error());
  auto wrap_key = DerivePassphraseKey(passphrase, header->salt, header->params);
  if (!wrap_key) return std::unexpected(wrap_key.error());
  auto seed = Open(*wrap_key, header->nonce_and_sealed, file.first(kSealedOffset - 24));
  if (!seed) return Fail(ErrorCode::kWrongPassphrase);
  SigningKey key = SigningKey::FromSeed(seed->bytes());
  if (key.public_key() != header->public_key) return Fail(ErrorCode::kMalformed);
  return key;
}

}  // namespace haven::crypto
