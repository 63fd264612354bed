// KeyValueStore: the outside world of storage, as small as it can be. Opaque byte keys and
// values in the column families of family.h; no expiry, no sealing, no meaning. RocksDbStore
// is the real one, MemoryStore the fake for fast tests; tests/unit/storage runs one contract
// suite against both.
//
// Thread-safety: every method may be called from any thread at once. A Write applies all of
// its batch or none of it, and readers never see half a batch.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "crypto/bytes.h"
#include "storage/error.h"
#include "storage/family.h"

namespace haven::storage {

using crypto::ByteView;
using crypto::Bytes;

enum class Durability {
  // On stable storage before the call returns (fsync of the write-ahead log; concurrent
  // synced writers share one fsync). Anything acknowledged to a client is written so.
  kSynced,
  // In the write-ahead log but not yet fsynced: survives a process crash, not a power loss.
  kBuffered,
};

// Keys in [begin, end) in byte order; an empty `end` means "to the end of the family".
struct KeyRange {
  Bytes begin;
  Bytes end;
  static KeyRange All() { return {}; }
  // Every key that starts with `prefix`.
  static KeyRange Prefix(ByteView prefix);
  bool Contains(ByteView key) const;
};

// Puts and deletes applied together by KeyValueStore::Write, in order.
class WriteBatch {
 public:
  struct Operation {
    Family family;
    Bytes key;
    std::optional<Bytes> value;  // nullopt: delete
  };
  void Put(Family family, ByteView key, ByteView value);
  void Delete(Family family, ByteView key);
  const std::vector<Operation>& operations() const { return operations_; }
  bool empty() const { return operations_.empty(); }

 private:
  std::vector<Operation> operations_;
};

// Called with each record in key order; return false to stop early. The views are valid
// only during the call.
using RawVisitor = std::function<bool(ByteView key, ByteView value)>;

class KeyValueStore {
 public:
  virtual ~KeyValueStore() = default;

  // Errors: disk_full (nothing applied), io_error.
  virtual Result<void> Put(Family family, ByteView key, ByteView value, Durability durability) = 0;
  // nullopt when absent. Errors: corrupt (a damaged block), io_error.
  virtual Result<std::optional<Bytes>> Get(Family family, ByteView key) const = 0;
  // Deleting an absent key succeeds.
  virtual Result<void> Delete(Family family, ByteView key, Durability durability) = 0;
  // All of the batch or none of it.
  virtual Result<void> Write(const WriteBatch& batch, Durability durability) = 0;
  // Visits the records of `range` in key order, from a consistent view taken at the call.
  virtual Result<void> ForEach(Family family, const KeyRange& range, const RawVisitor& visit) const = 0;
};

}  // namespace haven::storage
