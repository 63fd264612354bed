// Power loss: a writer thread stores sealed records and notes each one the store
// acknowledged; the main thread cuts the power at a random moment (FaultFileSystem drops
// every byte not synced), then the database is reopened on the surviving bytes. Synced
// writes must lose nothing that was acknowledged. The same harness with buffered writes
// must detect loss - proof that the harness can fail.
#include <gtest/gtest.h>
#include <rocksdb/env.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "storage/record_format.h"
#include "storage/rocksdb_store.h"
#include "storage/sealed_records.h"
#include "tests/integration/storage/fault_file_system.h"
#include "tests/unit/storage/temp_dir.h"

namespace haven::storage {
namespace {

constexpr int kIterations = 12;
constexpr std::uint32_t kMaxWritesPerIteration = 600;  // keeps the checks cheap

Bytes PayloadFor(std::uint32_t n) {
  Bytes payload(40 + n % 300);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(n * 31 + i);
  return payload;
}

Bytes KeyFor(std::uint32_t n) { return crypto::ByteWriter().U32(n).Take(); }

struct Outcome {
  std::size_t acknowledged = 0;
  std::size_t lost = 0;
  std::size_t corrupt = 0;
  std::size_t failed_reopens = 0;
};

// Runs the crash-and-recover loop with the given durability for acknowledged writes.
Outcome RunPowerLosses(Durability durability, std::uint64_t seed) {
  EXPECT_TRUE(crypto::InitSodium());
  testing::TempDir dir;
  ManualClock clock(1'750'000'000);
  auto keys = KeyRing::InMemory(clock.Today());
  auto fs = std::make_shared<testing::FaultFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  RocksDbOptions options;
  options.env = env.get();
  options.write_buffer_bytes = 64 << 10;  // small memtables: flushes happen while writing
  options.discard = [&](Family family, ByteView value) {
    return ShouldDiscard(family, value, clock.NowSeconds(), keys->horizon_day());
  };

  std::mt19937_64 random(seed);
  Outcome outcome;
  std::map<std::uint32_t, bool> acknowledged;  // key -> acknowledged
  std::uint32_t next_key = 0;
  for (int iteration = 0; iteration <= kIterations; ++iteration) {
    auto store = RocksDbStore::Open(dir.path() / "db", options);
    if (!store) {
      ++outcome.failed_reopens;
      ADD_FAILURE() << store.error().ToString();
      break;
    }
    // Every record acknowledged so far must be there, whole.
    SealedRecords records(**store, *keys, clock);
    for (const auto& [n, acked] : acknowledged) {
      auto read = records.Get(n % 2 ? Family::kConversations : Family::kAudit, KeyFor(n));
      if (!read) {
        ++outcome.corrupt;
      } else if (!*read) {
        ++outcome.lost;
      } else if (!std::ranges::equal((*read)->payload.bytes(), PayloadFor(n))) {
        ++outcome.corrupt;
      }
    }
    for (Family family : {Family::kConversations, Family::kAudit}) {
      auto scanned = records.ForEach(family, KeyRange::All(), [&](ByteView, const Result<Record>& record) {
        if (!record) ++outcome.corrupt;
        return true;
      });
      if (!scanned) ++outcome.corrupt;
    }
    // Lost records are forgotten so that each loss is counted once.
    std::erase_if(acknowledged, [&](const auto& entry) {
      auto read = records.Get(entry.first % 2 ? Family::kConversations : Family::kAudit, KeyFor(entry.first));
      return !read || !*read;
    });
    if (iteration == kIterations) break;  // the last reopen only checks

    std::mutex mutex;
    std::atomic<bool> stop{false};
    std::uint32_t first = next_key;
    std::thread writer([&] {
      for (std::uint32_t n = first; !stop && n < first + kMaxWritesPerIteration; ++n) {
        auto written = records.Put(n % 2 ? Family::kConversations : Family::kAudit, KeyFor(n), PayloadFor(n),
                                   kNeverExpires - 1, durability);
        if (!written) continue;  // refused after the power cut: never acknowledged
        std::lock_guard lock(mutex);
        acknowledged[n] = true;
        ++outcome.acknowledged;
        next_key = n + 1;
      }
    });
    // Buffered writes finish their quota at once; the cut then lands on unsynced tails.
    std::this_thread::sleep_for(std::chrono::milliseconds(10 + random() % 60));
    fs->PowerOff();
    stop = true;
    writer.join();
    store->reset();  // closing fails quietly: the power is off
    fs->DropUnsyncedData();
    next_key += 1000;  // keys written but refused are never reused
  }
  return outcome;
}

TEST(StoragePowerLoss, SyncedWritesLoseNothingAcknowledged) {
  Outcome outcome = RunPowerLosses(Durability::kSynced, 1);
  EXPECT_GT(outcome.acknowledged, 100u);
  EXPECT_EQ(outcome.lost, 0u);
  EXPECT_EQ(outcome.corrupt, 0u);
  EXPECT_EQ(outcome.failed_reopens, 0u);
}

// The control: without sync the very same harness sees acknowledged records vanish.
TEST(StoragePowerLoss, TheHarnessDetectsLossWhenWritesAreNotSynced) {
  Outcome outcome = RunPowerLosses(Durability::kBuffered, 2);
  EXPECT_GT(outcome.acknowledged, 100u);
  EXPECT_GT(outcome.lost, 0u) << "a power-loss harness that cannot see loss proves nothing";
  EXPECT_EQ(outcome.corrupt, 0u);
  EXPECT_EQ(outcome.failed_reopens, 0u);
}

}  // namespace
}  // namespace haven::storage
