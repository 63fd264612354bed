// Stored bytes (storage/record_format.h, storage/record_codec.h): the clear header every value
// starts with, and the typed payload inside it, for each record type. What a thief or a failing
// disk can put there must give a typed error, never a crash. Input: the record type (first byte,
// 1..10), then the bytes. A header that parses encodes back to its 21 bytes; a payload that
// parses reads every declared field, and written again field by field parses to the same values.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_org.h"
#include "storage/record_codec.h"
#include "storage/record_format.h"
#include "storage/schema.h"

using namespace haven;

namespace {

std::string Payload(storage::RecordType type, auto&& fill) {
  storage::RecordWriter writer(type);
  fill(writer);
  auto bytes = writer.Finish();
  if (!bytes) fuzz::Finding("a seed record did not write");
  return std::string(bytes->begin(), bytes->end());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::vector<std::string> seeds;
  for (const auto& field : storage::FieldDeclarations()) {
    // One record per type with every declared field set.
    if (std::ranges::any_of(seeds, [&](const std::string& s) { return s[0] == static_cast<char>(field.record); })) continue;
    std::string payload = Payload(field.record, [&](storage::RecordWriter& writer) {
      for (const auto& each : storage::FieldDeclarations()) {
        if (each.record != field.record) continue;
        switch (each.type) {
          case storage::FieldType::kUint: writer.Uint(each.name, 1'800'000'000); break;
          case storage::FieldType::kText: writer.Text(each.name, "c-1"); break;
          case storage::FieldType::kBytes: writer.Binary(each.name, crypto::Bytes(16, 0x5a)); break;
          case storage::FieldType::kTextList: writer.TextList(each.name, {"bg", "en"}); break;
          case storage::FieldType::kUintList: writer.UintList(each.name, {1, 2, 3}); break;
        }
      }
    });
    seeds.push_back(static_cast<char>(field.record) + payload);
  }
  storage::ValueHeader header{storage::kValueVersion, 1'800'000'000, 1'800'086'400, 20833};
  seeds.push_back(std::string(1, '\0') + fuzz::Text(storage::EncodeHeader(header)) + std::string(60, 'n'));
  fuzz::WriteSeedsIfAsked(seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  crypto::ByteView input(data + 1, size - 1);
  if (auto header = storage::ParseHeader(input)) {
    auto encoded = storage::EncodeHeader(*header);
    if (!std::equal(encoded.begin(), encoded.end(), input.begin())) fuzz::Finding("a header does not encode back");
  }
  auto type = static_cast<storage::RecordType>(data[0] % 10 + 1);
  auto reader = storage::RecordReader::Parse(type, input);
  if (!reader) return 0;
  storage::RecordWriter writer(type);
  for (const auto& field : storage::FieldDeclarations()) {
    if (field.record != type || !reader->Has(field.name)) continue;
    switch (field.type) {
      case storage::FieldType::kUint: writer.Uint(field.name, reader->Uint(field.name)); break;
      case storage::FieldType::kText: writer.Text(field.name, reader->Text(field.name)); break;
      case storage::FieldType::kBytes: writer.Binary(field.name, reader->Binary(field.name)); break;
      case storage::FieldType::kTextList: writer.TextList(field.name, reader->TextList(field.name)); break;
      case storage::FieldType::kUintList: writer.UintList(field.name, reader->UintList(field.name)); break;
    }
  }
  auto rewritten = writer.Finish();
  if (!rewritten) return 0;  // e.g. text the reader takes but the writer refuses as too long
  auto again = storage::RecordReader::Parse(type, *rewritten);
  if (!again) fuzz::Finding("a record written from what was read does not parse");
  for (const auto& field : storage::FieldDeclarations()) {
    if (field.record != type) continue;
    if (again->Has(field.name) != reader->Has(field.name)) fuzz::Finding("a field appeared or vanished");
    if (field.type == storage::FieldType::kText && again->Text(field.name) != reader->Text(field.name)) fuzz::Finding("a text changed");
    if (field.type == storage::FieldType::kBytes && again->Binary(field.name) != reader->Binary(field.name)) fuzz::Finding("bytes changed");
  }
  return 0;
}
