// A small fixed pool of threads for blocking work (Argon2id hashing, synced storage writes),
// so the event loops never block. Jobs post their results back to the loop they came from.
// A kBackground pool's threads run at the lowest priority (nice 19): on a core shared with an
// event loop, CPU-heavy jobs such as Argon2id then do not delay the chats.
//
// Thread-safety: Submit and TrySubmit may be called from any thread. The destructor waits for
// queued jobs.
#pragma once

#include <functional>
#include <memory>

namespace haven::net {

class WorkerPool {
 public:
  enum class Priority { kNormal, kBackground };
  // `max_waiting`: how many jobs may wait for a thread before TrySubmit refuses (0: no bound).
  explicit WorkerPool(int threads, Priority priority = Priority::kNormal, int max_waiting = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Always queues (the server's own work: health checks, maintenance, storage writes).
  void Submit(std::function<void()> job);
  // Queues unless `max_waiting` jobs already wait; false then, at once, so that a caller can
  // answer "busy" instead of making its client wait behind a flood.
  bool TrySubmit(std::function<void()> job);
  int waiting() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace haven::net
