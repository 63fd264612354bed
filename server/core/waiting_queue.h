// The waiting chats in service order: by lane (danger, minor, general), then by arrival.
// A chat that must go back to the front (its counselor was lost) is placed at the head of
// its lane. Offered chats stay in place, so an unanswered offer returns the chat exactly
// where it was: at the head.
//
// Pure data structure; not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

#include "server/core/ids.h"
#include "server/core/profile.h"

namespace haven::core {

class WaitingQueue {
 public:
  void PushBack(const ChatId& chat, Lane lane);
  void PushFront(const ChatId& chat, Lane lane);
  void Remove(const ChatId& chat);
  bool Contains(const ChatId& chat) const { return index_.contains(chat); }
  std::size_t size() const { return index_.size(); }
  std::size_t LaneSize(Lane lane) const { return lanes_[static_cast<int>(lane)].size(); }

  // Visits chats in service order until `visit` returns false.
  void ForEachInOrder(const std::function<bool(const ChatId&)>& visit) const;
  // The first chat in service order for which `accept` is true.
  std::optional<ChatId> FindFirst(const std::function<bool(const ChatId&)>& accept) const;

 private:
  using Order = std::int64_t;  // smaller is served first within a lane
  std::array<std::map<Order, ChatId>, kLaneCount> lanes_;
  std::unordered_map<ChatId, std::pair<Lane, Order>, ChatIdHash> index_;
  Order next_back_ = 0;
  Order next_front_ = -1;
};

}  // namespace haven::core
