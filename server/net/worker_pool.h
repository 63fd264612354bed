// A small fixed pool of threads for blocking work (Argon2id hashing, synced storage writes),
// so the event loops never block. Jobs post their results back to the loop they came from.
// A kBackground pool's threads run at the lowest priority (nice 19): on a core shared with an
// event loop, CPU-heavy jobs such as Argon2id then do not delay the chats.
//
// Thread-safety: Submit may be called from any thread. The destructor waits for queued jobs.
#pragma once

#include <functional>
#include <memory>

namespace haven::net {

class WorkerPool {
 public:
  enum class Priority { kNormal, kBackground };
  explicit WorkerPool(int threads, Priority priority = Priority::kNormal);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> job);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace haven::net
