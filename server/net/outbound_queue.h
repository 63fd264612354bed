// The messages waiting to be written to one WebSocket, first in first out. A vector with a
// moving head: unlike std::deque (which allocates a 512-byte block as soon as it exists) an
// empty queue holds no memory, and most connections are idle most of the time.
//
// Not thread-safe (one event loop).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "server/net/websocket_endpoint.h"

namespace haven::net {

class OutboundQueue {
 public:
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }
  void Push(OutboundMessage message) { items_.push_back(std::move(message)); }
  // The oldest message; the queue must not be empty.
  OutboundMessage Pop() {
    OutboundMessage message = std::move(items_[head_++]);
    if (head_ == items_.size()) {
      Clear();
    } else if (head_ >= 32 && head_ * 2 >= items_.size()) {
      // A queue that never quite empties: drop the spent front now and then.
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    return message;
  }
  void Clear() {
    items_.clear();
    head_ = 0;
    if (items_.capacity() > 16) std::vector<OutboundMessage>().swap(items_);
  }

 private:
  std::vector<OutboundMessage> items_;
  std::size_t head_ = 0;
};

}  // namespace haven::net
