#include "server/helpline/chat_relay.h"

#include <vector>

namespace haven::helpline {

void ChatRelay::Hold(RelayDirection direction, std::uint16_t leg, std::uint32_t seq, Frame frame) {
  int index = Index(direction);
  Key key{leg, seq};
  if (held_[index].contains(key) || !frame) return;
  bytes_[index] += frame->size();
  held_[index].emplace(key, std::move(frame));
  std::uint64_t arrival = next_arrival_++;
  arrival_[index].emplace(arrival, key);
  arrival_of_[index].emplace(key, arrival);
  while (held_[index].size() > limits_.frames || bytes_[index] > limits_.bytes) {
    Erase(index, arrival_[index].begin()->second);
  }
}

void ChatRelay::Acknowledge(RelayDirection direction, std::uint16_t leg, std::uint32_t seq) {
  int index = Index(direction);
  auto& held = held_[index];
  auto it = held.lower_bound(Key{leg, 0});
  std::vector<Key> done;
  for (; it != held.end() && it->first.first == leg && it->first.second <= seq; ++it) done.push_back(it->first);
  for (const Key& key : done) Erase(index, key);
}

void ChatRelay::ForEach(RelayDirection direction,
                        const std::function<void(std::uint16_t leg, const Frame&)>& visit) const {
  for (const auto& [key, frame] : held_[Index(direction)]) visit(key.first, frame);
}

void ChatRelay::DropLegsBefore(std::uint16_t leg) {
  for (int index = 0; index < 2; ++index) {
    std::vector<Key> old;
    for (const auto& [key, frame] : held_[index]) {
      if (key.first >= leg) break;
      old.push_back(key);
    }
    for (const Key& key : old) Erase(index, key);
  }
}

void ChatRelay::Clear() {
  for (int index = 0; index < 2; ++index) {
    held_[index].clear();
    arrival_[index].clear();
    arrival_of_[index].clear();
    bytes_[index] = 0;
  }
}

void ChatRelay::Erase(int index, const Key& key) {
  auto it = held_[index].find(key);
  if (it == held_[index].end()) return;
  bytes_[index] -= it->second->size();
  held_[index].erase(it);
  auto arrival = arrival_of_[index].find(key);
  arrival_[index].erase(arrival->second);
  arrival_of_[index].erase(arrival);
}

}  // namespace haven::helpline
