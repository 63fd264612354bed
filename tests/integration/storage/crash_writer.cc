// The child process of storage_crash_test: opens the storage, then writes synced records
// from two threads until it is killed, and reports each record on standard output as
// "ack <n>" only after the store acknowledged it. Every eighth write is a batch of two.
//
// Usage: storage_crash_writer DATA_DIR KEY_DIR FIRST_NUMBER
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "storage/record_format.h"
#include "storage/storage_runtime.h"
#include "tests/integration/storage/crash_records.h"

namespace {

std::mutex output_mutex;

// One write(2) per line: a pipe delivers it whole, even if the process dies right after.
void Report(const std::string& line) {
  std::lock_guard lock(output_mutex);
  if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::_Exit(3);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace haven::storage;
  if (argc != 4 || !haven::crypto::InitSodium()) return 2;
  SystemClock clock;
  StorageOptions options;
  options.data_dir = argv[1];
  options.key_dir = argv[2];
  std::uint64_t first = std::strtoull(argv[3], nullptr, 10);
  auto runtime = StorageRuntime::Open(options, clock);
  if (!runtime) {
    std::fprintf(stderr, "open failed: %s\n", runtime.error().ToString().c_str());
    return 1;
  }
  SealedRecords& records = (*runtime)->stores().records();
  Report("ready\n");
  auto write = [&](std::uint64_t thread) {
    for (std::uint64_t i = 0;; ++i) {
      std::uint64_t n = first + 4 * i + 2 * thread;
      std::uint64_t expires_at = clock.NowSeconds() + kSecondsPerDay;
      if (i % 8 == 7) {
        WriteBatch batch;
        for (std::uint64_t m : {n, n + 1}) {
          if (!records.AddPut(batch, testing::CrashFamily(m), testing::CrashKey(m), testing::CrashPayload(m),
                              expires_at)) {
            std::_Exit(4);
          }
        }
        if (!records.Write(batch, Durability::kSynced)) std::_Exit(5);
        Report("ack " + std::to_string(n) + "\nack " + std::to_string(n + 1) + "\n");
      } else {
        if (!records.Put(testing::CrashFamily(n), testing::CrashKey(n), testing::CrashPayload(n), expires_at,
                         Durability::kSynced)) {
          std::_Exit(5);
        }
        Report("ack " + std::to_string(n) + "\n");
      }
    }
  };
  std::thread second([&] { write(1); });
  write(0);
}
