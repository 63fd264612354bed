#include "storage/family.h"

namespace haven::storage {

std::string_view FamilyName(Family family) {
  switch (family) {
    case Family::kAccounts: return "accounts";
    case Family::kSessions: return "sessions";
    case Family::kConversations: return "conversations";
    case Family::kStats: return "stats";
    case Family::kAudit: return "audit";
  }
  return "unknown";
}

std::optional<Family> FamilyFromName(std::string_view name) {
  for (Family family : kAllFamilies) {
    if (FamilyName(family) == name) return family;
  }
  return std::nullopt;
}

}  // namespace haven::storage
