// Bookkeeping shared by every connection: the global connection count (bounded by
// server.max_connections) and, per event loop, the set of live connections to tell about
// shutdown.
#pragma once

#include <atomic>
#include <utility>
#include <unordered_set>
#include <vector>

namespace haven::net {

// A live HTTP or WebSocket connection, as the shutdown path sees it.
class Connection {
 public:
  virtual ~Connection() = default;
  // Begin a graceful close (WebSockets: close 1012). Called on the connection's loop.
  virtual void Shutdown() = 0;
};

// The connections of one event loop. Used only on that loop's thread: no locks.
class ConnectionRegistry {
 public:
  void Add(Connection* connection) { live_.insert(connection); }
  void Remove(Connection* connection) { live_.erase(connection); }
  void ShutdownAll() {
    // Shutdown may remove entries, so walk a copy.
    std::vector<Connection*> snapshot(live_.begin(), live_.end());
    for (Connection* connection : snapshot) {
      if (live_.contains(connection)) connection->Shutdown();
    }
  }
  std::size_t size() const { return live_.size(); }

 private:
  std::unordered_set<Connection*> live_;
};

// One unit of server.max_connections, returned when the holder is destroyed. Move-only.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  static ConnectionSlot TryAcquire(std::atomic<int>& count, int limit) {
    if (count.fetch_add(1, std::memory_order_relaxed) >= limit) {
      count.fetch_sub(1, std::memory_order_relaxed);
      return {};
    }
    return ConnectionSlot(&count);
  }
  ConnectionSlot(ConnectionSlot&& other) noexcept : count_(std::exchange(other.count_, nullptr)) {}
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept {
    if (this != &other) {
      Release();
      count_ = std::exchange(other.count_, nullptr);
    }
    return *this;
  }
  ~ConnectionSlot() { Release(); }
  explicit operator bool() const { return count_ != nullptr; }

 private:
  explicit ConnectionSlot(std::atomic<int>* count) : count_(count) {}
  void Release() {
    if (count_) count_->fetch_sub(1, std::memory_order_relaxed);
    count_ = nullptr;
  }
  std::atomic<int>* count_ = nullptr;
};

}  // namespace haven::net
