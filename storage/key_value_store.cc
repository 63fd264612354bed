#include "storage/key_value_store.h"

#include <algorithm>

namespace haven::storage {

KeyRange KeyRange::Prefix(ByteView prefix) {
  KeyRange range{Bytes(prefix.begin(), prefix.end()), Bytes(prefix.begin(), prefix.end())};
  // The end is the smallest key greater than every key with the prefix: drop trailing 0xff
  // bytes and increment the last one. A prefix of only 0xff bytes (or none) has no end.
  while (!range.end.empty() && range.end.back() == 0xff) range.end.pop_back();
  if (!range.end.empty()) ++range.end.back();
  return range;
}

bool KeyRange::Contains(ByteView key) const {
  bool after_begin = !std::ranges::lexicographical_compare(key, begin);
  bool before_end = end.empty() || std::ranges::lexicographical_compare(key, end);
  return after_begin && before_end;
}

void WriteBatch::Put(Family family, ByteView key, ByteView value) {
  operations_.push_back({family, Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end())});
}

void WriteBatch::Delete(Family family, ByteView key) {
  operations_.push_back({family, Bytes(key.begin(), key.end()), std::nullopt});
}

}  // namespace haven::storage
