// The storage module's errors: one code per way reading or writing a record can fail, each
// with one sentence. A bad value on disk is always one of these, never a crash.
//
// Not found is not an error: reads return an empty optional for a missing, expired or
// shredded record.
//
// Plain values; thread-safe.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace haven::storage {

enum class ErrorCode {
  kCorrupt,          // the bytes do not follow the value grammar, or RocksDB found a bad block
  kWrongKey,         // the value does not open with its key (wrong key or altered bytes)
  kUnknownVersion,   // a value version this build does not read
  kShredded,         // sealed under an epoch key that no longer exists
  kDiskFull,         // no space left: the write was not applied; the server answers BUSY
  kIoError,          // any other failure of the disk or of RocksDB
  kUndeclaredField,  // a typed store tried to persist a field schema.cc does not declare
  kInvalidArgument,  // the caller passed something storage refuses to persist
  kKeyFile,          // the key directory or a key file is missing, unsafe or malformed
  kDataDirectory,    // the data directory is missing, unsafe or in use by another process
  kDataFormat,       // the data was written in another on-disk format (data_format.h)
};

// The code's stable name, e.g. "wrong_key", for logs and tests.
std::string_view CodeName(ErrorCode code);
// One sentence saying what happened.
std::string_view Sentence(ErrorCode code);

struct Error {
  ErrorCode code;
  // What and where, for an operator: a path, a family, RocksDB's status. Never record
  // contents, keys or chat ids.
  std::string detail;
  // "wrong_key: The stored value does not open with its key. (conversations)"
  std::string ToString() const;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string detail = {}) {
  return std::unexpected(Error{code, std::move(detail)});
}

}  // namespace haven::storage
