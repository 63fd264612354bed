// The helpline's domain core: the waiting queue with its priority lanes, the counselor
// roster, routing (counselors "take next", or the helpline offers chats with an accept
// timeout), transfers, and the conversation state machine
//
//   waiting -> offered -> active -> transferring -> active ... -> ended
//   waiting -> abandoned | expired          (both end the chat at once)
//
// Pure: no I/O, no clock. Every command comes with the current time and returns effects
// for the server to perform, in order. A command that is not allowed (a counselor acting on
// a chat it does not hold, an offer that was already withdrawn) returns a Rejected effect
// and changes nothing.
//
// Invariants (tested by property tests): a chat is held by at most one counselor; no
// counselor holds, is offered or is transferred more chats than its capacity; within a lane
// chats are served in arrival order; every offer is either accepted or withdrawn.
//
// Not thread-safe: the server drives one Helpline from one event loop.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "server/core/commands.h"
#include "server/core/effects.h"
#include "server/core/roster.h"
#include "server/core/rules.h"
#include "server/core/wait_estimator.h"
#include "server/core/waiting_queue.h"

namespace haven::core {

struct Conversation {
  ChatId id;
  VisitorProfile profile;
  Lane lane = Lane::kGeneral;
  ChatState state = ChatState::kWaiting;
  Instant queued_at{};
  std::optional<Instant> accepted_at;
  std::optional<Instant> ended_at;
  std::optional<EndReason> end_reason;
  CounselorHandle counselor;  // offered to (offered) or holding it (active, transferring, ended)
  std::uint16_t leg = 0;
  Instant deadline{};  // of the pending offer or transfer
  CounselorHandle transfer_to;
  std::set<CounselorHandle> declined_by;
  bool visitor_connected = true;
  Instant visitor_lost_at{};
  std::optional<QueueStatus> announced;
  Instant announced_at{};
};

// One waiting chat as counselors see the queue: nothing else exists about the visitor.
struct WaitingSummary {
  Lane lane = Lane::kGeneral;
  VisitorProfile profile;
  Instant queued_at{};
};

// What the operator view shows; computed on demand.
struct HelplineSnapshot {
  std::array<std::size_t, kLaneCount> waiting_by_lane{};
  Duration longest_wait{0};
  Duration median_wait{0};
  WaitEstimate estimate_for_newcomer;
  int counselors_on_duty = 0;
  int counselors_available = 0;
  int capacity = 0;       // chat slots of available counselors
  int free_capacity = 0;
  std::size_t active_chats = 0;
  std::size_t answered_last_hour = 0;
  std::size_t abandoned_last_hour = 0;  // left, lost or expired while waiting
  // Share of chats answered within the target, of all answered or abandoned in 24 hours;
  // nullopt when there were none.
  std::optional<double> service_level;
};

class Helpline {
 public:
  explicit Helpline(HelplineRules rules);

  Effects Handle(const Command& command, Instant now);

  HelplineSnapshot Snapshot(Instant now) const;
  // The first `limit` waiting (and offered) chats in service order.
  std::vector<WaitingSummary> WaitingChats(std::size_t limit = SIZE_MAX) const;
  const Conversation* FindChat(const ChatId& chat) const;
  const Counselor* FindCounselor(const CounselorHandle& handle) const { return roster_.Find(handle); }
  const HelplineRules& rules() const { return rules_; }
  std::size_t waiting() const { return queue_.size(); }

 private:
  struct Routing;  // precomputed strictness of the routing rules

  void On(const JoinQueue& command, Instant now, Effects& out);
  void On(const LeaveChat& command, Instant now, Effects& out);
  void On(const VisitorConnection& command, Instant now, Effects& out);
  void On(const GoOnDuty& command, Instant now, Effects& out);
  void On(const GoOffDuty& command, Instant now, Effects& out);
  void On(const SetAway& command, Instant now, Effects& out);
  void On(const CounselorConnection& command, Instant now, Effects& out);
  void On(const TakeNext& command, Instant now, Effects& out);
  void On(const AnswerOffer& command, Instant now, Effects& out);
  void On(const RequestTransfer& command, Instant now, Effects& out);
  void On(const AnswerTransfer& command, Instant now, Effects& out);
  void On(const EndChat& command, Instant now, Effects& out);
  void On(const ReleaseChat& command, Instant now, Effects& out);
  void On(const SubmitWrapUp& command, Instant now, Effects& out);
  void On(const RemoveCounselor& command, Instant now, Effects& out);
  void On(const RestoreChat& command, Instant now, Effects& out);
  void On(const RestoreDuty& command, Instant now, Effects& out);
  void On(const Tick& command, Instant now, Effects& out);

  Routing CurrentRouting() const;
  bool Eligible(const Counselor& counselor, const Conversation& chat, const Routing& routing) const;
  void Dispatch(Instant now, Effects& out);
  void Offer(Conversation& chat, Counselor& counselor, Instant now, Effects& out);
  void WithdrawOffer(Conversation& chat, WithdrawReason reason, Effects& out);
  void CancelTransfer(Conversation& chat, Effects& out);
  void Assign(Conversation& chat, Counselor& counselor, Instant now, bool requeued, Effects& out);
  void EndActive(Conversation& chat, EndReason reason, Instant now, Effects& out);
  void EndWaiting(Conversation& chat, EndReason reason, Instant now, Effects& out);
  void Requeue(Conversation& chat, Instant now, Effects& out);
  void ReleaseCounselor(Counselor& counselor, Instant now, Effects& out);
  void AnnounceStatus(Counselor& counselor, Effects& out) const;
  void AnnounceQueue(Instant now, bool force_all, Effects& out);
  QueueStatus NewcomerStatus(Lane lane) const;
  ConversationRecord RecordOf(const Conversation& chat) const;
  Conversation* Chat(const ChatId& chat);
  // The chat when `counselor` holds it (active or transferring); otherwise nullptr, with the
  // rejection (unknown_chat, not_your_chat or wrong_state) already in `out`.
  Conversation* HeldChat(const ChatId& chat, const CounselorHandle& counselor, Effects& out);

  HelplineRules rules_;
  WaitingQueue queue_;
  Roster roster_;
  WaitEstimator estimator_;
  std::unordered_map<ChatId, Conversation, ChatIdHash> chats_;
  std::deque<std::pair<Instant, Duration>> answered_;  // first answers of the last 24 h: when, after how long
  std::deque<Instant> abandoned_;                      // chats lost while waiting, last 24 h
};

}  // namespace haven::core
