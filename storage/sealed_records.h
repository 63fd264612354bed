// SealedRecords: expiring, sealed records over any KeyValueStore (record_format.h has the
// byte format). Every value is sealed with its family's key (or, for conversations, the
// epoch key of its creation day) and bound to its family and record key; every read checks
// expiry against the injected clock first, so an expired record is never returned, whether
// or not compaction has removed it yet.
//
// What a reader sees:
//   - absent, expired, or sealed under a shredded epoch key: not found (shredded reads are
//     counted, so an operator can tell shredding from loss);
//   - a value that does not follow the format: corrupt; a newer format: unknown_version;
//     one that does not open: wrong_key. Never a crash, never the bytes.
//
// Thread-safety: all methods may be called from any thread at once (the store, key ring and
// clock are thread-safe). The referenced objects must outlive this one.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

#include "crypto/secret_bytes.h"
#include "storage/clock.h"
#include "storage/key_ring.h"
#include "storage/key_value_store.h"

namespace haven::storage {

struct Record {
  std::uint64_t created_at = 0;
  std::uint64_t expires_at = 0;
  std::uint32_t key_epoch = 0;
  crypto::SecretBytes payload;
};

// Called for each live record in key order; return false to stop. A record that cannot be
// opened arrives as its error, so the caller decides whether to skip it or stop.
using RecordVisitor = std::function<bool(ByteView key, const Result<Record>& record)>;

class SealedRecords {
 public:
  SealedRecords(KeyValueStore& store, const KeyRing& keys, const Clock& clock)
      : store_(store), keys_(keys), clock_(clock) {}
  SealedRecords(const SealedRecords&) = delete;
  SealedRecords& operator=(const SealedRecords&) = delete;

  // Seals `payload` (created now, expiring at `expires_at`, kNeverExpires for never) and
  // writes it. invalid_argument when expires_at is not in the future or the key is longer
  // than 65535 bytes; shredded when the clock is behind the epoch horizon; disk_full,
  // io_error from the store.
  Result<void> Put(Family family, ByteView key, ByteView payload, std::uint64_t expires_at, Durability durability);
  // The same, added to `batch` to be written atomically with other changes by Write.
  Result<void> AddPut(WriteBatch& batch, Family family, ByteView key, ByteView payload,
                      std::uint64_t expires_at) const;
  Result<void> Write(const WriteBatch& batch, Durability durability) { return store_.Write(batch, durability); }
  Result<void> Delete(Family family, ByteView key, Durability durability) {
    return store_.Delete(family, key, durability);
  }

  // nullopt when absent, expired or shredded.
  Result<std::optional<Record>> Get(Family family, ByteView key) const;
  // Live records of `range` in key order; expired and shredded ones are skipped.
  Result<void> ForEach(Family family, const KeyRange& range, const RecordVisitor& visit) const;

  // Reads that found a record sealed under a destroyed epoch key, since construction.
  std::uint64_t shredded_reads() const { return shredded_reads_.load(); }
  const Clock& clock() const { return clock_; }
  const KeyRing& keys() const { return keys_; }

 private:
  // nullopt for expired or shredded.
  Result<std::optional<Record>> OpenValue(Family family, ByteView key, ByteView value, std::uint64_t now) const;

  KeyValueStore& store_;
  const KeyRing& keys_;
  const Clock& clock_;
  mutable std::atomic<std::uint64_t> shredded_reads_{0};
};

}  // namespace haven::storage
