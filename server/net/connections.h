// Bookkeeping shared by every connection: the global connection count (bounded by
// server.max_connections), the counts per network (server.max_connections_per_network,
// websocket.max_per_network) and, per event loop, the set of live connections to tell about
// shutdown.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
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

// Live connections per network (a ClientKey: a keyed hash of an IPv4 address or an IPv6
// /64, never stored). Any thread: one short lock.
class NetworkCounts {
 public:
  using Key = std::array<std::uint8_t, 16>;
  bool TryAdd(const Key& key, int limit) {
    std::lock_guard lock(mutex_);
    int& count = counts_[key];
    if (count >= limit) {
      if (count == 0) counts_.erase(key);
      return false;
    }
    ++count;
    return true;
  }
  void Remove(const Key& key) {
    std::lock_guard lock(mutex_);
    auto found = counts_.find(key);
    if (found != counts_.end() && --found->second <= 0) counts_.erase(found);
  }
  int Count(const Key& key) {
    std::lock_guard lock(mutex_);
    auto found = counts_.find(key);
    return found == counts_.end() ? 0 : found->second;
  }

 private:
  std::mutex mutex_;
  std::map<Key, int> counts_;
};

// One unit of a network's count, returned when the holder is destroyed. Move-only.
class NetworkSlot {
 public:
  NetworkSlot() = default;
  static NetworkSlot TryAcquire(NetworkCounts& counts, const NetworkCounts::Key& key, int limit) {
    if (!counts.TryAdd(key, limit)) return {};
    NetworkSlot slot;
    slot.counts_ = &counts;
    slot.key_ = key;
    return slot;
  }
  NetworkSlot(NetworkSlot&& other) noexcept : counts_(std::exchange(other.counts_, nullptr)), key_(other.key_) {}
  NetworkSlot& operator=(NetworkSlot&& other) noexcept {
    if (this != &other) {
      Release();
      counts_ = std::exchange(other.counts_, nullptr);
      key_ = other.key_;
    }
    return *this;
  }
  ~NetworkSlot() { Release(); }
  explicit operator bool() const { return counts_ != nullptr; }

 private:
  void Release() {
    if (counts_) counts_->Remove(key_);
    counts_ = nullptr;
  }
  NetworkCounts* counts_ = nullptr;
  NetworkCounts::Key key_{};
};

// One unit of server.max_connections, returned when the holder is destroyed. Move-only. It
// carries the connection's per-network units along (none for a trusted proxy's connection),
// and whether it came out of the share kept for counselors.
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
  ConnectionSlot(ConnectionSlot&& other) noexcept
      : network(std::move(other.network)),
        websocket(std::move(other.websocket)),
        reserved(other.reserved),
        count_(std::exchange(other.count_, nullptr)) {}
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept {
    if (this != &other) {
      Release();
      count_ = std::exchange(other.count_, nullptr);
      network = std::move(other.network);
      websocket = std::move(other.websocket);
      reserved = other.reserved;
    }
    return *this;
  }
  ~ConnectionSlot() { Release(); }
  explicit operator bool() const { return count_ != nullptr; }

  NetworkSlot network;    // server.max_connections_per_network
  NetworkSlot websocket;  // websocket.max_per_network, taken at the upgrade
  // Taken when fewer than server.counselor_reserved_connections were left: only counselors'
  // paths are served on it.
  bool reserved = false;

 private:
  explicit ConnectionSlot(std::atomic<int>* count) : count_(count) {}
  void Release() {
    if (count_) count_->fetch_sub(1, std::memory_order_relaxed);
    count_ = nullptr;
  }
  std::atomic<int>* count_ = nullptr;
};

}  // namespace haven::net
