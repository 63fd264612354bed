#include "server/app/settings_mapping.h"

namespace haven::app {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::hours;

helpline::HelplineOptions HelplineOptionsFor(const Config& config, helpline::OrgInfo org) {
  const HelplineSettings& h = config.helpline;
  helpline::HelplineOptions options;
  core::HelplineRules& rules = options.rules;
  rules.max_queue_length = h.max_queue_length;
  rules.max_wait = minutes(h.max_wait_minutes);
  rules.offer_chats = h.offer_chats;
  rules.offer_timeout = seconds(h.offer_timeout_seconds);
  rules.transfer_timeout = seconds(h.transfer_timeout_seconds);
  rules.visitor_resume_window = seconds(h.visitor_resume_window_seconds);
  rules.visitor_queue_resume_window = seconds(h.visitor_queue_resume_window_seconds);
  options.max_waiting_per_network = h.max_waiting_per_network;
  rules.counselor_resume_window = seconds(h.counselor_resume_window_seconds);
  rules.position_update_interval = milliseconds(h.position_update_interval_ms);
  rules.wrap_up_window = hours(h.wrap_up_window_hours);
  rules.assumed_handle_time = minutes(h.assumed_handle_minutes);
  rules.service_level_target = seconds(h.service_level_target_seconds);
  options.relay = helpline::RelayLimits{config.relay.buffer_frames, config.relay.buffer_bytes};
  options.org = std::move(org);
  options.emergency_numbers.clear();
  for (const std::string& entry : h.emergency_numbers) {  // validated: "number|bg|en"
    auto first = entry.find('|'), second = entry.find('|', first + 1);
    options.emergency_numbers.push_back(
        {entry.substr(0, first), entry.substr(first + 1, second - first - 1), entry.substr(second + 1)});
  }
  options.wrap_up_categories = h.wrap_up_categories;
  options.wrap_up_outcomes = h.wrap_up_outcomes;
  options.hello_timeout = milliseconds(h.hello_timeout_ms);
  options.max_protocol_errors = static_cast<int>(h.max_protocol_errors);
  options.control_messages_per_second = h.control_messages_per_second;
  options.frames_per_second = h.visitor_frames_per_second;
  options.counselor_frames_per_second = h.counselor_frames_per_second;
  options.visitor_connections_per_minute = h.visitor_connections_per_minute;
  options.puzzle = helpline::PuzzleRules{h.puzzle_from_waiting, h.puzzle_from_joins_per_minute, h.puzzle_bits,
                                         h.puzzle_solutions, milliseconds(h.puzzle_timeout_ms)};
  options.max_message_bytes = config.websocket.read_message_max_bytes;
  // Validated "xx|text": the language code, then the text.
  auto by_language = [](const std::vector<std::string>& entries) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string& entry : entries) out.emplace_back(entry.substr(0, 2), entry.substr(3));
    return out;
  };
  options.canned_replies = by_language(h.canned_replies);
  options.opening_hours = by_language(h.opening_hours);
  options.confidentiality = by_language(h.confidentiality);
  return options;
}

auth::AccountPolicy AccountPolicyFor(const Config& config) {
  return auth::AccountPolicy{config.auth.require_totp, std::uint64_t{config.auth.enrolment_code_ttl_hours} * 3600};
}

auth::LoginThrottlePolicy LoginThrottlePolicyFor(const Config& config) {
  auth::LoginThrottlePolicy policy;
  policy.attempts_per_minute = config.auth.login_attempts_per_minute;
  policy.max_failures = config.auth.max_failed_logins;
  policy.lockout_base_seconds = config.auth.lockout_base_seconds;
  policy.lockout_max_seconds = config.auth.lockout_max_seconds;
  policy.suspect_attempts_per_minute = config.auth.suspect_login_attempts_per_minute;
  return policy;
}

auth::AuthApiOptions AuthApiOptionsFor(const Config& config, std::shared_ptr<const net::OriginList> origins) {
  auth::AuthApiOptions options;
  options.allowed_origins = std::move(origins);
  options.secure_cookie = config.auth.secure_cookie;
  options.session_ttl_seconds = config.storage.session_ttl_seconds;
  return options;
}

}  // namespace haven::app
