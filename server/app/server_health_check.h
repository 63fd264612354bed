// ServerHealthCheck: once a second, on a worker, asks storage how it is (writable? room for
// new chats?) and publishes the answer as HealthMetrics, which /metrics shows, /readyz turns
// into a reason, and the helpline reads before it takes on a new chat. The event loop only
// reads the atomics; nothing it does waits for a disk.
//
// Thread-safety: Run on one thread at a time (TryBegin guards it); UnreadyReason anywhere.
#pragma once

#include <atomic>
#include <string>

#include "server/metrics/metrics.h"
#include "storage/storage_runtime.h"

namespace haven::app {

class ServerHealthCheck {
 public:
  ServerHealthCheck(storage::StorageRuntime& storage, metrics::HealthMetrics& health)
      : storage_(storage), health_(health) {}

  // True when no check is running; the caller then runs one.
  bool TryBegin() { return !running_.exchange(true); }
  void Run();
  // Empty when the server can take new work; otherwise what an operator should read.
  std::string UnreadyReason() const;
  // Counts the active counselors' certificates by how soon they expire (Run does it every
  // fifth second: a scan of a few dozen accounts).
  void CountCertificates();

 private:
  storage::StorageRuntime& storage_;
  metrics::HealthMetrics& health_;
  std::atomic<bool> running_{false};
  std::uint64_t runs_ = 0;  // only Run touches it
};

}  // namespace haven::app
