#include "server/helpline/record_mapping.h"

namespace haven::helpline {
namespace {

storage::ConversationState StoredState(const core::ConversationRecord& record) {
  switch (record.state) {
    case core::ChatState::kWaiting: return storage::ConversationState::kWaiting;
    case core::ChatState::kOffered: return storage::ConversationState::kOffered;
    case core::ChatState::kActive:
    case core::ChatState::kTransferring: return storage::ConversationState::kActive;
    case core::ChatState::kEnded: break;
  }
  if (record.end_reason == core::EndReason::kAbandoned) return storage::ConversationState::kAbandoned;
  if (record.end_reason == core::EndReason::kExpired) return storage::ConversationState::kExpired;
  return storage::ConversationState::kEnded;
}

std::string OrUnspecified(std::string_view code) { return code.empty() ? "unspecified" : std::string(code); }

}  // namespace

std::uint64_t UnixSeconds(core::Instant instant) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(instant.time_since_epoch()).count();
  return seconds < 0 ? 0 : static_cast<std::uint64_t>(seconds);
}

storage::ConversationRecord ToStoredConversation(const core::ConversationRecord& record,
                                                 const crypto::Digest& resume_verifier) {
  storage::ConversationRecord stored;
  stored.chat_id.assign(record.chat.bytes.begin(), record.chat.bytes.end());
  stored.state = StoredState(record);
  stored.queued_at = UnixSeconds(record.queued_at);
  stored.accepted_at = record.accepted_at ? UnixSeconds(*record.accepted_at) : 0;
  stored.ended_at = record.ended_at ? UnixSeconds(*record.ended_at) : 0;
  stored.lane = std::string(core::LaneName(record.lane));
  stored.language = std::string(core::LanguageCode(record.profile.language));
  stored.age_band = std::string(core::AgeBandCode(record.profile.age_band));
  stored.counselor_handle = record.counselor.value_or("");
  stored.outcome = record.end_reason ? std::string(core::EndReasonName(*record.end_reason)) : "";
  stored.resume_verifier.assign(resume_verifier.begin(), resume_verifier.end());
  stored.leg = record.leg;
  return stored;
}

std::optional<core::RestoreChat> ToRestoreCommand(const storage::ConversationRecord& stored) {
  bool waiting = stored.state == storage::ConversationState::kWaiting ||
                 stored.state == storage::ConversationState::kOffered;
  bool active = stored.state == storage::ConversationState::kActive && !stored.counselor_handle.empty();
  if ((!waiting && !active) || stored.chat_id.size() != 16 || stored.leg > 0xffff) return std::nullopt;
  core::RestoreChat command;
  std::copy(stored.chat_id.begin(), stored.chat_id.end(), command.chat.bytes.begin());
  auto language = ParseLanguage(stored.language);
  auto age_band = ParseAgeBand(stored.age_band);
  if (!language || !age_band) return std::nullopt;
  command.profile.language = *language;
  command.profile.age_band = *age_band;
  // The lane is the only trace of the danger answer that is kept.
  command.profile.in_danger = stored.lane == "danger" ? core::DangerAnswer::kYes : core::DangerAnswer::kUnspecified;
  command.queued_at = core::Instant(std::chrono::seconds(stored.queued_at));
  command.leg = static_cast<std::uint16_t>(stored.leg);
  if (active) {
    command.counselor = stored.counselor_handle;
    command.accepted_at = core::Instant(std::chrono::seconds(stored.accepted_at));
  }
  return command;
}

storage::StatsEvent StatsEventFor(const core::ConversationRecord& record, const WrapUpRequest* wrap_up,
                                  core::Instant now) {
  storage::StatsEvent event;
  event.time = UnixSeconds(record.ended_at.value_or(now));
  if (wrap_up) event.categories = wrap_up->categories;
  if (event.categories.empty()) event.categories.push_back("uncategorised");
  event.language = OrUnspecified(core::LanguageCode(record.profile.language));
  core::AgeBand band = record.profile.age_band;
  if (wrap_up && wrap_up->age_band != core::AgeBand::kUnspecified) band = wrap_up->age_band;
  event.age_band = OrUnspecified(core::AgeBandCode(band));
  event.outcome = wrap_up ? wrap_up->outcome
                          : std::string(record.end_reason ? core::EndReasonName(*record.end_reason) : "ended");
  if (record.accepted_at) event.wait_seconds = UnixSeconds(*record.accepted_at) - UnixSeconds(record.queued_at);
  if (record.accepted_at && record.ended_at) {
    event.handling_seconds = UnixSeconds(*record.ended_at) - UnixSeconds(*record.accepted_at);
  }
  return event;
}

}  // namespace haven::helpline
