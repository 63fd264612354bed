// The byte format of every stored value, and the associated data that binds it to its place.
//
//   value  = header sealed
//   header = version:u8 created_at:u64 expires_at:u64 key_epoch:u32         (21 bytes)
//   sealed = nonce:24 XChaCha20-Poly1305(key, nonce, ad, payload)            (crypto::Seal)
//   ad     = "Haven storage v1" 0x00 family:u8 key_length:u16 record_key header
//
// Integers are big-endian; times are Unix seconds; expires_at = 2^64-1 means never. The
// header is clear text so that expiry can be enforced (on read and by the compaction
// filter) without any key; it is inside the associated data, so editing it - to revive an
// expired record, say - makes the value fail to open. Binding family and record key stops a
// value being moved to another record. key_epoch names the key: the creation day for the
// epoch-keyed families (conversations), 0 for the others.
//
// Pure functions; no state.
#pragma once

#include <cstdint>
#include <limits>

#include "crypto/bytes.h"
#include "storage/error.h"
#include "storage/family.h"

namespace haven::storage {

inline constexpr std::uint8_t kValueVersion = 1;
inline constexpr std::size_t kHeaderSize = 1 + 8 + 8 + 4;
inline constexpr std::uint64_t kNeverExpires = std::numeric_limits<std::uint64_t>::max();

struct ValueHeader {
  std::uint8_t version = kValueVersion;
  std::uint64_t created_at = 0;
  std::uint64_t expires_at = kNeverExpires;
  std::uint32_t key_epoch = 0;
  bool operator==(const ValueHeader&) const = default;
};

crypto::Bytes EncodeHeader(const ValueHeader& header);
// unknown_version for a first byte other than kValueVersion; corrupt when the value is too
// short to hold a header and a sealed payload.
Result<ValueHeader> ParseHeader(crypto::ByteView value);

crypto::Bytes AssociatedData(Family family, crypto::ByteView record_key, crypto::ByteView header);

// Expired means gone: a record is readable while now < expires_at.
constexpr bool IsExpired(const ValueHeader& header, std::uint64_t now) { return now >= header.expires_at; }

// The compaction filter's decision: drop a value that is expired, or that is sealed under
// an epoch key older than `epoch_horizon` (unreadable forever). Values it cannot parse -
// an unknown version, a damaged header - are kept: a newer build or a repair may need them,
// and reads report them.
bool ShouldDiscard(Family family, crypto::ByteView value, std::uint64_t now, std::uint32_t epoch_horizon);

}  // namespace haven::storage
