#include "server/helpline/control_messages.h"

#include <algorithm>
#include <initializer_list>
#include <optional>

#include "server/helpline/join_puzzle.h"
#include "server/json/strict_fields.h"

namespace haven::helpline {
namespace {

namespace json = boost::json;
using Unexpected = std::unexpected<ControlError>;

constexpr std::size_t kMaxCategories = 16;
constexpr std::size_t kMaxCodeLength = 64;

// The fields of one message, plus the chat id reading every message needs.
class Fields : public haven::json::StrictFields {
 public:
  using StrictFields::StrictFields;
  std::optional<core::ChatId> Chat(std::string_view key) const {
    auto bytes = Hex<16>(key);
    if (!bytes) return std::nullopt;
    return core::ChatId{*bytes};
  }
};

std::expected<boost::json::object, ControlError> ParseObject(std::string_view text) {
  auto object = haven::json::StrictFields::ParseObject(text);
  if (!object || !object->contains("type") || !object->at("type").is_string()) {
    return Unexpected(ControlError::kBadMessage);
  }
  return std::move(*object);
}

bool IsCode(std::string_view code) {
  return !code.empty() && code.size() <= kMaxCodeLength && std::ranges::all_of(code, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::expected<core::VisitorProfile, ControlError> ParseProfile(const json::object* object) {
  if (!object) return Unexpected(ControlError::kBadMessage);
  Fields fields(*object);
  if (!fields.OnlyThese({"language", "age_band", "in_danger"})) return Unexpected(ControlError::kBadMessage);
  auto language = fields.String("language");
  auto age_band = fields.String("age_band");
  auto in_danger = fields.String("in_danger");
  if (!language || !age_band || !in_danger) return Unexpected(ControlError::kBadMessage);
  core::VisitorProfile profile;
  auto parsed_language = ParseLanguage(*language);
  auto parsed_age = ParseAgeBand(*age_band);
  if (!parsed_language || !parsed_age) return Unexpected(ControlError::kBadMessage);
  profile.language = *parsed_language;
  profile.age_band = *parsed_age;
  if (*in_danger == "yes") {
    profile.in_danger = core::DangerAnswer::kYes;
  } else if (*in_danger == "no") {
    profile.in_danger = core::DangerAnswer::kNo;
  } else if (in_danger->empty()) {
    profile.in_danger = core::DangerAnswer::kUnspecified;
  } else {
    return Unexpected(ControlError::kBadMessage);
  }
  return profile;
}

// The puzzle's nonces: 1 to kMaxPuzzleSolutions integers in [0, 2^32). Whether they solve the
// connection's puzzle is the service's business.
std::expected<std::vector<std::uint32_t>, ControlError> ParseSolution(const json::array* array) {
  if (!array || array->empty() || array->size() > kMaxPuzzleSolutions) return Unexpected(ControlError::kBadMessage);
  std::vector<std::uint32_t> nonces;
  nonces.reserve(array->size());
  for (const json::value& value : *array) {
    std::int64_t nonce = 0;
    if (value.is_int64()) {
      nonce = value.get_int64();
    } else if (value.is_uint64() && value.get_uint64() <= UINT32_MAX) {
      nonce = static_cast<std::int64_t>(value.get_uint64());
    } else {
      return Unexpected(ControlError::kBadMessage);
    }
    if (nonce < 0 || nonce > UINT32_MAX) return Unexpected(ControlError::kBadMessage);
    nonces.push_back(static_cast<std::uint32_t>(nonce));
  }
  return nonces;
}

}  // namespace

std::expected<core::Language, ControlError> ParseLanguage(std::string_view code) {
  if (code == "bg") return core::Language::kBulgarian;
  if (code == "en") return core::Language::kEnglish;
  if (code.empty()) return core::Language::kUnspecified;
  return Unexpected(ControlError::kBadMessage);
}

std::expected<core::AgeBand, ControlError> ParseAgeBand(std::string_view code) {
  for (auto band : {core::AgeBand::kUnspecified, core::AgeBand::kUnder13, core::AgeBand::k13To17,
                    core::AgeBand::k18To25, core::AgeBand::k26To40, core::AgeBand::k41To60, core::AgeBand::k61Plus}) {
    if (core::AgeBandCode(band) == code) return band;
  }
  return Unexpected(ControlError::kBadMessage);
}

std::expected<VisitorMessage, ControlError> ParseVisitorMessage(std::string_view text) {
  auto object = ParseObject(text);
  if (!object) return Unexpected(object.error());
  Fields fields(*object);
  std::string_view type = *fields.String("type");
  if (type == "join") {
    if (!fields.OnlyThese({"type", "profile", "solution"})) return Unexpected(ControlError::kBadMessage);
    auto profile = ParseProfile(fields.Object("profile"));
    if (!profile) return Unexpected(profile.error());
    JoinRequest join{*profile, {}};
    if (fields.Contains("solution")) {
      auto solution = ParseSolution(fields.Array("solution"));
      if (!solution) return Unexpected(solution.error());
      join.solution = std::move(*solution);
    }
    return join;
  }
  if (type == "resume") {
    auto chat = fields.Chat("chat_id");
    auto token = fields.Hex<32>("resume_token");
    if (!fields.OnlyThese({"type", "chat_id", "resume_token"}) || !chat || !token) {
      return Unexpected(ControlError::kBadMessage);
    }
    return ResumeRequest{*chat, *token};
  }
  if (type == "leave") {
    if (!fields.OnlyThese({"type"})) return Unexpected(ControlError::kBadMessage);
    return LeaveRequest{};
  }
  return Unexpected(ControlError::kUnknownType);
}

std::expected<CounselorMessage, ControlError> ParseCounselorMessage(std::string_view text) {
  auto object = ParseObject(text);
  if (!object) return Unexpected(object.error());
  Fields fields(*object);
  std::string_view type = *fields.String("type");
  auto bad = [] { return Unexpected(ControlError::kBadMessage); };

  if (type == "auth") {
    auto ticket = fields.Hex<32>("ticket");
    if (!fields.OnlyThese({"type", "ticket"}) || !ticket) return bad();
    return AuthRequest{*ticket};
  }
  if (type == "duty") {
    auto state = fields.String("state");
    if (!fields.OnlyThese({"type", "state"}) || !state) return bad();
    if (*state == "available") return DutyRequest{DutyState::kAvailable};
    if (*state == "away") return DutyRequest{DutyState::kAway};
    if (*state == "off") return DutyRequest{DutyState::kOff};
    return bad();
  }
  if (type == "take_next" || type == "colleagues" || type == "watch") {
    if (!fields.OnlyThese({"type"})) return bad();
    if (type == "take_next") return TakeNextRequest{};
    if (type == "watch") return WatchRequest{};
    return ColleaguesRequest{};
  }
  if (type == "answer_offer" || type == "answer_transfer") {
    auto chat = fields.Chat("chat_id");
    auto accept = fields.Bool("accept");
    if (!fields.OnlyThese({"type", "chat_id", "accept"}) || !chat || !accept) return bad();
    if (type == "answer_offer") return AnswerOfferRequest{*chat, *accept};
    return AnswerTransferRequest{*chat, *accept};
  }
  if (type == "transfer") {
    auto chat = fields.Chat("chat_id");
    auto to = fields.String("to");
    if (!fields.OnlyThese({"type", "chat_id", "to", "note"}) || !chat || !to || to->empty() || to->size() > 32) return bad();
    std::vector<std::uint8_t> note;
    if (object->contains("note")) {
      auto bytes = fields.HexBytes("note", kMaxHandoverNoteBytes);
      if (!bytes || bytes->size() < kMinHandoverNoteBytes) return bad();
      note = std::move(*bytes);
    }
    return TransferRequest{*chat, std::string(*to), std::move(note)};
  }
  if (type == "end" || type == "release") {
    auto chat = fields.Chat("chat_id");
    if (!fields.OnlyThese({"type", "chat_id"}) || !chat) return bad();
    if (type == "release") return ReleaseRequest{*chat};
    return EndRequest{*chat};
  }
  if (type == "wrap_up") {
    auto chat = fields.Chat("chat_id");
    const json::array* categories = fields.Array("categories");
    auto age_band = fields.String("age_band");
    auto outcome = fields.String("outcome");
    auto referral = fields.Bool("referral");
    if (!fields.OnlyThese({"type", "chat_id", "categories", "age_band", "outcome", "referral"}) || !chat ||
        !categories || !age_band || !outcome || !referral || !IsCode(*outcome) || categories->size() > kMaxCategories) {
      return bad();
    }
    WrapUpRequest request{*chat, {}, core::AgeBand::kUnspecified, std::string(*outcome), *referral};
    auto band = ParseAgeBand(*age_band);
    if (!band) return bad();
    request.age_band = *band;
    for (const json::value& category : *categories) {
      if (!category.is_string() || !IsCode(category.get_string())) return bad();
      request.categories.emplace_back(category.get_string());
    }
    return request;
  }
  return Unexpected(ControlError::kUnknownType);
}

}  // namespace haven::helpline
