#include "server/helpline/control_writer.h"

#include <boost/json.hpp>

namespace haven::helpline {
namespace {

namespace json = boost::json;

std::string Hex(const std::uint8_t* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

std::int64_t Seconds(core::Duration duration) {
  return std::chrono::duration_cast<std::chrono::seconds>(duration).count();
}
std::int64_t Milliseconds(core::Duration duration) { return std::max<std::int64_t>(0, duration.count()); }

json::object Card(const CounselorCard& card) { return json::object{{"handle", card.handle}, {"name", card.name}}; }

json::object ProfileFields(json::object object, core::Lane lane, const core::VisitorProfile& profile) {
  object["lane"] = core::LaneName(lane);
  object["language"] = core::LanguageCode(profile.language);
  object["age_band"] = core::AgeBandCode(profile.age_band);
  return object;
}

json::object OrgObject(const OrgInfo& org) {
  json::array signing, revocations;
  for (const auto& hex : org.signing_certificates_hex) signing.emplace_back(hex);
  for (const auto& hex : org.revocation_lists_hex) revocations.emplace_back(hex);
  return json::object{{"name", org.name},
                      {"root_key", org.root_key_hex},
                      {"fingerprint", org.fingerprint_hex},
                      {"signing_certificates", signing},
                      {"revocation_lists", revocations}};
}

std::string_view WithdrawReasonName(core::WithdrawReason reason) {
  switch (reason) {
    case core::WithdrawReason::kDeclined: return "declined";
    case core::WithdrawReason::kTimedOut: return "timed_out";
    case core::WithdrawReason::kVisitorLeft: return "visitor_left";
    case core::WithdrawReason::kCounselorLeft: return "counselor_left";
  }
  return "declined";
}

std::string Serialize(const json::object& object) { return json::serialize(object); }

// A whole number of the options (a rate kept as a double) as a JSON integer, not "5E1".
std::uint64_t Count(double value) { return static_cast<std::uint64_t>(value); }

json::array EmergencyNumbers(const HelplineOptions& options) {
  json::array numbers;
  for (const auto& number : options.emergency_numbers) {
    numbers.push_back(json::object{{"number", number.number},
                                   {"label", json::object{{"bg", number.label_bg}, {"en", number.label_en}}}});
  }
  return numbers;
}

// {"bg": TEXT, "en": TEXT} from (language, text) pairs, or null when there are none. A language
// the config leaves out gets the other one's text rather than nothing.
json::value TextByLanguage(const std::vector<std::pair<std::string, std::string>>& entries) {
  if (entries.empty()) return nullptr;
  json::object texts;
  for (const auto& [language, text] : entries) {
    auto& slot = texts[language];
    slot = slot.is_string() ? json::value(std::string(slot.as_string()) + " " + text) : json::value(text);
  }
  for (const char* language : {"bg", "en"}) {
    if (!texts.contains(language)) texts[language] = json::value(texts.begin()->value());
  }
  return texts;
}

}  // namespace

std::string HexOf(const core::ChatId& chat) { return Hex(chat.bytes.data(), chat.bytes.size()); }

std::string ErrorMessage(ControlError error) {
  return Serialize({{"type", "error"}, {"code", ControlErrorName(error)}, {"message", ControlErrorSentence(error)}});
}

std::string RejectedMessage(core::RejectionCode code, const std::optional<core::ChatId>& chat) {
  json::object object{{"type", "rejected"}, {"code", core::RejectionName(code)}, {"message", core::RejectionSentence(code)}};
  if (chat) object["chat_id"] = HexOf(*chat);
  return Serialize(object);
}

std::string RejectedMessage(ControlError error, const std::optional<core::ChatId>& chat) {
  json::object object{{"type", "rejected"}, {"code", ControlErrorName(error)}, {"message", ControlErrorSentence(error)}};
  if (chat) object["chat_id"] = HexOf(*chat);
  return Serialize(object);
}

std::string NotAllowedMessage() {
  return Serialize({{"type", "rejected"}, {"code", "not_allowed"}, {"message", "Only supervisors may do that."}});
}

std::string WelcomeMessage(const HelplineOptions& options, const JoinPuzzle* puzzle) {
  json::object welcome{{"type", "welcome"},
                       {"protocol", 1},
                       {"org", OrgObject(options.org)},
                       {"emergency_numbers", EmergencyNumbers(options)},
                       {"limits", json::object{{"max_text_bytes", 4000},
                                               {"max_message_bytes", options.max_message_bytes},
                                               {"frames_per_second", Count(options.frames_per_second)},
                                               {"frame_burst", Count(2 * options.frames_per_second)}}}};
  if (puzzle) {
    welcome["puzzle"] = json::object{{"challenge", Hex(puzzle->challenge.data(), puzzle->challenge.size())},
                                     {"bits", puzzle->bits},
                                     {"solutions", puzzle->solutions}};
  }
  return Serialize(std::move(welcome));
}

std::string VisitorInfo(const HelplineOptions& options, bool on_duty) {
  return Serialize({{"org", json::object{{"name", options.org.name}}},
                    {"emergency_numbers", EmergencyNumbers(options)},
                    {"on_duty", on_duty},
                    {"opening_hours", TextByLanguage(options.opening_hours)},
                    {"confidentiality", TextByLanguage(options.confidentiality)}});
}

std::string JoinedMessage(const core::ChatId& chat, const Token& resume_token, core::Lane lane) {
  return Serialize({{"type", "joined"},
                    {"chat_id", HexOf(chat)},
                    {"resume_token", Hex(resume_token.data(), resume_token.size())},
                    {"lane", core::LaneName(lane)}});
}

std::string RefusedMessage(std::string_view reason) { return Serialize({{"type", "refused"}, {"reason", reason}}); }

std::string ResumedMessage(core::ChatState state, std::uint16_t leg, const std::optional<CounselorCard>& counselor) {
  bool waiting = state == core::ChatState::kWaiting || state == core::ChatState::kOffered;
  json::object object{{"type", "resumed"}, {"state", waiting ? "waiting" : "active"}, {"leg", leg}};
  if (counselor) object["counselor"] = Card(*counselor);
  return Serialize(object);
}

std::string QueueMessage(const core::QueueStatus& status) {
  json::value estimate = nullptr;
  if (status.estimate.counselors_on_duty) {
    estimate = json::object{{"low_minutes", Seconds(status.estimate.low) / 60},
                            {"high_minutes", Seconds(status.estimate.high) / 60}};
  }
  return Serialize({{"type", "queue"}, {"position", status.position}, {"estimate", estimate}});
}

std::string VisitorAssignedMessage(std::uint16_t leg, const CounselorCard& counselor, bool requeued) {
  return Serialize({{"type", "assigned"}, {"leg", leg}, {"counselor", Card(counselor)}, {"requeued", requeued}});
}

std::string RequeuedMessage(std::uint16_t next_leg) {
  return Serialize({{"type", "requeued"}, {"next_leg", next_leg}});
}

std::string VisitorPeerMessage(bool connected) { return Serialize({{"type", "peer"}, {"connected", connected}}); }

std::string VisitorEndedMessage(core::EndReason reason) {
  return Serialize({{"type", "ended"}, {"reason", core::EndReasonName(reason)}});
}

std::string ReadyMessage(const CounselorCard& me, std::string_view role, int max_chats, const HelplineOptions& options,
                         const std::vector<ReadyChat>& chats) {
  json::array list;
  for (const auto& chat : chats) {
    list.push_back(ProfileFields(json::object{{"chat_id", HexOf(chat.chat)},
                                              {"leg", chat.leg},
                                              {"state", core::ChatStateName(chat.state)}},
                                 chat.lane, chat.profile));
  }
  json::array bg, en, categories, outcomes;
  for (const auto& [language, text] : options.canned_replies) (language == "bg" ? bg : en).emplace_back(text);
  for (const auto& code : options.wrap_up_categories) categories.emplace_back(code);
  for (const auto& code : options.wrap_up_outcomes) outcomes.emplace_back(code);
  return Serialize({{"type", "ready"},
                    {"handle", me.handle},
                    {"name", me.name},
                    {"role", role},
                    {"max_chats", max_chats},
                    {"org", OrgObject(options.org)},
                    {"chats", list},
                    {"canned_replies", json::object{{"bg", bg}, {"en", en}}},
                    {"wrap_up", json::object{{"categories", categories}, {"outcomes", outcomes}}},
                    {"limits", json::object{{"frames_per_second", Count(options.counselor_frames_per_second)},
                                            {"frame_burst", Count(2 * options.counselor_frames_per_second)}}}});
}

std::string OperatorSnapshotMessage(const core::HelplineSnapshot& snapshot, const std::vector<OperatorHistory::Bucket>& history,
                                    core::Duration service_level_target, core::Instant now) {
  json::value estimate = nullptr;
  if (snapshot.estimate_for_newcomer.counselors_on_duty) {
    estimate = json::object{{"low_minutes", Seconds(snapshot.estimate_for_newcomer.low) / 60},
                            {"high_minutes", Seconds(snapshot.estimate_for_newcomer.high) / 60}};
  }
  json::value service_level = nullptr;
  if (snapshot.service_level) service_level = *snapshot.service_level;
  json::array buckets;
  for (const auto& bucket : history) {
    buckets.push_back(json::object{{"at", bucket.at},
                                   {"waiting", bucket.waiting},
                                   {"active", bucket.active},
                                   {"answered", bucket.answered},
                                   {"abandoned", bucket.abandoned}});
  }
  return Serialize({{"type", "operator_snapshot"},
                    {"at", Seconds(now.time_since_epoch())},
                    {"waiting", json::object{{"danger", snapshot.waiting_by_lane[0]},
                                             {"minor", snapshot.waiting_by_lane[1]},
                                             {"general", snapshot.waiting_by_lane[2]}}},
                    {"longest_wait_seconds", Seconds(snapshot.longest_wait)},
                    {"median_wait_seconds", Seconds(snapshot.median_wait)},
                    {"estimate", estimate},
                    {"counselors_on_duty", snapshot.counselors_on_duty},
                    {"counselors_available", snapshot.counselors_available},
                    {"capacity", snapshot.capacity},
                    {"free_capacity", snapshot.free_capacity},
                    {"active_chats", snapshot.active_chats},
                    {"answered_last_hour", snapshot.answered_last_hour},
                    {"abandoned_last_hour", snapshot.abandoned_last_hour},
                    {"service_level", service_level},
                    {"service_level_target_seconds", Seconds(service_level_target)},
                    {"history", buckets}});
}

std::string StatusMessage(core::CounselorState state, int load, int capacity) {
  return Serialize({{"type", "status"}, {"state", core::CounselorStateName(state)}, {"load", load}, {"capacity", capacity}});
}

std::string QueueOverviewMessage(const std::vector<core::WaitingSummary>& waiting, std::size_t total, core::Instant now) {
  json::array list;
  for (const auto& entry : waiting) {
    list.push_back(ProfileFields(json::object{{"waited_seconds", Seconds(now - entry.queued_at)}}, entry.lane,
                                 entry.profile));
  }
  return Serialize({{"type", "queue_overview"}, {"waiting", list}, {"total", total}});
}

std::string OfferMessage(const core::Conversation& chat, core::Instant now, core::Instant deadline) {
  return Serialize(ProfileFields(json::object{{"type", "offer"},
                                              {"chat_id", HexOf(chat.id)},
                                              {"waited_seconds", Seconds(now - chat.queued_at)},
                                              {"expires_in_ms", Milliseconds(deadline - now)}},
                                 chat.lane, chat.profile));
}

std::string OfferWithdrawnMessage(const core::ChatId& chat, core::WithdrawReason reason) {
  return Serialize({{"type", "offer_withdrawn"}, {"chat_id", HexOf(chat)}, {"reason", WithdrawReasonName(reason)}});
}

std::string CounselorAssignedMessage(const core::Conversation& chat, bool requeued) {
  return Serialize(ProfileFields(
      json::object{{"type", "assigned"}, {"chat_id", HexOf(chat.id)}, {"leg", chat.leg}, {"requeued", requeued}},
      chat.lane, chat.profile));
}

std::string NothingToTakeMessage() { return Serialize({{"type", "nothing_to_take"}}); }

std::string ColleaguesMessage(const std::vector<ColleagueEntry>& colleagues) {
  json::array list;
  for (const auto& colleague : colleagues) {
    list.push_back(json::object{{"handle", colleague.handle},
                                {"name", colleague.name},
                                {"available", colleague.available},
                                {"certificate", colleague.certificate_hex}});
  }
  return Serialize({{"type", "colleagues"}, {"list", list}});
}

std::string TransferOfferMessage(const core::Conversation& chat, const CounselorCard& from, core::Instant now,
                                 core::Instant deadline, std::span<const std::uint8_t> note) {
  json::object object{{"type", "transfer_offer"},
                      {"chat_id", HexOf(chat.id)},
                      {"from", Card(from)},
                      {"leg", chat.leg + 1},
                      {"expires_in_ms", Milliseconds(deadline - now)}};
  if (!note.empty()) object["note"] = Hex(note.data(), note.size());
  return Serialize(ProfileFields(std::move(object), chat.lane, chat.profile));
}

std::string TransferResultMessage(const core::ChatId& chat, std::string_view to, bool accepted) {
  return Serialize({{"type", "transfer_result"}, {"chat_id", HexOf(chat)}, {"to", to}, {"accepted", accepted}});
}

std::string CounselorPeerMessage(const core::ChatId& chat, bool connected) {
  return Serialize({{"type", "peer"}, {"chat_id", HexOf(chat)}, {"connected", connected}});
}

std::string CounselorEndedMessage(const core::ChatId& chat, core::EndReason reason) {
  return Serialize({{"type", "ended"}, {"chat_id", HexOf(chat)}, {"reason", core::EndReasonName(reason)}});
}

std::string ReleasedMessage(const core::ChatId& chat) {
  return Serialize({{"type", "released"}, {"chat_id", HexOf(chat)}});
}

std::string WrapUpSavedMessage(const core::ChatId& chat) {
  return Serialize({{"type", "wrap_up_saved"}, {"chat_id", HexOf(chat)}});
}

}  // namespace haven::helpline
