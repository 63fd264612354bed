#include "storage/error.h"

namespace haven::storage {
namespace {

struct Entry {
  std::string_view name;
  std::string_view sentence;
};

Entry EntryFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kCorrupt: return {"corrupt", "A stored value is damaged or does not follow the record format."};
    case ErrorCode::kWrongKey:
      return {"wrong_key", "A stored value does not open with its key: a wrong key, or bytes altered on disk."};
    case ErrorCode::kUnknownVersion:
      return {"unknown_version", "A stored value has a format version this build cannot read."};
    case ErrorCode::kShredded: return {"shredded", "The key that sealed this record has been destroyed."};
    case ErrorCode::kDiskFull: return {"disk_full", "The disk is full; nothing was written."};
    case ErrorCode::kIoError: return {"io_error", "The storage engine or the disk failed."};
    case ErrorCode::kUndeclaredField:
      return {"undeclared_field", "A record field is not declared in the storage schema."};
    case ErrorCode::kInvalidArgument: return {"invalid_argument", "The value cannot be stored as given."};
    case ErrorCode::kKeyFile: return {"key_file", "The storage key directory or a key file is unusable."};
    case ErrorCode::kDataDirectory:
      return {"data_directory", "The data directory cannot be used: missing, unsafe, or in use by another process."};
    case ErrorCode::kDataFormat:
      return {"data_format", "The data was written in an on-disk format this Haven does not open without a migration."};
  }
  return {"unknown", "Unknown storage error."};
}

}  // namespace

std::string_view CodeName(ErrorCode code) { return EntryFor(code).name; }
std::string_view Sentence(ErrorCode code) { return EntryFor(code).sentence; }

std::string Error::ToString() const {
  std::string text = std::string(CodeName(code)) + ": " + std::string(Sentence(code));
  if (!detail.empty()) text += " (" + detail + ")";
  return text;
}

}  // namespace haven::storage
