// The frames of one chat that the server holds in memory: per direction, the data frames not
// yet acknowledged by their receiver, so a receiver that (re)connects gets them at once
// (docs/protocol.md 10). Bounded by frames and bytes; when full the oldest frame (lowest leg,
// then lowest sequence number) goes: its sender still keeps it and will send it again. Never
// written to disk; Clear() forgets all.
//
// Each direction is a vector kept in (leg, seq) order. Frames arrive in that order but for
// retransmissions, so holding is an append, an acknowledgement erases a prefix of its leg,
// and nothing is allocated per frame once the vector has grown to the chat's usual backlog.
// An empty relay allocates nothing.
//
// Pure data structure; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

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
  struct Held {
    std::uint64_t key;  // leg << 32 | seq: the order frames are held and dropped in
    Frame frame;
  };
  static int Index(RelayDirection direction) { return static_cast<int>(direction); }
  static std::uint64_t Key(std::uint16_t leg, std::uint32_t seq) { return std::uint64_t{leg} << 32 | seq; }
  // Erases held_[index][first, last) and their bytes.
  void Erase(int index, std::size_t first, std::size_t last);

  RelayLimits limits_;
  std::vector<Held> held_[2];
  std::size_t bytes_[2] = {0, 0};
};

}  // namespace haven::helpline
