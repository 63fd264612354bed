// The storage schema: the one table of everything Haven persists. Each record type names
// its family, the grammar of its record key and the config field that bounds how long it
// is kept; each field names its record type, a stable id and a type. The record codec
// refuses to write a field that is not declared here, and tests/unit/storage/schema_test.cc
// proves that every field every typed store writes is declared, so nothing reaches the disk
// without appearing in this table.
//
// Besides these payload fields, every value carries the clear header of record_format.h:
// version, created_at, expires_at and key_epoch (kHeaderFields).
//
// Field ids are persisted: never reuse or renumber one; add new ids instead.
//
// Immutable tables; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "storage/family.h"

namespace haven::storage {

enum class FieldType : std::uint8_t {
  kUint = 1,      // u64
  kText = 2,      // UTF-8
  kBytes = 3,     // opaque bytes
  kTextList = 4,  // a list of UTF-8 strings
  kUintList = 5,  // a list of u64
};

enum class RecordType : std::uint8_t {
  kAccount = 1,
  kSession = 2,
  kTicket = 3,
  kConversation = 4,
  kStatsCounter = 5,
  kStatsHistogram = 6,
  kAuditEntry = 7,
  kAuditHead = 8,
  kDuty = 9,
  kStatsWeek = 10,
};

struct RecordDeclaration {
  RecordType type;
  std::string_view name;
  Family family;
  std::string_view key;  // the record key's grammar
  // The config field that sets the record's expiry, or "none: " and the reason it has none.
  std::string_view retention;
};

struct FieldDeclaration {
  RecordType record;
  std::uint16_t id;
  std::string_view name;
  FieldType type;
};

inline constexpr std::array<std::string_view, 4> kHeaderFields = {"version", "created_at", "expires_at",
                                                                  "key_epoch"};

std::span<const RecordDeclaration> RecordDeclarations();
std::span<const FieldDeclaration> FieldDeclarations();

const RecordDeclaration& Declaration(RecordType type);
// nullptr when `type` has no such field.
const FieldDeclaration* FindField(RecordType type, std::string_view name);
const FieldDeclaration* FindField(RecordType type, std::uint16_t id);

std::string_view FieldTypeName(FieldType type);

}  // namespace haven::storage
