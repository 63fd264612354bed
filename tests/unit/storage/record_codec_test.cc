#include "storage/record_codec.h"

#include <gtest/gtest.h>

namespace haven::storage {
namespace {

using crypto::Bytes;

TEST(RecordCodec, RoundTripsEveryFieldType) {
  RecordWriter writer(RecordType::kAccount);
  writer.Text("handle", "maria")
      .Uint("max_chats", 3)
      .Binary("salt", Bytes{0, 1, 2})
      .TextList("languages", {"bg", "en", ""});
  auto payload = writer.Finish();
  ASSERT_TRUE(payload) << payload.error().ToString();
  auto reader = RecordReader::Parse(RecordType::kAccount, *payload);
  ASSERT_TRUE(reader) << reader.error().ToString();
  EXPECT_EQ(reader->Text("handle"), "maria");
  EXPECT_EQ(reader->Uint("max_chats"), 3u);
  EXPECT_EQ(reader->Binary("salt"), (Bytes{0, 1, 2}));
  EXPECT_EQ(reader->TextList("languages"), (std::vector<std::string>{"bg", "en", ""}));
  EXPECT_FALSE(reader->Has("skills"));
  EXPECT_TRUE(reader->TextList("skills").empty());
  EXPECT_EQ(reader->Uint("failed_logins"), 0u);

  RecordWriter histogram(RecordType::kStatsHistogram);
  histogram.UintList("buckets", {1, 0, 1ull << 40});
  auto list = RecordReader::Parse(RecordType::kStatsHistogram, *histogram.Finish());
  ASSERT_TRUE(list);
  EXPECT_EQ(list->UintList("buckets"), (std::vector<std::uint64_t>{1, 0, 1ull << 40}));
}

TEST(RecordCodec, WritingAnUndeclaredFieldIsRefused) {
  RecordWriter writer(RecordType::kConversation);
  writer.Text("language", "bg").Text("visitor_ip", "127.0.0.1").Text("lane", "urgent");
  auto payload = writer.Finish();
  ASSERT_FALSE(payload);
  EXPECT_EQ(payload.error().code, ErrorCode::kUndeclaredField);
  EXPECT_NE(payload.error().detail.find("visitor_ip"), std::string::npos);
}

TEST(RecordCodec, WritingADeclaredFieldWithTheWrongTypeIsRefused) {
  RecordWriter writer(RecordType::kConversation);
  writer.Text("queued_at", "yesterday");
  EXPECT_EQ(writer.Finish().error().code, ErrorCode::kUndeclaredField);
}

TEST(RecordCodec, TextMustBeUtf8) {
  RecordWriter writer(RecordType::kSession);
  writer.Text("handle", "\xff\xfe");
  EXPECT_EQ(writer.Finish().error().code, ErrorCode::kInvalidArgument);
}

Bytes Field(std::uint16_t id, std::uint8_t type, Bytes value) {
  return crypto::ByteWriter().U16(id).U8(type).U32(static_cast<std::uint32_t>(value.size())).Append(value).Take();
}

TEST(RecordCodec, ReadingRefusesWhatTheSchemaDoesNotAllow) {
  auto code = [](const Bytes& payload) {
    auto reader = RecordReader::Parse(RecordType::kSession, payload);
    return reader ? std::optional<ErrorCode>() : reader.error().code;
  };
  Bytes handle = Field(1, 2, {'a'});
  EXPECT_EQ(code(handle), std::nullopt);
  EXPECT_EQ(code(Field(99, 2, {'a'})), ErrorCode::kCorrupt) << "undeclared id";
  EXPECT_EQ(code(Field(1, 3, {'a'})), ErrorCode::kCorrupt) << "wrong type";
  EXPECT_EQ(code(Field(1, 2, {0xff})), ErrorCode::kCorrupt) << "not UTF-8";
  Bytes twice = handle;
  twice.insert(twice.end(), handle.begin(), handle.end());
  EXPECT_EQ(code(twice), ErrorCode::kCorrupt) << "repeated";
  Bytes truncated(handle.begin(), handle.end() - 1);
  EXPECT_EQ(code(truncated), ErrorCode::kCorrupt);
  EXPECT_EQ(code(Bytes{0, 1}), ErrorCode::kCorrupt);
  EXPECT_EQ(code({}), std::nullopt) << "an empty record has every field absent";
  auto uint_code = [](const Bytes& payload) {
    auto reader = RecordReader::Parse(RecordType::kStatsCounter, payload);
    return reader ? std::optional<ErrorCode>() : reader.error().code;
  };
  EXPECT_EQ(uint_code(Field(1, 1, Bytes(7, 0))), ErrorCode::kCorrupt) << "a uint is 8 bytes";
}

// Any byte string parses to a record or an error (a cheap stand-in for the fuzzer).
TEST(RecordCodec, ArbitraryBytesNeverCrashTheReader) {
  std::uint64_t state = 42;
  for (int round = 0; round < 20000; ++round) {
    Bytes payload(static_cast<std::size_t>(state % 40));
    for (auto& byte : payload) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      byte = static_cast<std::uint8_t>(state >> 56);
    }
    if (payload.size() >= 3) payload[2] = static_cast<std::uint8_t>(1 + payload[2] % 5);
    for (auto type : {RecordType::kAccount, RecordType::kStatsHistogram, RecordType::kAuditEntry}) {
      auto reader = RecordReader::Parse(type, payload);
      if (reader) (void)reader->TextList("languages");
    }
  }
}

}  // namespace
}  // namespace haven::storage
