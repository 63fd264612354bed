#include "server/helpline/frame_ledger.h"

namespace haven::helpline {

FrameCharge FrameLedger::Data(RelayDirection direction, std::uint16_t leg, std::uint32_t seq) {
  Progress& progress = progress_[static_cast<int>(direction)];
  if (leg > progress.leg) progress = Progress{leg, 0, 0};
  if (leg < progress.leg || seq <= progress.sent) return FrameCharge::kResent;
  progress.sent = seq;
  return FrameCharge::kNew;
}

FrameCharge FrameLedger::Ack(RelayDirection direction, std::uint16_t leg, std::uint32_t seq) {
  Progress& progress = progress_[static_cast<int>(direction)];
  if (leg != progress.leg || seq <= progress.acked || seq > progress.sent) return FrameCharge::kResent;
  progress.acked = seq;
  return FrameCharge::kFree;
}

}  // namespace haven::helpline
