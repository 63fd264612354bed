#include "server/net/worker_pool.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <mutex>
#include <thread>

namespace haven::net {
namespace {

TEST(WorkerPool, TrySubmitRefusesAtOnceBeyondTheBoundAndAcceptsAgainOnceDrained) {
  std::atomic<bool> release{false};
  std::atomic<int> done{0};
  {
    WorkerPool pool(1, WorkerPool::Priority::kNormal, 3);
    // One job holds the only thread; three more may wait; the fifth is refused.
    ASSERT_TRUE(pool.TrySubmit([&] { while (!release.load()) std::this_thread::yield(); ++done; }));
    while (pool.waiting() != 0) std::this_thread::yield();  // the first one is running, not waiting
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(pool.TrySubmit([&] { ++done; }));
    EXPECT_FALSE(pool.TrySubmit([&] { ++done; }));
    EXPECT_EQ(pool.waiting(), 3);
    release = true;
    while (pool.waiting() != 0) std::this_thread::yield();
    EXPECT_TRUE(pool.TrySubmit([&] { ++done; }));
  }
  EXPECT_EQ(done.load(), 5);
}

TEST(WorkerPool, RunsEveryJobOffTheCallingThreadBeforeDestruction) {
  std::atomic<int> done{0};
  std::mutex mutex;
  std::set<std::thread::id> threads;
  {
    WorkerPool pool(2);
    for (int i = 0; i < 100; ++i) {
      pool.Submit([&] {
        std::lock_guard lock(mutex);
        threads.insert(std::this_thread::get_id());
        ++done;
      });
    }
  }
  EXPECT_EQ(done.load(), 100);
  EXPECT_FALSE(threads.contains(std::this_thread::get_id()));
  EXPECT_LE(threads.size(), 2u);
}

TEST(WorkerPool, BackgroundThreadsRunAtTheLowestPriority) {
  std::atomic<int> nice{-100};
  {
    WorkerPool pool(1, WorkerPool::Priority::kBackground);
    pool.Submit([&] { nice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())); });
  }
  EXPECT_EQ(nice.load(), 19);
}

}  // namespace
}  // namespace haven::net
