// Reloadable<T>: a value that requests read on any thread and a reload (SIGHUP) replaces
// while they run. A reader takes a snapshot (a shared pointer) and keeps using it even if a
// reload replaces the value meanwhile; a reload never blocks a reader for long.
//
// Used for what the operator may change without a restart: the origins allowed to open the
// WebSockets and the API, and the widget frame's Content-Security-Policy.
//
// Thread-safety: Get and Replace may be called from any thread at once.
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace haven::net {

template <typename T>
class Reloadable {
 public:
  explicit Reloadable(T value) : value_(std::make_shared<const T>(std::move(value))) {}
  Reloadable(const Reloadable&) = delete;
  Reloadable& operator=(const Reloadable&) = delete;

  std::shared_ptr<const T> Get() const { return value_.load(std::memory_order_acquire); }
  void Replace(T value) { value_.store(std::make_shared<const T>(std::move(value)), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const T>> value_;
};

// Origins (scheme://host[:port]) compared exactly with a request's Origin header.
class OriginList : public Reloadable<std::vector<std::string>> {
 public:
  using Reloadable::Reloadable;
  bool Allows(std::string_view origin) const {
    auto origins = Get();
    return std::ranges::find(*origins, origin) != origins->end();
  }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

}  // namespace haven::net
