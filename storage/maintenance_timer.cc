#include "storage/maintenance_timer.h"

namespace haven::storage {

MaintenanceTimer::MaintenanceTimer(std::chrono::seconds interval, std::function<void()> job)
    : interval_(interval), job_(std::move(job)), thread_([this] { Run(); }) {}

MaintenanceTimer::~MaintenanceTimer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void MaintenanceTimer::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    job_();
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace haven::storage
