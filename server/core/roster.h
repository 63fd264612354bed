// The counselors the helpline knows right now: duty state, connection, the chats each holds
// and the offers and transfers waiting for its answer. Capacity counts all three, so a
// counselor is never offered more than it can hold.
//
// Pure data structure; not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>

#include "server/core/effects.h"
#include "server/core/ids.h"
#include "server/core/instant.h"
#include "server/core/profile.h"

namespace haven::core {

struct Counselor {
  CounselorHandle handle;
  CounselorProfile profile;
  CounselorState state = CounselorState::kOffDuty;
  bool connected = true;
  std::optional<Instant> disconnected_at;
  std::set<ChatId> chats;                    // chats it holds, including ones it is transferring away
  std::optional<ChatId> offer;               // a waiting chat offered to it
  std::optional<ChatId> incoming_transfer;   // a chat a colleague wants to hand to it
  Instant last_assigned_at{};

  int Load() const {
    return static_cast<int>(chats.size()) + (offer ? 1 : 0) + (incoming_transfer ? 1 : 0);
  }
  bool HasCapacity() const { return Load() < profile.max_chats; }
  bool OnDuty() const { return state != CounselorState::kOffDuty; }
  bool Reachable() const { return state == CounselorState::kAvailable && connected; }
};

class Roster {
 public:
  Counselor* Find(const CounselorHandle& handle);
  const Counselor* Find(const CounselorHandle& handle) const;
  Counselor& Upsert(const CounselorHandle& handle);
  void Erase(const CounselorHandle& handle) { counselors_.erase(handle); }

  std::map<CounselorHandle, Counselor>& all() { return counselors_; }
  const std::map<CounselorHandle, Counselor>& all() const { return counselors_; }

  bool AnyoneOnDuty() const;
  // Chat slots of available, connected counselors, and how many of them are free.
  int Slots() const;
  int FreeSlots() const;
  // Whether any available counselor speaks `language` / has `skill`: the routing rules are
  // strict only when someone could meet them.
  bool AnyReachableSpeaks(Language language) const;
  bool AnyReachableHasSkill(std::string_view skill) const;

 private:
  std::map<CounselorHandle, Counselor> counselors_;
};

}  // namespace haven::core
