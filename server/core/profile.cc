#include "server/core/profile.h"

namespace haven::core {

bool IsMinor(AgeBand band) { return band == AgeBand::kUnder13 || band == AgeBand::k13To17; }

Lane LaneFor(const VisitorProfile& profile) {
  if (profile.in_danger == DangerAnswer::kYes) return Lane::kDanger;
  if (IsMinor(profile.age_band)) return Lane::kMinor;
  return Lane::kGeneral;
}

std::string_view LanguageCode(Language language) {
  switch (language) {
    case Language::kBulgarian: return "bg";
    case Language::kEnglish: return "en";
    case Language::kUnspecified: return "";
  }
  return "";
}

std::string_view AgeBandCode(AgeBand band) {
  switch (band) {
    case AgeBand::kUnder13: return "under13";
    case AgeBand::k13To17: return "13-17";
    case AgeBand::k18To25: return "18-25";
    case AgeBand::k26To40: return "26-40";
    case AgeBand::k41To60: return "41-60";
    case AgeBand::k61Plus: return "61+";
    case AgeBand::kUnspecified: return "";
  }
  return "";
}

std::string_view LaneName(Lane lane) {
  switch (lane) {
    case Lane::kDanger: return "danger";
    case Lane::kMinor: return "minor";
    case Lane::kGeneral: return "general";
  }
  return "general";
}

}  // namespace haven::core
