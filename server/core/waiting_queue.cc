#include "server/core/waiting_queue.h"

namespace haven::core {

void WaitingQueue::PushBack(const ChatId& chat, Lane lane) {
  Remove(chat);
  Order order = next_back_++;
  lanes_[static_cast<int>(lane)].emplace(order, chat);
  index_[chat] = {lane, order};
}

void WaitingQueue::PushFront(const ChatId& chat, Lane lane) {
  Remove(chat);
  Order order = next_front_--;
  lanes_[static_cast<int>(lane)].emplace(order, chat);
  index_[chat] = {lane, order};
}

void WaitingQueue::Remove(const ChatId& chat) {
  auto it = index_.find(chat);
  if (it == index_.end()) return;
  lanes_[static_cast<int>(it->second.first)].erase(it->second.second);
  index_.erase(it);
}

void WaitingQueue::ForEachInOrder(const std::function<bool(const ChatId&)>& visit) const {
  for (const auto& lane : lanes_) {
    for (const auto& [order, chat] : lane) {
      if (!visit(chat)) return;
    }
  }
}

std::optional<ChatId> WaitingQueue::FindFirst(const std::function<bool(const ChatId&)>& accept) const {
  std::optional<ChatId> found;
  ForEachInOrder([&](const ChatId& chat) {
    if (!accept(chat)) return true;
    found = chat;
    return false;
  });
  return found;
}

}  // namespace haven::core
