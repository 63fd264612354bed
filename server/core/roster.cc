#include "server/core/roster.h"

#include <algorithm>

namespace haven::core {

Counselor* Roster::Find(const CounselorHandle& handle) {
  auto it = counselors_.find(handle);
  return it == counselors_.end() ? nullptr : &it->second;
}

const Counselor* Roster::Find(const CounselorHandle& handle) const {
  auto it = counselors_.find(handle);
  return it == counselors_.end() ? nullptr : &it->second;
}

Counselor& Roster::Upsert(const CounselorHandle& handle) {
  auto& counselor = counselors_[handle];
  counselor.handle = handle;
  return counselor;
}

bool Roster::AnyoneOnDuty() const {
  return std::ranges::any_of(counselors_, [](const auto& entry) { return entry.second.OnDuty(); });
}

int Roster::Slots() const {
  int slots = 0;
  for (const auto& [handle, counselor] : counselors_) {
    if (counselor.Reachable()) slots += counselor.profile.max_chats;
  }
  return slots;
}

int Roster::FreeSlots() const {
  int free = 0;
  for (const auto& [handle, counselor] : counselors_) {
    if (counselor.Reachable()) free += std::max(0, counselor.profile.max_chats - counselor.Load());
  }
  return free;
}

bool Roster::AnyReachableSpeaks(Language language) const {
  return std::ranges::any_of(counselors_, [&](const auto& entry) {
    return entry.second.Reachable() && entry.second.profile.languages.contains(language);
  });
}

bool Roster::AnyReachableHasSkill(std::string_view skill) const {
  return std::ranges::any_of(counselors_, [&](const auto& entry) {
    return entry.second.Reachable() && entry.second.profile.skills.contains(std::string(skill));
  });
}

}  // namespace haven::core
