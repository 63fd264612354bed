// The payload of a typed record: a small TLV of fields declared in schema.h.
//
//   payload = field*                       each id at most once, any order
//   field   = id:u16 type:u8 length:u32 value
//   value   = u64                          uint (length 8)
//           | UTF-8 bytes                  text
//           | bytes                        bytes
//           | (length:u16 UTF-8 bytes)*    text list
//           | u64*                         uint list (length a multiple of 8)
//
// RecordWriter refuses a field the schema does not declare for the record type (or
// declares with another type): that is how the schema stays the complete list of what is
// persisted. RecordReader refuses undeclared ids, repeated ids, wrong types and broken
// lengths as corrupt. Absent fields read as empty or zero.
//
// Payloads hold secrets (login verifiers, wrapped keys): the writer wipes its buffer when
// destroyed.
//
// Thread-safety: none needed; each object is used by one thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.h"
#include "storage/error.h"
#include "storage/schema.h"

namespace haven::storage {

class RecordWriter {
 public:
  explicit RecordWriter(RecordType type) : type_(type) {}
  ~RecordWriter();
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  RecordWriter& Uint(std::string_view field, std::uint64_t value);
  RecordWriter& Text(std::string_view field, std::string_view value);
  RecordWriter& Binary(std::string_view field, crypto::ByteView value);
  RecordWriter& TextList(std::string_view field, const std::vector<std::string>& value);
  RecordWriter& UintList(std::string_view field, const std::vector<std::uint64_t>& value);

  // The payload, valid while the writer lives. undeclared_field naming the first field the
  // schema does not declare; invalid_argument for text that is not UTF-8 or is too long.
  Result<crypto::ByteView> Finish() const;

 private:
  // Appends the field header, or records the first error.
  bool Begin(std::string_view field, FieldType type, std::size_t length);

  RecordType type_;
  crypto::Bytes bytes_;
  std::optional<Error> error_;
};

class RecordReader {
 public:
  // Views into `payload`, which must outlive the reader. corrupt on any breach of the grammar
  // or the schema.
  static Result<RecordReader> Parse(RecordType type, crypto::ByteView payload);

  bool Has(std::string_view field) const;
  std::uint64_t Uint(std::string_view field) const;
  std::string Text(std::string_view field) const;
  crypto::Bytes Binary(std::string_view field) const;
  std::vector<std::string> TextList(std::string_view field) const;
  std::vector<std::uint64_t> UintList(std::string_view field) const;
  // The ids present, in increasing order (the schema test reads them).
  std::vector<std::uint16_t> field_ids() const;

 private:
  explicit RecordReader(RecordType type) : type_(type) {}
  std::optional<crypto::ByteView> Find(std::string_view field, FieldType type) const;

  RecordType type_;
  std::map<std::uint16_t, crypto::ByteView> fields_;
};

}  // namespace haven::storage
