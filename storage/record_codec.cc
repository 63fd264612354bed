#include "storage/record_codec.h"

#include <sodium.h>

namespace haven::storage {
namespace {

constexpr std::size_t kMaxFieldLength = 1 << 20;

void AppendU16(crypto::Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}
void AppendU32(crypto::Bytes& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}
void AppendU64(crypto::Bytes& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

std::uint64_t ReadU64(crypto::ByteView bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | bytes[i];
  return value;
}

bool ValidValue(FieldType type, crypto::ByteView value) {
  switch (type) {
    case FieldType::kUint: return value.size() == 8;
    case FieldType::kText: return crypto::IsValidUtf8(value);
    case FieldType::kBytes: return true;
    case FieldType::kUintList: return value.size() % 8 == 0;
    case FieldType::kTextList: {
      crypto::ByteReader reader(value);
      while (!reader.Finished()) {
        auto length = reader.U16();
        if (!length) return false;
        auto item = reader.Take(*length);
        if (!item || !crypto::IsValidUtf8(*item)) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace

RecordWriter::~RecordWriter() { sodium_memzero(bytes_.data(), bytes_.size()); }

bool RecordWriter::Begin(std::string_view field, FieldType type, std::size_t length) {
  if (error_) return false;
  const FieldDeclaration* declared = FindField(type_, field);
  if (!declared || declared->type != type) {
    error_ = Error{ErrorCode::kUndeclaredField, std::string(Declaration(type_).name) + "." + std::string(field) +
                                                    " (" + std::string(FieldTypeName(type)) + ")"};
    return false;
  }
  if (length > kMaxFieldLength) {
    error_ = Error{ErrorCode::kInvalidArgument, std::string(field) + " is longer than 1 MiB"};
    return false;
  }
  // Grow by hand so a reallocation never leaves a stray copy of earlier fields behind.
  std::size_t needed = bytes_.size() + 7 + length;
  if (needed > bytes_.capacity()) {
    crypto::Bytes larger;
    larger.reserve(std::max(needed, 2 * bytes_.capacity()));
    larger.assign(bytes_.begin(), bytes_.end());
    sodium_memzero(bytes_.data(), bytes_.size());
    bytes_.swap(larger);
  }
  AppendU16(bytes_, declared->id);
  bytes_.push_back(static_cast<std::uint8_t>(type));
  AppendU32(bytes_, static_cast<std::uint32_t>(length));
  return true;
}

RecordWriter& RecordWriter::Uint(std::string_view field, std::uint64_t value) {
  if (Begin(field, FieldType::kUint, 8)) AppendU64(bytes_, value);
  return *this;
}

RecordWriter& RecordWriter::Text(std::string_view field, std::string_view value) {
  if (!error_ && !crypto::IsValidUtf8(crypto::AsBytes(value))) {
    error_ = Error{ErrorCode::kInvalidArgument, std::string(field) + " is not UTF-8"};
  }
  if (Begin(field, FieldType::kText, value.size())) bytes_.insert(bytes_.end(), value.begin(), value.end());
  return *this;
}

RecordWriter& RecordWriter::Binary(std::string_view field, crypto::ByteView value) {
  if (Begin(field, FieldType::kBytes, value.size())) bytes_.insert(bytes_.end(), value.begin(), value.end());
  return *this;
}

RecordWriter& RecordWriter::TextList(std::string_view field, const std::vector<std::string>& value) {
  std::size_t length = 0;
  for (const auto& item : value) {
    if (!error_ && (item.size() > 0xffff || !crypto::IsValidUtf8(crypto::AsBytes(item)))) {
      error_ = Error{ErrorCode::kInvalidArgument, std::string(field) + " has an item that is not short UTF-8"};
    }
    length += 2 + item.size();
  }
  if (Begin(field, FieldType::kTextList, length)) {
    for (const auto& item : value) {
      AppendU16(bytes_, static_cast<std::uint16_t>(item.size()));
      bytes_.insert(bytes_.end(), item.begin(), item.end());
    }
  }
  return *this;
}

RecordWriter& RecordWriter::UintList(std::string_view field, const std::vector<std::uint64_t>& value) {
  if (Begin(field, FieldType::kUintList, 8 * value.size())) {
    for (std::uint64_t item : value) AppendU64(bytes_, item);
  }
  return *this;
}

Result<crypto::ByteView> RecordWriter::Finish() const {
  if (error_) return std::unexpected(*error_);
  return crypto::ByteView(bytes_);
}

Result<RecordReader> RecordReader::Parse(RecordType type, crypto::ByteView payload) {
  RecordReader record(type);
  crypto::ByteReader reader(payload);
  std::string where(Declaration(type).name);
  while (!reader.Finished()) {
    auto id = reader.U16();
    auto field_type = reader.U8();
    auto length = reader.U32();
    if (!id || !field_type || !length) return Fail(ErrorCode::kCorrupt, where + ": truncated field header");
    auto value = reader.Take(*length);
    if (!value) return Fail(ErrorCode::kCorrupt, where + ": field longer than the record");
    const FieldDeclaration* declared = FindField(type, *id);
    if (!declared) return Fail(ErrorCode::kCorrupt, where + ": undeclared field id " + std::to_string(*id));
    if (static_cast<std::uint8_t>(declared->type) != *field_type || !ValidValue(declared->type, *value)) {
      return Fail(ErrorCode::kCorrupt, where + "." + std::string(declared->name) + ": bad value");
    }
    if (!record.fields_.emplace(*id, *value).second) {
      return Fail(ErrorCode::kCorrupt, where + "." + std::string(declared->name) + ": repeated");
    }
  }
  return record;
}

std::optional<crypto::ByteView> RecordReader::Find(std::string_view field, FieldType type) const {
  const FieldDeclaration* declared = FindField(type_, field);
  if (!declared || declared->type != type) return std::nullopt;
  auto it = fields_.find(declared->id);
  if (it == fields_.end()) return std::nullopt;
  return it->second;
}

bool RecordReader::Has(std::string_view field) const {
  const FieldDeclaration* declared = FindField(type_, field);
  return declared && fields_.contains(declared->id);
}

std::uint64_t RecordReader::Uint(std::string_view field) const {
  auto value = Find(field, FieldType::kUint);
  return value ? ReadU64(*value) : 0;
}

std::string RecordReader::Text(std::string_view field) const {
  auto value = Find(field, FieldType::kText);
  return value ? std::string(crypto::AsText(*value)) : std::string();
}

crypto::Bytes RecordReader::Binary(std::string_view field) const {
  auto value = Find(field, FieldType::kBytes);
  return value ? crypto::Bytes(value->begin(), value->end()) : crypto::Bytes();
}

std::vector<std::string> RecordReader::TextList(std::string_view field) const {
  std::vector<std::string> items;
  auto value = Find(field, FieldType::kTextList);
  if (!value) return items;
  crypto::ByteReader reader(*value);
  while (!reader.Finished()) {
    auto length = reader.U16();
    items.emplace_back(crypto::AsText(*reader.Take(*length)));
  }
  return items;
}

std::vector<std::uint64_t> RecordReader::UintList(std::string_view field) const {
  std::vector<std::uint64_t> items;
  auto value = Find(field, FieldType::kUintList);
  if (!value) return items;
  for (std::size_t offset = 0; offset < value->size(); offset += 8) items.push_back(ReadU64(value->subspan(offset, 8)));
  return items;
}

std::vector<std::uint16_t> RecordReader::field_ids() const {
  std::vector<std::uint16_t> ids;
  for (const auto& [id, value] : fields_) ids.push_back(id);
  return ids;
}

}  // namespace haven::storage
