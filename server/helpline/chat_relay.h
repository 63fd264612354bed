// The frames of one chat that the server holds in memory: per direction, the data frames not
// yet acknowledged by their receiver, so a receiver that (re)connects gets them at once
// (docs/protocol.md 10). Bounded by frames and bytes; when full the oldest frame goes (its
// sender still keeps it and will send it again). Never written to disk; Clear() forgets all.
//
// Pure data structure; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace haven::helpline {

struct RelayLimits {
  std::size_t frames = 128;    // per chat and direction
  std::size_t bytes = 262144;  // per chat and direction
};

enum class RelayDirection { kToCounselor = 0, kToVisitor = 1 };

class ChatRelay {
 public:
  using Frame = std::shared_ptr<const std::string>;  // the whole envelope, as received

  explicit ChatRelay(RelayLimits limits) : limits_(limits) {}

  // Keeps `frame` (data of `leg`, `seq`) until acknowledged. A frame already held is not
  // stored twice (senders retransmit after reconnects).
  void Hold(RelayDirection direction, std::uint16_t leg, std::uint32_t seq, Frame frame);
  // The receiver has every frame of `leg` up to `seq`.
  void Acknowledge(RelayDirection direction, std::uint16_t leg, std::uint32_t seq);
  // Visits held frames of `direction` in leg and seq order.
  void ForEach(RelayDirection direction, const std::function<void(std::uint16_t leg, const Frame&)>& visit) const;
  // Forgets the frames of every leg before `leg` (after a transfer or requeue).
  void DropLegsBefore(std::uint16_t leg);
  void Clear();

  std::size_t frames(RelayDirection direction) const { return held_[Index(direction)].size(); }
  std::size_t bytes(RelayDirection direction) const { return bytes_[Index(direction)]; }

 private:
  static int Index(RelayDirection direction) { return static_cast<int>(direction); }
  using Key = std::pair<std::uint16_t, std::uint32_t>;  // leg, seq
  RelayLimits limits_;
  std::map<Key, Frame> held_[2];
  std::map<std::uint64_t, Key> arrival_[2];  // arrival order, for dropping the oldest first
  std::map<Key, std::uint64_t> arrival_of_[2];
  std::size_t bytes_[2] = {0, 0};
  std::uint64_t next_arrival_ = 0;

  void Erase(int index, const Key& key);
};

}  // namespace haven::helpline
