// Cost of sealed storage at the sizes Haven stores, on real RocksDB in a temporary
// directory on the disk the benchmark runs from (synced writes measure that disk's fsync),
// and the disk space 10,000 conversations take.
//   build/release/bench/storage_bench
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "crypto/sealing.h"
#include "storage/conversation_store.h"
#include "storage/record_format.h"
#include "storage/rocksdb_store.h"
#include "storage/sealed_records.h"

namespace haven::storage {
namespace {

constexpr std::uint64_t kNow = 1'750'000'000;
constexpr std::size_t kPayload = 200;  // a conversation record's payload is about this size

class BenchDatabase {
 public:
  BenchDatabase() {
    crypto::InitSodium();
    std::string pattern = (std::filesystem::temp_directory_path() / "haven-bench-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    dir_ = pattern;
    RocksDbOptions options;
    options.discard = [this](Family family, ByteView value) {
      return ShouldDiscard(family, value, clock_.NowSeconds(), keys_->horizon_day());
    };
    store_ = std::move(*RocksDbStore::Open(dir_ / "db", std::move(options)));
    records_ = std::make_unique<SealedRecords>(*store_, *keys_, clock_);
  }
  ~BenchDatabase() {
    records_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  SealedRecords& records() { return *records_; }
  RocksDbStore& store() { return *store_; }
  ManualClock& clock() { return clock_; }

 private:
  std::filesystem::path dir_;
  ManualClock clock_{kNow};
  std::unique_ptr<KeyRing> keys_ = KeyRing::InMemory(clock_.Today());
  std::unique_ptr<RocksDbStore> store_;
  std::unique_ptr<SealedRecords> records_;
};

Bytes Key(std::uint64_t n) { return crypto::ByteWriter().U64(n).Take(); }

// Seal + RocksDB write; state.range(0): 1 = synced (fsync per write), 0 = buffered.
void BM_SealedPut(benchmark::State& state) {
  BenchDatabase database;
  Durability durability = state.range(0) ? Durability::kSynced : Durability::kBuffered;
  Bytes payload(kPayload, 0x42);
  std::uint64_t n = 0;
  for (auto _ : state) {
    auto written = database.records().Put(Family::kConversations, Key(n++), payload, kNow + 86400, durability);
    if (!written) state.SkipWithError(written.error().ToString().c_str());
  }
}
BENCHMARK(BM_SealedPut)->Arg(1)->ArgName("synced")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SealedPut)->Arg(0)->ArgName("buffered")->Unit(benchmark::kMicrosecond);

// RocksDB read + expiry check + open, of 10,000 live records in random order.
void BM_SealedGet(benchmark::State& state) {
  BenchDatabase database;
  Bytes payload(kPayload, 0x42);
  constexpr std::uint64_t kRecords = 10000;
  for (std::uint64_t n = 0; n < kRecords; ++n) {
    (void)database.records().Put(Family::kConversations, Key(n), payload, kNow + 86400, Durability::kBuffered);
  }
  std::mt19937_64 random(1);
  for (auto _ : state) {
    auto read = database.records().Get(Family::kConversations, Key(random() % kRecords));
    if (!read || !*read) state.SkipWithError("record missing");
    benchmark::DoNotOptimize(read);
  }
}
BENCHMARK(BM_SealedGet)->Unit(benchmark::kMicrosecond);

// A read that finds an expired record: RocksDB read + header check, nothing opened.
void BM_GetExpired(benchmark::State& state) {
  BenchDatabase database;
  Bytes payload(kPayload, 0x42);
  constexpr std::uint64_t kRecords = 10000;
  for (std::uint64_t n = 0; n < kRecords; ++n) {
    (void)database.records().Put(Family::kConversations, Key(n), payload, kNow + 60, Durability::kBuffered);
  }
  database.clock().Advance(60);
  std::mt19937_64 random(1);
  for (auto _ : state) {
    auto read = database.records().Get(Family::kConversations, Key(random() % kRecords));
    if (!read || *read) state.SkipWithError("an expired record was returned");
  }
}
BENCHMARK(BM_GetExpired)->Unit(benchmark::kMicrosecond);

// The expiry check alone: parse the clear header and compare with now.
void BM_ExpiryCheck(benchmark::State& state) {
  Bytes value = EncodeHeader({kValueVersion, kNow, kNow + 86400, 0});
  value.resize(value.size() + crypto::kSealOverhead + kPayload);
  std::uint64_t now = kNow;
  for (auto _ : state) {
    auto header = ParseHeader(value);
    benchmark::DoNotOptimize(header && IsExpired(*header, now++));
  }
}
BENCHMARK(BM_ExpiryCheck)->Unit(benchmark::kNanosecond);

// Disk space of 10,000 conversations with realistic metadata, after compaction.
void BM_DiskBytesPer10kConversations(benchmark::State& state) {
  for (auto _ : state) {
    BenchDatabase database;
    ConversationStore conversations(database.records(), RetentionSettings{});
    std::mt19937_64 random(7);
    for (int i = 0; i < 10000; ++i) {
      ConversationRecord record;
      record.chat_id.resize(16);
      for (auto& byte : record.chat_id) byte = static_cast<std::uint8_t>(random());
      record.state = ConversationState::kEnded;
      record.queued_at = kNow - 3600;
      record.accepted_at = kNow - 3000;
      record.ended_at = kNow - 600;
      record.lane = "normal";
      record.language = "bg";
      record.age_band = "18-25";
      record.counselor_handle = "counselor-" + std::to_string(random() % 40);
      record.outcome = "referred";
      record.resume_verifier.resize(32);
      for (auto& byte : record.resume_verifier) byte = static_cast<std::uint8_t>(random());
      if (!conversations.Put(record, Durability::kBuffered)) state.SkipWithError("put failed");
    }
    if (!database.store().Compact(Family::kConversations)) state.SkipWithError("compaction failed");
    std::uint64_t tables = 0;
    for (const auto& entry : std::filesystem::directory_iterator(database.store().path())) {
      if (entry.path().extension() == ".sst") tables += entry.file_size();
    }
    state.counters["table_bytes"] = static_cast<double>(tables);
    state.counters["all_file_bytes"] = static_cast<double>(database.store().DiskBytes());
    state.counters["table_bytes_per_conversation"] = static_cast<double>(tables) / 10000;
  }
}
BENCHMARK(BM_DiskBytesPer10kConversations)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace haven::storage

BENCHMARK_MAIN();
