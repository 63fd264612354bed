#include "server/helpline/chat_relay.h"

#include <algorithm>

namespace haven::helpline {
namespace {

bool KeyBefore(const auto& held, std::uint64_t key) { return held.key < key; }

}  // namespace

void ChatRelay::Hold(RelayDirection direction, std::uint16_t leg, std::uint32_t seq, Frame frame) {
  if (!frame) return;
  int index = Index(direction);
  auto& held = held_[index];
  std::uint64_t key = Key(leg, seq);
  std::size_t size = frame->size();
  if (held.empty() || held.back().key < key) {
    held.push_back({key, std::move(frame)});
  } else {
    auto at = std::lower_bound(held.begin(), held.end(), key, KeyBefore<Held>);
    if (at != held.end() && at->key == key) return;  // already held
    held.insert(at, {key, std::move(frame)});
  }
  bytes_[index] += size;
  std::size_t drop = 0;
  for (std::size_t bytes = bytes_[index]; held.size() - drop > limits_.frames || bytes > limits_.bytes; ++drop) {
    bytes -= held[drop].frame->size();
  }
  Erase(index, 0, drop);
}

void ChatRelay::Acknowledge(RelayDirection direction, std::uint16_t leg, std::uint32_t seq) {
  int index = Index(direction);
  auto& held = held_[index];
  auto first = std::lower_bound(held.begin(), held.end(), Key(leg, 0), KeyBefore<Held>);
  auto last = std::upper_bound(first, held.end(), Key(leg, seq),
                               [](std::uint64_t key, const Held& entry) { return key < entry.key; });
  Erase(index, static_cast<std::size_t>(first - held.begin()), static_cast<std::size_t>(last - held.begin()));
}

void ChatRelay::ForEach(RelayDirection direction,
                        const std::function<void(std::uint16_t leg, const Frame&)>& visit) const {
  for (const Held& entry : held_[Index(direction)]) visit(static_cast<std::uint16_t>(entry.key >> 32), entry.frame);
}

void ChatRelay::DropLegsBefore(std::uint16_t leg) {
  for (int index = 0; index < 2; ++index) {
    auto& held = held_[index];
    auto end = std::lower_bound(held.begin(), held.end(), Key(leg, 0), KeyBefore<Held>);
    Erase(index, 0, static_cast<std::size_t>(end - held.begin()));
  }
}

void ChatRelay::Clear() {
  for (int index = 0; index < 2; ++index) {
    std::vector<Held>().swap(held_[index]);
    bytes_[index] = 0;
  }
}

void ChatRelay::Erase(int index, std::size_t first, std::size_t last) {
  if (first >= last) return;
  auto& held = held_[index];
  for (std::size_t i = first; i < last; ++i) bytes_[index] -= held[i].frame->size();
  held.erase(held.begin() + static_cast<std::ptrdiff_t>(first), held.begin() + static_cast<std::ptrdiff_t>(last));
  // Back to no backlog after a burst: give the memory back.
  if (held.empty() && held.capacity() > 16) std::vector<Held>().swap(held);
}

}  // namespace haven::helpline
