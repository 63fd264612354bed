#include "server/core/helpline.h"

#include <algorithm>
#include <vector>

namespace haven::core {

namespace {

Rejected Reject(RejectionCode code, std::optional<ChatId> chat = std::nullopt,
                std::optional<CounselorHandle> counselor = std::nullopt) {
  return Rejected{code, chat, std::move(counselor)};
}

constexpr Duration kStatisticsWindow = std::chrono::hours(24);

}  // namespace

struct Helpline::Routing {
  std::set<Language> spoken;  // by reachable counselors
  bool child_skill = false;   // some reachable counselor has it
};

Helpline::Helpline(HelplineRules rules)
    : rules_(rules), estimator_(rules.assumed_handle_time, rules.handle_time_samples) {}

Effects Helpline::Handle(const Command& command, Instant now) {
  Effects out;
  std::visit([&](const auto& typed) { On(typed, now, out); }, command);
  return out;
}

Conversation* Helpline::Chat(const ChatId& chat) {
  auto it = chats_.find(chat);
  return it == chats_.end() ? nullptr : &it->second;
}

const Conversation* Helpline::FindChat(const ChatId& chat) const {
  auto it = chats_.find(chat);
  return it == chats_.end() ? nullptr : &it->second;
}

// --- routing ---

Helpline::Routing Helpline::CurrentRouting() const {
  Routing routing;
  for (const auto& [handle, counselor] : roster_.all()) {
    if (!counselor.Reachable()) continue;
    routing.spoken.insert(counselor.profile.languages.begin(), counselor.profile.languages.end());
    routing.child_skill |= counselor.profile.skills.contains(std::string(kChildSkill));
  }
  return routing;
}

// Strict when someone reachable could meet the rule, relaxed otherwise: nobody is left
// waiting for a language or a skill that no one on duty has.
bool Helpline::Eligible(const Counselor& counselor, const Conversation& chat, const Routing& routing) const {
  Language language = chat.profile.language;
  if (language != Language::kUnspecified && !counselor.profile.languages.contains(language) &&
      routing.spoken.contains(language)) {
    return false;
  }
  if (IsMinor(chat.profile.age_band) && !counselor.profile.skills.contains(std::string(kChildSkill)) &&
      routing.child_skill) {
    return false;
  }
  return true;
}

void Helpline::Dispatch(Instant now, Effects& out) {
  if (!rules_.offer_chats) return;
  auto can_be_offered = [](const Counselor& c) { return c.Reachable() && !c.offer && c.HasCapacity(); };
  if (std::ranges::none_of(roster_.all(), [&](const auto& entry) { return can_be_offered(entry.second); })) return;
  Routing routing = CurrentRouting();
  std::vector<ChatId> order;
  queue_.ForEachInOrder([&](const ChatId& id) {
    order.push_back(id);
    return true;
  });
  for (const ChatId& id : order) {
    Conversation& chat = chats_.at(id);
    if (chat.state != ChatState::kWaiting || !chat.visitor_connected) continue;
    Counselor* best = nullptr;
    for (auto& [handle, counselor] : roster_.all()) {
      if (!can_be_offered(counselor) || chat.declined_by.contains(handle) || !Eligible(counselor, chat, routing)) {
        continue;
      }
      // Least loaded first; among equals, whoever has waited longest since its last chat.
      if (!best || counselor.Load() < best->Load() ||
          (counselor.Load() == best->Load() && counselor.last_assigned_at < best->last_assigned_at)) {
        best = &counselor;
      }
    }
    if (best) Offer(chat, *best, now, out);
    if (std::ranges::none_of(roster_.all(), [&](const auto& entry) { return can_be_offered(entry.second); })) return;
  }
}

void Helpline::Offer(Conversation& chat, Counselor& counselor, Instant now, Effects& out) {
  chat.state = ChatState::kOffered;
  chat.counselor = counselor.handle;
  chat.deadline = now + rules_.offer_timeout;
  counselor.offer = chat.id;
  out.push_back(Offered{chat.id, counselor.handle, chat.deadline});
}

void Helpline::WithdrawOffer(Conversation& chat, WithdrawReason reason, Effects& out) {
  if (chat.state != ChatState::kOffered) return;
  if (Counselor* counselor = roster_.Find(chat.counselor)) {
    counselor->offer.reset();
    out.push_back(OfferWithdrawn{chat.id, counselor->handle, reason});
    AnnounceStatus(*counselor, out);
  }
  if (reason == WithdrawReason::kDeclined || reason == WithdrawReason::kTimedOut) {
    chat.declined_by.insert(chat.counselor);
  }
  chat.state = ChatState::kWaiting;
  chat.counselor.clear();
}

void Helpline::CancelTransfer(Conversation& chat, Effects& out) {
  if (chat.state != ChatState::kTransferring) return;
  if (Counselor* target = roster_.Find(chat.transfer_to)) {
    target->incoming_transfer.reset();
    AnnounceStatus(*target, out);
  }
  out.push_back(TransferFinished{chat.id, chat.counselor, chat.transfer_to, false});
  chat.state = ChatState::kActive;
  chat.transfer_to.clear();
}

void Helpline::Assign(Conversation& chat, Counselor& counselor, Instant now, bool requeued, Effects& out) {
  queue_.Remove(chat.id);
  if (counselor.offer == chat.id) counselor.offer.reset();
  if (counselor.incoming_transfer == chat.id) counselor.incoming_transfer.reset();
  chat.state = ChatState::kActive;
  chat.counselor = counselor.handle;
  chat.declined_by.clear();
  chat.announced.reset();
  if (!chat.accepted_at) {
    chat.accepted_at = now;
    answered_.emplace_back(now, now - chat.queued_at);
  }
  counselor.chats.insert(chat.id);
  counselor.last_assigned_at = now;
  out.push_back(Assigned{chat.id, counselor.handle, chat.leg, requeued});
  AnnounceStatus(counselor, out);
  out.push_back(Persist{RecordOf(chat)});
}

void Helpline::EndActive(Conversation& chat, EndReason reason, Instant now, Effects& out) {
  CancelTransfer(chat, out);
  chat.state = ChatState::kEnded;
  chat.ended_at = now;
  chat.end_reason = reason;
  if (chat.accepted_at) estimator_.RecordHandlingTime(now - *chat.accepted_at);
  out.push_back(Ended{chat.id, chat.counselor, reason});
  if (Counselor* counselor = roster_.Find(chat.counselor)) {
    counselor->chats.erase(chat.id);
    AnnounceStatus(*counselor, out);
  }
  out.push_back(Persist{RecordOf(chat)});
  // The chat stays until its wrap-up arrives or the wrap-up window closes.
}

void Helpline::EndWaiting(Conversation& chat, EndReason reason, Instant now, Effects& out) {
  WithdrawOffer(chat, WithdrawReason::kVisitorLeft, out);
  queue_.Remove(chat.id);
  chat.state = ChatState::kEnded;
  chat.ended_at = now;
  chat.end_reason = reason;
  chat.counselor.clear();
  abandoned_.push_back(now);
  out.push_back(Ended{chat.id, std::nullopt, reason});
  ConversationRecord record = RecordOf(chat);
  out.push_back(Persist{record});
  out.push_back(RecordStatistics{record, std::nullopt});
  chats_.erase(chat.id);
}

// The chat's counselor is gone for good: back to the head of its lane for a new leg.
void Helpline::Requeue(Conversation& chat, Instant now, Effects& out) {
  CancelTransfer(chat, out);
  CounselorHandle previous = chat.counselor;
  if (Counselor* counselor = roster_.Find(previous)) counselor->chats.erase(chat.id);
  chat.state = ChatState::kWaiting;
  chat.counselor.clear();
  chat.leg = static_cast<std::uint16_t>(chat.leg + 1);
  chat.declined_by.clear();
  chat.announced.reset();
  queue_.PushFront(chat.id, chat.lane);
  out.push_back(Requeued{chat.id, previous, chat.leg});
  out.push_back(Persist{RecordOf(chat)});
  (void)now;
}

// A counselor leaves (off duty, revoked, or lost): its offer and incoming transfer go back.
void Helpline::ReleaseCounselor(Counselor& counselor, Instant now, Effects& out) {
  if (counselor.offer) {
    if (Conversation* chat = Chat(*counselor.offer)) WithdrawOffer(*chat, WithdrawReason::kCounselorLeft, out);
  }
  if (counselor.incoming_transfer) {
    if (Conversation* chat = Chat(*counselor.incoming_transfer)) CancelTransfer(*chat, out);
  }
  (void)now;
}

void Helpline::AnnounceStatus(Counselor& counselor, Effects& out) const {
  out.push_back(CounselorStatus{counselor.handle, counselor.state, counselor.Load(), counselor.profile.max_chats});
}

QueueStatus Helpline::NewcomerStatus(Lane lane) const {
  // Called right after the newcomer was pushed to the back of its lane: everyone in the
  // lanes before it and in its own lane, but itself, is ahead.
  std::size_t in_front = 0;
  for (int l = 0; l <= static_cast<int>(lane); ++l) in_front += queue_.LaneSize(static_cast<Lane>(l));
  std::size_t ahead = in_front - 1;
  return QueueStatus{ahead + 1, estimator_.Estimate(ahead, roster_.Slots(), roster_.FreeSlots())};
}

void Helpline::AnnounceQueue(Instant now, bool force_all, Effects& out) {
  std::size_t position = 0;
  int slots = roster_.Slots(), free_slots = roster_.FreeSlots();
  queue_.ForEachInOrder([&](const ChatId& id) {
    Conversation& chat = chats_.at(id);
    ++position;
    // A visitor being offered to a counselor is still waiting, as far as she knows: she is
    // told her place like everyone else (before, she kept her old number meanwhile, and the
    // visitor behind her was told the same one).
    bool waiting = chat.state == ChatState::kWaiting || chat.state == ChatState::kOffered;
    if (!waiting || !chat.visitor_connected) return true;
    QueueStatus status{position, estimator_.Estimate(position - 1, slots, free_slots)};
    bool due = !chat.announced || now - chat.announced_at >= rules_.position_update_interval;
    if ((force_all || due) && chat.announced != status) {
      out.push_back(QueueUpdate{chat.id, status});
      chat.announced = status;
      chat.announced_at = now;
    }
    return true;
  });
}

ConversationRecord Helpline::RecordOf(const Conversation& chat) const {
  ConversationRecord record;
  record.chat = chat.id;
  record.state = chat.state;
  record.lane = chat.lane;
  record.profile = chat.profile;
  record.queued_at = chat.queued_at;
  record.accepted_at = chat.accepted_at;
  record.ended_at = chat.ended_at;
  if (!chat.counselor.empty() && chat.state != ChatState::kOffered) record.counselor = chat.counselor;
  record.leg = chat.leg;
  record.end_reason = chat.end_reason;
  return record;
}

// --- visitor commands ---

void Helpline::On(const JoinQueue& command, Instant now, Effects& out) {
  if (chats_.contains(command.chat)) {
    out.push_back(Reject(RejectionCode::kAlreadyExists, command.chat));
    return;
  }
  if (!roster_.AnyoneOnDuty()) {
    out.push_back(Refused{command.chat, RefusalReason::kOffline});
    return;
  }
  if (queue_.size() >= rules_.max_queue_length) {
    out.push_back(Refused{command.chat, RefusalReason::kQueueFull});
    return;
  }
  Conversation& chat = chats_[command.chat];
  chat.id = command.chat;
  chat.profile = command.profile;
  chat.lane = LaneFor(command.profile);
  chat.queued_at = now;
  queue_.PushBack(chat.id, chat.lane);
  QueueStatus status = NewcomerStatus(chat.lane);
  chat.announced = status;
  chat.announced_at = now;
  out.push_back(Queued{chat.id, chat.lane, status});
  out.push_back(Persist{RecordOf(chat)});
  Dispatch(now, out);
}

void Helpline::On(const LeaveChat& command, Instant now, Effects& out) {
  Conversation* chat = Chat(command.chat);
  if (!chat) {
    out.push_back(Reject(RejectionCode::kUnknownChat, command.chat));
    return;
  }
  switch (chat->state) {
    case ChatState::kWaiting:
    case ChatState::kOffered:
      EndWaiting(*chat, EndReason::kAbandoned, now, out);
      AnnounceQueue(now, false, out);
      break;
    case ChatState::kActive:
    case ChatState::kTransferring:
      EndActive(*chat, EndReason::kVisitorLeft, now, out);
      Dispatch(now, out);
      break;
    case ChatState::kEnded: break;  // already over: leaving twice is harmless
  }
}

void Helpline::On(const VisitorConnection& command, Instant now, Effects& out) {
  Conversation* chat = Chat(command.chat);
  if (!chat) {
    out.push_back(Reject(RejectionCode::kUnknownChat, command.chat));
    return;
  }
  chat->visitor_connected = command.connected;
  if (!command.connected) {
    chat->visitor_lost_at = now;
    return;
  }
  if (chat->state == ChatState::kWaiting) {
    chat->announced.reset();  // tell the returning visitor where it stands at once
    AnnounceQueue(now, false, out);
    Dispatch(now, out);
  }
}

// --- counselor commands ---

void Helpline::On(const GoOnDuty& command, Instant now, Effects& out) {
  Counselor& counselor = roster_.Upsert(command.counselor);
  counselor.profile = command.profile;
  // A lowered capacity applies to new chats; the ones held now are not taken away.
  counselor.profile.max_chats = std::max({1, counselor.profile.max_chats, counselor.Load()});
  counselor.state = CounselorState::kAvailable;
  counselor.connected = true;
  counselor.disconnected_at.reset();
  AnnounceStatus(counselor, out);
  Dispatch(now, out);
  AnnounceQueue(now, false, out);
}

void Helpline::On(const GoOffDuty& command, Instant now, Effects& out) {
  Counselor* counselor = roster_.Find(command.counselor);
  if (!counselor || !counselor->OnDuty()) {
    out.push_back(Reject(RejectionCode::kNotOnDuty, std::nullopt, command.counselor));
    return;
  }
  if (!counselor->chats.empty()) {  // end or transfer them first
    out.push_back(Reject(RejectionCode::kWrongState, std::nullopt, command.counselor));
    return;
  }
  ReleaseCounselor(*counselor, now, out);
  counselor->state = CounselorState::kOffDuty;
  AnnounceStatus(*counselor, out);
  roster_.Erase(command.counselor);
  Dispatch(now, out);
  AnnounceQueue(now, false, out);
}

void Helpline::On(const SetAway& command, Instant now, Effects& out) {
  Counselor* counselor = roster_.Find(command.counselor);
  if (!counselor || !counselor->OnDuty()) {
    out.push_back(Reject(RejectionCode::kNotOnDuty, std::nullopt, command.counselor));
    return;
  }
  counselor->state = command.away ? CounselorState::kAway : CounselorState::kAvailable;
  if (command.away) ReleaseCounselor(*counselor, now, out);
  AnnounceStatus(*counselor, out);
  Dispatch(now, out);
}

void Helpline::On(const CounselorConnection& command, Instant now, Effects& out) {
  Counselor* counselor = roster_.Find(command.counselor);
  if (!counselor) {  // off duty: nothing to track, but the console must know it
    if (command.connected) out.push_back(CounselorStatus{command.counselor, CounselorState::kOffDuty, 0, command.capacity});
    return;
  }
  counselor->connected = command.connected;
  if (!command.connected) {
    counselor->disconnected_at = now;
    ReleaseCounselor(*counselor, now, out);
    Dispatch(now, out);
    return;
  }
  counselor->disconnected_at.reset();
  AnnounceStatus(*counselor, out);
  Dispatch(now, out);
}

void Helpline::On(const TakeNext& command, Instant now, Effects& out) {
  Counselor* counselor = roster_.Find(command.counselor);
  if (!counselor || !counselor->OnDuty()) {
    out.push_back(Reject(RejectionCode::kNotOnDuty, std::nullopt, command.counselor));
    return;
  }
  if (counselor->offer) {
    out.push_back(Reject(RejectionCode::kOfferPending, counselor->offer, command.counselor));
    return;
  }
  if (!counselor->HasCapacity()) {
    out.push_back(Reject(RejectionCode::kAtCapacity, std::nullopt, command.counselor));
    return;
  }
  counselor->connected = true;
  // Taking a chat ends a break (Assign announces the new state); with nothing to take, the
  // break goes on. Routing counts the counselor as available either way.
  CounselorState before = counselor->state;
  counselor->state = CounselorState::kAvailable;
  Routing routing = CurrentRouting();
  auto next = queue_.FindFirst([&](const ChatId& id) {
    const Conversation& chat = chats_.at(id);
    return chat.state == ChatState::kWaiting && chat.visitor_connected && Eligible(*counselor, chat, routing);
  });
  if (!next) {
    counselor->state = before;
    out.push_back(NothingToTake{command.counselor});
    return;
  }
  Assign(chats_.at(*next), *counselor, now, chats_.at(*next).leg > 0, out);
  AnnounceQueue(now, false, out);
}

void Helpline::On(const AnswerOffer& command, Instant now, Effects& out) {
  Conversation* chat = Chat(command.chat);
  Counselor* counselor = roster_.Find(command.counselor);
  if (!chat || !counselor || chat->state != ChatState::kOffered || chat->counselor != command.counselor ||
      counselor->offer != command.chat) {
    out.push_back(Reject(RejectionCode::kNoSuchOffer, command.chat, command.counselor));
    return;
  }
  if (command.accept) {
    Assign(*chat, *counselor, now, chat->leg > 0, out);
    AnnounceQueue(now, false, out);
  } else {
    WithdrawOffer(*chat, WithdrawReason::kDeclined, out);
  }
  Dispatch(now, out);
}

void Helpline::On(const RequestTransfer& command, Instant now, Effects& out) {
  Conversation* chat = Chat(command.chat);
  if (!chat) {
    out.push_back(Reject(RejectionCode::kUnknownChat, command.chat, command.counselor));
    return;
  }
  if (chat->counselor != command.counselor || chat->state == ChatState::kOffered) {
    out.push_back(Reject(RejectionCode::kNotYourChat, command.chat, command.counselor));
    return;
  }
  if (chat->state != ChatState::kActive) {
    out.push_back(Reject(RejectionCode::kWrongState, command.chat, command.counselor));
    return;
  }
  Counselor* target = roster_.Find(command.to);
  if (!target || command.to == command.counselor || !target->Reachable() || !target->HasCapacity() ||
      target->incoming_transfer) {
    out.push_back(Reject(RejectionCode::kTargetUnavailable, command.chat, command.counselor));
    return;
  }
  chat->state = ChatState::kTransferring;
  chat->transfer_to = command.to;
  chat->deadline = now + rules_.transfer_timeout;
  target->incoming_transfer = chat->id;
  out.push_back(TransferOffered{chat->id, command.counselor, command.to, chat->deadline, command.note});
  AnnounceStatus(*target, out);
}

void Helpline::On(const AnswerTransfer& command, Instant now, Effects& out) {
  Conversation* chat = Chat(command.chat);
  Counselor* target = roster_.Find(command.counselor);
  if (!chat || !target || chat->state != ChatState::kTransferring || chat->transfer_to != command.counselor) {
    out.push_back(Reject(RejectionCode::kNoSuchOffer, command.chat, command.counselor));
    return;
  }
  if (!command.accept) {
    CancelTransfer(*chat, out);
    return;
  }
  CounselorHandle from = chat->counselor;
  if (Counselor* previous = roster_.Find(from)) {
    previous->chats.erase(chat->id);
    AnnounceStatus(*previous, out);
  }
  chat->transfer_to.clear();
  chat->leg = static_cast<std::uint16_t>(chat->leg + 1);
  out.push_back(TransferFinished{chat->id, from, command.counselor, true});
  Assign(*chat, *target, now, false, out);
  Dispatch(now, out);
}

Conversation* Helpline::HeldChat(const ChatId& id, const CounselorHandle& counselor, Effects& out) {
  Conversation* chat = Chat(id);
  if (!chat) {
    out.push_back(Reject(RejectionCode::kUnknownChat, id, counselor));
    return nullptr;
  }
  bool holds = chat->counselor == counselor && (chat->state == ChatState::kActive || chat->state == ChatState::kTransferring);
  if (!holds) {
    out.push_back(Reject(chat->counselor == counselor ? RejectionCode::kWrongState : RejectionCode::kNotYourChat, id,
                         counselor));
    return nullptr;
  }
  return chat;
}

void Helpline::On(const EndChat& command, Instant now, Effects& out) {
  Conversation* chat = HeldChat(command.chat, command.counselor, out);
  if (!chat) return;
  EndActive(*chat, EndReason::kCounselorEnded, now, out);
  Dispatch(now, out);
}

void Helpline::On(const ReleaseChat& command, Instant now, Effects& out) {
  Conversation* chat = HeldChat(command.chat, command.counselor, out);
  if (!chat) return;
  Requeue(*chat, now, out);
  Dispatch(now, out);
}

void Helpline::On(const SubmitWrapUp& command, Instant now, Effects& out) {
  Conversation* chat = Chat(command.chat);
  if (!chat || chat->counselor != command.counselor) {
    out.push_back(Reject(chat ? RejectionCode::kNotYourChat : RejectionCode::kUnknownChat, command.chat,
                         command.counselor));
    return;
  }
  if (chat->state != ChatState::kEnded) {
    out.push_back(Reject(RejectionCode::kWrongState, command.chat, command.counselor));
    return;
  }
  out.push_back(RecordStatistics{RecordOf(*chat), command.counselor});
  chats_.erase(command.chat);
  (void)now;
}

void Helpline::On(const RemoveCounselor& command, Instant now, Effects& out) {
  Counselor* counselor = roster_.Find(command.counselor);
  if (!counselor) return;
  ReleaseCounselor(*counselor, now, out);
  std::vector<ChatId> held(counselor->chats.begin(), counselor->chats.end());
  for (const ChatId& id : held) Requeue(chats_.at(id), now, out);
  counselor->state = CounselorState::kOffDuty;
  AnnounceStatus(*counselor, out);
  roster_.Erase(command.counselor);
  Dispatch(now, out);
  AnnounceQueue(now, false, out);
}

void Helpline::On(const RestoreChat& command, Instant now, Effects& out) {
  if (chats_.contains(command.chat)) {
    out.push_back(Reject(RejectionCode::kAlreadyExists, command.chat));
    return;
  }
  Conversation& chat = chats_[command.chat];
  chat.id = command.chat;
  chat.profile = command.profile;
  chat.lane = LaneFor(command.profile);
  chat.queued_at = command.queued_at;
  chat.leg = command.leg;
  chat.accepted_at = command.accepted_at;
  // Nobody is connected right after a restart: the resume windows start now.
  chat.visitor_connected = false;
  chat.visitor_lost_at = now;
  if (command.counselor) {
    Counselor& counselor = roster_.Upsert(*command.counselor);
    if (!counselor.OnDuty()) {
      counselor.state = CounselorState::kAway;  // on duty, but not to be offered anything yet
      counselor.connected = false;
      counselor.disconnected_at = now;
    }
    counselor.chats.insert(chat.id);
    chat.state = ChatState::kActive;
    chat.counselor = *command.counselor;
  } else {
    chat.state = ChatState::kWaiting;
    queue_.PushBack(chat.id, chat.lane);
  }
}

void Helpline::On(const RestoreDuty& command, Instant now, Effects&) {
  Counselor& counselor = roster_.Upsert(command.counselor);
  counselor.profile = command.profile;
  counselor.profile.max_chats = std::max({1, counselor.profile.max_chats, counselor.Load()});
  counselor.state = command.away ? CounselorState::kAway : CounselorState::kAvailable;
  counselor.connected = false;
  counselor.disconnected_at = now;
}

void Helpline::On(const Tick&, Instant now, Effects& out) {
  std::vector<ChatId> ids;
  ids.reserve(chats_.size());
  for (const auto& [id, chat] : chats_) ids.push_back(id);
  for (const ChatId& id : ids) {
    auto it = chats_.find(id);
    if (it == chats_.end()) continue;
    Conversation& chat = it->second;
    switch (chat.state) {
      case ChatState::kOffered:
        if (now >= chat.deadline) {
          // Whoever lets an offer lapse is probably away from the desk.
          if (Counselor* counselor = roster_.Find(chat.counselor)) counselor->state = CounselorState::kAway;
          WithdrawOffer(chat, WithdrawReason::kTimedOut, out);
        }
        [[fallthrough]];
      case ChatState::kWaiting:
        if (chats_.contains(id) && chat.state != ChatState::kEnded) {
          if (!chat.visitor_connected &&
              now - chat.visitor_lost_at >= std::min(rules_.visitor_queue_resume_window, rules_.visitor_resume_window)) {
            EndWaiting(chat, EndReason::kAbandoned, now, out);
          } else if (now - chat.queued_at >= rules_.max_wait) {
            EndWaiting(chat, EndReason::kExpired, now, out);
          }
        }
        break;
      case ChatState::kTransferring:
        if (now >= chat.deadline) CancelTransfer(chat, out);
        [[fallthrough]];
      case ChatState::kActive:
        if (!chat.visitor_connected && now - chat.visitor_lost_at >= rules_.visitor_resume_window) {
          EndActive(chat, EndReason::kVisitorLost, now, out);
        }
        break;
      case ChatState::kEnded:
        if (chat.ended_at && now - *chat.ended_at >= rules_.wrap_up_window) {
          out.push_back(RecordStatistics{RecordOf(chat), std::nullopt});
          chats_.erase(it);
        }
        break;
    }
  }
  std::vector<CounselorHandle> lost;
  for (const auto& [handle, counselor] : roster_.all()) {
    if (!counselor.connected && counselor.disconnected_at &&
        now - *counselor.disconnected_at >= rules_.counselor_resume_window) {
      lost.push_back(handle);
    }
  }
  for (const CounselorHandle& handle : lost) On(RemoveCounselor{handle}, now, out);
  while (!answered_.empty() && now - answered_.front().first > kStatisticsWindow) answered_.pop_front();
  while (!abandoned_.empty() && now - abandoned_.front() > kStatisticsWindow) abandoned_.pop_front();
  Dispatch(now, out);
  AnnounceQueue(now, false, out);
}

// --- snapshot ---

std::vector<WaitingSummary> Helpline::WaitingChats(std::size_t limit) const {
  std::vector<WaitingSummary> waiting;
  waiting.reserve(std::min(queue_.size(), limit));
  queue_.ForEachInOrder([&](const ChatId& id) {
    if (waiting.size() >= limit) return false;
    const Conversation& chat = chats_.at(id);
    waiting.push_back(WaitingSummary{chat.lane, chat.profile, chat.queued_at});
    return true;
  });
  return waiting;
}

HelplineSnapshot Helpline::Snapshot(Instant now) const {
  HelplineSnapshot snapshot;
  std::vector<Duration> waits;
  for (const auto& [id, chat] : chats_) {
    if (chat.state == ChatState::kWaiting || chat.state == ChatState::kOffered) {
      ++snapshot.waiting_by_lane[static_cast<int>(chat.lane)];
      waits.push_back(now - chat.queued_at);
    } else if (chat.state == ChatState::kActive || chat.state == ChatState::kTransferring) {
      ++snapshot.active_chats;
    }
  }
  if (!waits.empty()) {
    std::sort(waits.begin(), waits.end());
    snapshot.longest_wait = waits.back();
    snapshot.median_wait = waits[waits.size() / 2];
  }
  for (const auto& [handle, counselor] : roster_.all()) {
    if (counselor.OnDuty()) ++snapshot.counselors_on_duty;
    if (counselor.Reachable()) ++snapshot.counselors_available;
  }
  snapshot.capacity = roster_.Slots();
  snapshot.free_capacity = roster_.FreeSlots();
  snapshot.estimate_for_newcomer = estimator_.Estimate(queue_.size(), snapshot.capacity, snapshot.free_capacity);
  std::size_t within_target = 0, answered_day = 0;
  for (const auto& [when, waited] : answered_) {
    if (now - when > kStatisticsWindow) continue;
    ++answered_day;
    if (waited <= rules_.service_level_target) ++within_target;
    if (now - when <= std::chrono::hours(1)) ++snapshot.answered_last_hour;
  }
  std::size_t abandoned_day = 0;
  for (Instant when : abandoned_) {
    if (now - when > kStatisticsWindow) continue;
    ++abandoned_day;
    if (now - when <= std::chrono::hours(1)) ++snapshot.abandoned_last_hour;
  }
  if (answered_day + abandoned_day > 0) {
    snapshot.service_level = static_cast<double>(within_target) / static_cast<double>(answered_day + abandoned_day);
  }
  return snapshot;
}

// --- names ---

std::string_view ChatStateName(ChatState state) {
  switch (state) {
    case ChatState::kWaiting: return "waiting";
    case ChatState::kOffered: return "offered";
    case ChatState::kActive: return "active";
    case ChatState::kTransferring: return "transferring";
    case ChatState::kEnded: return "ended";
  }
  return "ended";
}

std::string_view EndReasonName(EndReason reason) {
  switch (reason) {
    case EndReason::kCounselorEnded: return "counselor_ended";
    case EndReason::kVisitorLeft: return "visitor_left";
    case EndReason::kVisitorLost: return "visitor_lost";
    case EndReason::kAbandoned: return "abandoned";
    case EndReason::kExpired: return "expired";
    case EndReason::kWrapUpMissing: return "wrap_up_missing";
  }
  return "ended";
}

std::string_view CounselorStateName(CounselorState state) {
  switch (state) {
    case CounselorState::kOffDuty: return "off_duty";
    case CounselorState::kAvailable: return "available";
    case CounselorState::kAway: return "away";
  }
  return "off_duty";
}

std::string_view RejectionName(RejectionCode code) {
  switch (code) {
    case RejectionCode::kUnknownChat: return "unknown_chat";
    case RejectionCode::kNotYourChat: return "not_your_chat";
    case RejectionCode::kWrongState: return "wrong_state";
    case RejectionCode::kNotOnDuty: return "not_on_duty";
    case RejectionCode::kAtCapacity: return "at_capacity";
    case RejectionCode::kNoSuchOffer: return "no_such_offer";
    case RejectionCode::kTargetUnavailable: return "target_unavailable";
    case RejectionCode::kAlreadyExists: return "already_exists";
    case RejectionCode::kOfferPending: return "offer_pending";
  }
  return "wrong_state";
}

std::string_view RejectionSentence(RejectionCode code) {
  switch (code) {
    case RejectionCode::kUnknownChat: return "There is no such chat.";
    case RejectionCode::kNotYourChat: return "That chat is not yours.";
    case RejectionCode::kWrongState: return "That is not possible in the chat's current state.";
    case RejectionCode::kNotOnDuty: return "You are not on duty.";
    case RejectionCode::kAtCapacity: return "You already have as many chats as you can hold.";
    case RejectionCode::kNoSuchOffer: return "That offer is no longer open.";
    case RejectionCode::kTargetUnavailable: return "That colleague cannot take a chat now.";
    case RejectionCode::kAlreadyExists: return "That chat already exists.";
    case RejectionCode::kOfferPending: return "Answer the chat you are being offered first.";
  }
  return "Not possible.";
}

}  // namespace haven::core
