// MaintenanceTimer: calls a job once at start and then every `interval`, on a thread of its
// own, until destroyed. The job should only hand the work to somewhere that may block (the
// server posts StorageRuntime::RunMaintenance to its worker pool), so the timer stays
// punctual and stops at once.
//
// Thread-safety: construct and destroy from one thread; the job runs on the timer's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace haven::storage {

class MaintenanceTimer {
 public:
  MaintenanceTimer(std::chrono::seconds interval, std::function<void()> job);
  // Stops the timer and waits for a job call in progress to return.
  ~MaintenanceTimer();
  MaintenanceTimer(const MaintenanceTimer&) = delete;
  MaintenanceTimer& operator=(const MaintenanceTimer&) = delete;

 private:
  void Run();

  std::chrono::seconds interval_;
  std::function<void()> job_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace haven::storage
