// What each binary frame of one chat costs its sender (protocol.md 10, "Frame limits"): a new
// data frame takes one unit of the sender's frame budget; a frame sent again (a data frame the
// server has already seen, a `resend`, an ack that acknowledges nothing new) takes one of its
// resend budget; an ack that acknowledges frames not acknowledged before is free. So a client
// that acks every frame of a burst, or resends its backlog after the peer comes back, is never
// charged as if it were writing new texts, and neither can be used to flood.
//
// Per chat and direction it remembers the latest leg, the highest data seq seen and the highest
// acknowledged seq; older legs' frames are all charged as resent. Memory only, pure.
#pragma once

#include <cstdint>

#include "server/helpline/chat_relay.h"

namespace haven::helpline {

enum class FrameCharge { kNew, kResent, kFree };

class FrameLedger {
 public:
  // A data frame `seq` of `leg`, travelling towards `direction`.
  FrameCharge Data(RelayDirection direction, std::uint16_t leg, std::uint32_t seq);
  // An ack of `leg` up to `seq`, for frames that travelled towards `direction`.
  FrameCharge Ack(RelayDirection direction, std::uint16_t leg, std::uint32_t seq);

 private:
  struct Progress {
    std::uint16_t leg = 0;
    std::uint32_t sent = 0;   // highest data seq seen on `leg`
    std::uint32_t acked = 0;  // highest seq acknowledged on `leg`, never above `sent`
  };
  Progress progress_[2];
};

}  // namespace haven::helpline
