// What the core knows about a visitor (the optional pre-chat answers, each with "prefer not
// to say") and about a counselor (languages, skills, capacity). Nothing else exists.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "server/core/ids.h"

namespace haven::core {

enum class Language : std::uint8_t { kUnspecified, kBulgarian, kEnglish };
enum class AgeBand : std::uint8_t { kUnspecified, kUnder13, k13To17, k18To25, k26To40, k41To60, k61Plus };
enum class DangerAnswer : std::uint8_t { kUnspecified, kNo, kYes };

// Priority lanes, highest first. The rule is transparent and simple: a visitor in danger now
// comes first, then anyone under 18, then everyone else; arrival order within a lane.
enum class Lane : std::uint8_t { kDanger = 0, kMinor = 1, kGeneral = 2 };
inline constexpr int kLaneCount = 3;

struct VisitorProfile {
  Language language = Language::kUnspecified;
  AgeBand age_band = AgeBand::kUnspecified;
  DangerAnswer in_danger = DangerAnswer::kUnspecified;
  bool operator==(const VisitorProfile&) const = default;
};

Lane LaneFor(const VisitorProfile& profile);
bool IsMinor(AgeBand band);

// The skill a counselor needs to be preferred for visitors under 18.
inline constexpr std::string_view kChildSkill = "child";

struct CounselorProfile {
  std::set<Language> languages;
  std::set<std::string> skills;
  int max_chats = 2;
  bool operator==(const CounselorProfile&) const = default;
};

std::string_view LanguageCode(Language language);  // "bg", "en", "" (unspecified)
std::string_view AgeBandCode(AgeBand band);        // "under13", "13-17", ... , "" (unspecified)
std::string_view LaneName(Lane lane);              // "danger", "minor", "general"

}  // namespace haven::core
