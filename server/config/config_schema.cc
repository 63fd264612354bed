#include "server/config/config_schema.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <toml++/toml.h>
#include <vector>

namespace haven {
namespace {

using std::chrono::milliseconds;

std::optional<std::int64_t> ParseInteger(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string RangeSentence(std::int64_t min, std::int64_t max) {
  return "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

// An integer field whose C++ type is T (an arithmetic type or milliseconds).
template <typename T>
ConfigField IntegerField(std::string_view section, std::string_view key, std::string_view kind,
                         T& (*member)(Config&), std::int64_t min, std::int64_t max) {
  auto set = [member, min, max](Config& config, std::optional<std::int64_t> value) -> std::optional<std::string> {
    if (!value || *value < min || *value > max) return RangeSentence(min, max);
    if constexpr (std::is_same_v<T, milliseconds>) {
      member(config) = milliseconds(*value);
    } else {
      member(config) = static_cast<T>(*value);
    }
    return std::nullopt;
  };
  return ConfigField{
      section, key, kind,
      [set](Config& config, const toml::node& node) { return set(config, node.value_exact<std::int64_t>()); },
      [set](Config& config, std::string_view text) { return set(config, ParseInteger(text)); }};
}

ConfigField StringField(std::string_view section, std::string_view key, std::string& (*member)(Config&),
                        std::function<std::optional<std::string>(std::string_view)> check) {
  auto set = [member, check](Config& config, std::string_view value) -> std::optional<std::string> {
    if (check) {
      if (auto problem = check(value)) return problem;
    }
    member(config) = std::string(value);
    return std::nullopt;
  };
  return ConfigField{section, key, "string",
                     [set](Config& config, const toml::node& node) -> std::optional<std::string> {
                       auto value = node.value_exact<std::string>();
                       if (!value) return "must be a string";
                       return set(config, *value);
                     },
                     set};
}

ConfigField BooleanField(std::string_view section, std::string_view key, bool& (*member)(Config&)) {
  return ConfigField{section, key, "boolean",
                     [member](Config& config, const toml::node& node) -> std::optional<std::string> {
                       auto value = node.value_exact<bool>();
                       if (!value) return "must be true or false";
                       member(config) = *value;
                       return std::nullopt;
                     },
                     [member](Config& config, std::string_view text) -> std::optional<std::string> {
                       if (text != "true" && text != "false") return "must be true or false";
                       member(config) = text == "true";
                       return std::nullopt;
                     }};
}

ConfigField StringListField(std::string_view section, std::string_view key,
                            std::vector<std::string>& (*member)(Config&),
                            std::function<std::optional<std::string>(std::string_view)> check_item) {
  auto set = [member, check_item](Config& config, std::vector<std::string> items) -> std::optional<std::string> {
    for (const auto& item : items) {
      if (auto problem = check_item(item)) return "item \"" + item + "\" " + *problem;
    }
    member(config) = std::move(items);
    return std::nullopt;
  };
  return ConfigField{section, key, "string list",
                     [set](Config& config, const toml::node& node) -> std::optional<std::string> {
                       const auto* array = node.as_array();
                       if (!array) return "must be a list of strings";
                       std::vector<std::string> items;
                       for (const auto& element : *array) {
                         auto value = element.value_exact<std::string>();
                         if (!value) return "must be a list of strings";
                         items.push_back(*value);
                       }
                       return set(config, std::move(items));
                     },
                     [set](Config& config, std::string_view text) {
                       std::vector<std::string> items;
                       while (!text.empty()) {
                         auto comma = text.find(',');
                         items.emplace_back(text.substr(0, comma));
                         text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
                       }
                       return set(config, std::move(items));
                     }};
}

std::optional<std::string> CheckOrigin(std::string_view origin) {
  // An origin is scheme://host[:port] with nothing after it; browsers send exactly that.
  bool http = origin.starts_with("http://"), https = origin.starts_with("https://");
  if (!http && !https) return "must start with http:// or https://";
  auto rest = origin.substr(http ? 7 : 8);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos || origin.back() == ':') {
    return "must be scheme://host[:port] with no path";
  }
  return std::nullopt;
}

std::optional<std::string> CheckIpAddress(std::string_view text) {
  std::string address(text);
  unsigned char bytes[16];
  if (::inet_pton(AF_INET, address.c_str(), bytes) == 1 || ::inet_pton(AF_INET6, address.c_str(), bytes) == 1) {
    return std::nullopt;
  }
  return "must be an IPv4 or IPv6 address";
}

std::optional<std::string> CheckLogLevel(std::string_view level) {
  if (level == "debug" || level == "info" || level == "warn" || level == "error") return std::nullopt;
  return "must be one of debug, info, warn, error";
}

std::optional<std::string> CheckNotEmpty(std::string_view value) {
  if (value.empty()) return "must not be empty";
  return std::nullopt;
}

// "number|label in Bulgarian|label in English", e.g. "112|Спешна помощ|Emergency".
std::optional<std::string> CheckEmergencyNumber(std::string_view entry) {
  auto first = entry.find('|');
  auto second = first == std::string_view::npos ? first : entry.find('|', first + 1);
  if (second == std::string_view::npos || entry.find('|', second + 1) != std::string_view::npos || first == 0 ||
      second == first + 1 || second + 1 == entry.size()) {
    return "must be \"number|label in Bulgarian|label in English\"";
  }
  return std::nullopt;
}

// "bg|text" or "en|text", the text at most 1000 bytes (canned replies, opening hours, the
// confidentiality statement).
std::optional<std::string> CheckCannedReply(std::string_view entry) {
  bool ok = (entry.starts_with("bg|") || entry.starts_with("en|")) && entry.size() > 3 && entry.size() <= 1003;
  if (!ok) return "must be \"bg|text\" or \"en|text\"";
  return std::nullopt;
}

// Empty (off) or at least 24 characters: a guessable token would open /metrics to anyone.
std::optional<std::string> CheckToken(std::string_view token) {
  if (!token.empty() && (token.size() < 24 || token.find_first_of(" \t\r\n") != std::string_view::npos)) {
    return "must be empty or at least 24 characters without spaces";
  }
  return std::nullopt;
}

// Statistics codes: short, lower case, stable (they are stored).
std::optional<std::string> CheckCode(std::string_view code) {
  bool ok = !code.empty() && code.size() <= 64 && std::ranges::all_of(code, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (!ok) return "must be 1 to 64 of a-z, 0-9, _ and -";
  return std::nullopt;
}

constexpr std::int64_t kMaxMs = 24LL * 3600 * 1000;

std::vector<ConfigField> BuildSchema() {
  std::vector<ConfigField> fields;
  // clang-format off
  fields.push_back(StringField("server", "listen_address", [](Config& c) -> auto& { return c.server.listen_address; }, CheckNotEmpty));
  fields.push_back(IntegerField<std::uint16_t>("server", "port", "integer", [](Config& c) -> auto& { return c.server.port; }, 0, 65535));
  fields.push_back(IntegerField<int>("server", "event_loop_threads", "integer", [](Config& c) -> auto& { return c.server.event_loop_threads; }, 1, 64));
  fields.push_back(IntegerField<int>("server", "worker_threads", "integer", [](Config& c) -> auto& { return c.server.worker_threads; }, 1, 64));
  fields.push_back(IntegerField<int>("server", "max_connections", "integer", [](Config& c) -> auto& { return c.server.max_connections; }, 1, 1000000));
  fields.push_back(IntegerField<int>("server", "max_connections_per_network", "integer", [](Config& c) -> auto& { return c.server.max_connections_per_network; }, 1, 1000000));
  fields.push_back(IntegerField<int>("server", "ipv6_network_prefix", "integer", [](Config& c) -> auto& { return c.server.ipv6_network_prefix; }, 32, 128));
  fields.push_back(IntegerField<int>("server", "counselor_reserved_connections", "integer", [](Config& c) -> auto& { return c.server.counselor_reserved_connections; }, 0, 100000));
  fields.push_back(IntegerField<int>("server", "reserved_descriptors", "integer", [](Config& c) -> auto& { return c.server.reserved_descriptors; }, 64, 65536));
  fields.push_back(IntegerField<milliseconds>("server", "shutdown_deadline_ms", "milliseconds", [](Config& c) -> auto& { return c.server.shutdown_deadline; }, 100, 60000));
  fields.push_back(StringField("server", "data_dir", [](Config& c) -> auto& { return c.server.data_dir; }, nullptr));

  fields.push_back(IntegerField<std::uint32_t>("http", "header_limit_bytes", "bytes", [](Config& c) -> auto& { return c.http.header_limit_bytes; }, 1024, 65536));
  fields.push_back(IntegerField<std::uint32_t>("http", "body_limit_bytes", "bytes", [](Config& c) -> auto& { return c.http.body_limit_bytes; }, 0, 1 << 20));
  fields.push_back(IntegerField<milliseconds>("http", "request_timeout_ms", "milliseconds", [](Config& c) -> auto& { return c.http.request_timeout; }, 100, 120000));
  fields.push_back(IntegerField<milliseconds>("http", "keep_alive_timeout_ms", "milliseconds", [](Config& c) -> auto& { return c.http.keep_alive_timeout; }, 100, 600000));
  fields.push_back(StringListField("http", "trusted_proxies", [](Config& c) -> auto& { return c.http.trusted_proxies; }, CheckIpAddress));
  fields.push_back(StringField("http", "static_dir", [](Config& c) -> auto& { return c.http.static_dir; }, nullptr));

  fields.push_back(StringField("tls", "certificate_file", [](Config& c) -> auto& { return c.tls.certificate_file; }, nullptr));
  fields.push_back(StringField("tls", "private_key_file", [](Config& c) -> auto& { return c.tls.private_key_file; }, nullptr));
  fields.push_back(IntegerField<std::uint32_t>("tls", "hsts_max_age_seconds", "integer", [](Config& c) -> auto& { return c.tls.hsts_max_age_seconds; }, 0, 63072000));

  fields.push_back(StringListField("websocket", "allowed_origins", [](Config& c) -> auto& { return c.websocket.allowed_origins; }, CheckOrigin));
  fields.push_back(IntegerField<std::uint32_t>("websocket", "max_per_network", "integer", [](Config& c) -> auto& { return c.websocket.max_per_network; }, 1, 1000000));
  fields.push_back(IntegerField<std::uint32_t>("websocket", "read_message_max_bytes", "bytes", [](Config& c) -> auto& { return c.websocket.read_message_max_bytes; }, 256, 1 << 20));
  fields.push_back(IntegerField<std::uint32_t>("websocket", "outbound_queue_frames", "integer", [](Config& c) -> auto& { return c.websocket.outbound_queue_frames; }, 1, 65536));
  fields.push_back(IntegerField<std::uint32_t>("websocket", "outbound_queue_bytes", "bytes", [](Config& c) -> auto& { return c.websocket.outbound_queue_bytes; }, 1024, 64 << 20));
  fields.push_back(IntegerField<milliseconds>("websocket", "handshake_timeout_ms", "milliseconds", [](Config& c) -> auto& { return c.websocket.handshake_timeout; }, 100, 60000));
  fields.push_back(IntegerField<milliseconds>("websocket", "idle_timeout_ms", "milliseconds", [](Config& c) -> auto& { return c.websocket.idle_timeout; }, 1000, kMaxMs));

  fields.push_back(StringField("log", "level", [](Config& c) -> auto& { return c.log.level; }, CheckLogLevel));
  fields.push_back(IntegerField<std::uint32_t>("log", "queue_size", "integer", [](Config& c) -> auto& { return c.log.queue_size; }, 16, 1 << 20));
  fields.push_back(StringField("log", "file", [](Config& c) -> auto& { return c.log.file; }, nullptr));

  fields.push_back(StringField("storage", "key_dir", [](Config& c) -> auto& { return c.storage.key_dir; }, nullptr));
  fields.push_back(IntegerField<std::uint32_t>("storage", "session_ttl_seconds", "integer", [](Config& c) -> auto& { return c.storage.session_ttl_seconds; }, 60, 7 * 86400));
  fields.push_back(IntegerField<std::uint32_t>("storage", "ticket_ttl_seconds", "integer", [](Config& c) -> auto& { return c.storage.ticket_ttl_seconds; }, 5, 3600));
  fields.push_back(IntegerField<std::uint32_t>("storage", "conversation_retention_days", "integer", [](Config& c) -> auto& { return c.storage.conversation_retention_days; }, 1, 3650));
  fields.push_back(IntegerField<std::uint32_t>("storage", "stats_retention_days", "integer", [](Config& c) -> auto& { return c.storage.stats_retention_days; }, 1, 3660));
  fields.push_back(IntegerField<std::uint32_t>("storage", "audit_retention_days", "integer", [](Config& c) -> auto& { return c.storage.audit_retention_days; }, 1, 3660));
  fields.push_back(IntegerField<std::uint32_t>("storage", "compaction_interval_seconds", "integer", [](Config& c) -> auto& { return c.storage.compaction_interval_seconds; }, 1, 7 * 86400));

  fields.push_back(IntegerField<std::uint32_t>("storage", "max_clock_step_seconds", "integer", [](Config& c) -> auto& { return c.storage.max_clock_step_seconds; }, 60, 7 * 86400));
  fields.push_back(IntegerField<std::uint32_t>("storage", "reserve_free_megabytes", "integer", [](Config& c) -> auto& { return c.storage.reserve_free_megabytes; }, 0, 1 << 20));

  fields.push_back(StringField("org", "dir", [](Config& c) -> auto& { return c.org.dir; }, nullptr));

  fields.push_back(BooleanField("auth", "require_totp", [](Config& c) -> auto& { return c.auth.require_totp; }));
  fields.push_back(BooleanField("auth", "secure_cookie", [](Config& c) -> auto& { return c.auth.secure_cookie; }));
  fields.push_back(IntegerField<std::uint32_t>("auth", "max_failed_logins", "integer", [](Config& c) -> auto& { return c.auth.max_failed_logins; }, 1, 100));
  fields.push_back(IntegerField<std::uint32_t>("auth", "lockout_base_seconds", "integer", [](Config& c) -> auto& { return c.auth.lockout_base_seconds; }, 1, 86400));
  fields.push_back(IntegerField<std::uint32_t>("auth", "lockout_max_seconds", "integer", [](Config& c) -> auto& { return c.auth.lockout_max_seconds; }, 1, 7 * 86400));
  fields.push_back(IntegerField<std::uint32_t>("auth", "login_attempts_per_minute", "integer", [](Config& c) -> auto& { return c.auth.login_attempts_per_minute; }, 1, 10000));
  fields.push_back(IntegerField<std::uint32_t>("auth", "suspect_login_attempts_per_minute", "integer", [](Config& c) -> auto& { return c.auth.suspect_login_attempts_per_minute; }, 1, 10000));
  fields.push_back(IntegerField<std::uint32_t>("auth", "hashing_queue", "integer", [](Config& c) -> auto& { return c.auth.hashing_queue; }, 1, 100000));
  fields.push_back(IntegerField<std::uint32_t>("auth", "account_queue", "integer", [](Config& c) -> auto& { return c.auth.account_queue; }, 1, 100000));
  fields.push_back(IntegerField<std::uint32_t>("auth", "enrolment_code_ttl_hours", "integer", [](Config& c) -> auto& { return c.auth.enrolment_code_ttl_hours; }, 1, 24 * 90));

  fields.push_back(IntegerField<std::uint32_t>("helpline", "max_queue_length", "integer", [](Config& c) -> auto& { return c.helpline.max_queue_length; }, 1, 100000));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "max_wait_minutes", "integer", [](Config& c) -> auto& { return c.helpline.max_wait_minutes; }, 1, 24 * 60));
  fields.push_back(BooleanField("helpline", "offer_chats", [](Config& c) -> auto& { return c.helpline.offer_chats; }));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "offer_timeout_seconds", "integer", [](Config& c) -> auto& { return c.helpline.offer_timeout_seconds; }, 5, 600));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "transfer_timeout_seconds", "integer", [](Config& c) -> auto& { return c.helpline.transfer_timeout_seconds; }, 5, 600));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "visitor_queue_resume_window_seconds", "integer", [](Config& c) -> auto& { return c.helpline.visitor_queue_resume_window_seconds; }, 5, 3600));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "max_waiting_per_network", "integer", [](Config& c) -> auto& { return c.helpline.max_waiting_per_network; }, 1, 100000));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "visitor_resume_window_seconds", "integer", [](Config& c) -> auto& { return c.helpline.visitor_resume_window_seconds; }, 5, 3600));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "counselor_resume_window_seconds", "integer", [](Config& c) -> auto& { return c.helpline.counselor_resume_window_seconds; }, 5, 3600));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "position_update_interval_ms", "milliseconds", [](Config& c) -> auto& { return c.helpline.position_update_interval_ms; }, 100, 600000));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "wrap_up_window_hours", "integer", [](Config& c) -> auto& { return c.helpline.wrap_up_window_hours; }, 1, 24 * 30));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "assumed_handle_minutes", "integer", [](Config& c) -> auto& { return c.helpline.assumed_handle_minutes; }, 1, 600));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "service_level_target_seconds", "integer", [](Config& c) -> auto& { return c.helpline.service_level_target_seconds; }, 1, 86400));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "hello_timeout_ms", "milliseconds", [](Config& c) -> auto& { return c.helpline.hello_timeout_ms; }, 100, 600000));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "max_protocol_errors", "integer", [](Config& c) -> auto& { return c.helpline.max_protocol_errors; }, 1, 1000));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "control_messages_per_second", "integer", [](Config& c) -> auto& { return c.helpline.control_messages_per_second; }, 1, 10000));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "visitor_frames_per_second", "integer", [](Config& c) -> auto& { return c.helpline.visitor_frames_per_second; }, 1, 100000));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "counselor_frames_per_second", "integer", [](Config& c) -> auto& { return c.helpline.counselor_frames_per_second; }, 1, 100000));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "visitor_connections_per_minute", "integer", [](Config& c) -> auto& { return c.helpline.visitor_connections_per_minute; }, 1, 1000000));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "puzzle_from_waiting", "integer", [](Config& c) -> auto& { return c.helpline.puzzle_from_waiting; }, 0, 1000000));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "puzzle_from_joins_per_minute", "integer", [](Config& c) -> auto& { return c.helpline.puzzle_from_joins_per_minute; }, 0, 1000000));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "puzzle_bits", "integer", [](Config& c) -> auto& { return c.helpline.puzzle_bits; }, 1, 24));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "puzzle_solutions", "integer", [](Config& c) -> auto& { return c.helpline.puzzle_solutions; }, 0, 64));
  fields.push_back(IntegerField<std::uint32_t>("helpline", "puzzle_timeout_ms", "milliseconds", [](Config& c) -> auto& { return c.helpline.puzzle_timeout_ms; }, 1000, 600000));
  fields.push_back(StringListField("helpline", "emergency_numbers", [](Config& c) -> auto& { return c.helpline.emergency_numbers; }, CheckEmergencyNumber));
  fields.push_back(StringListField("helpline", "wrap_up_categories", [](Config& c) -> auto& { return c.helpline.wrap_up_categories; }, CheckCode));
  fields.push_back(StringListField("helpline", "wrap_up_outcomes", [](Config& c) -> auto& { return c.helpline.wrap_up_outcomes; }, CheckCode));

  fields.push_back(StringListField("helpline", "opening_hours", [](Config& c) -> auto& { return c.helpline.opening_hours; }, CheckCannedReply));
  fields.push_back(StringListField("helpline", "confidentiality", [](Config& c) -> auto& { return c.helpline.confidentiality; }, CheckCannedReply));
  fields.push_back(StringListField("helpline", "canned_replies", [](Config& c) -> auto& { return c.helpline.canned_replies; }, CheckCannedReply));

  fields.push_back(IntegerField<std::uint32_t>("relay", "buffer_frames", "integer", [](Config& c) -> auto& { return c.relay.buffer_frames; }, 1, 65536));
  fields.push_back(IntegerField<std::uint32_t>("relay", "buffer_bytes", "bytes", [](Config& c) -> auto& { return c.relay.buffer_bytes; }, 4096, 64 << 20));

  fields.push_back(StringField("metrics", "token", [](Config& c) -> auto& { return c.metrics.token; }, CheckToken));
  fields.push_back(StringField("metrics", "listen_address", [](Config& c) -> auto& { return c.metrics.listen_address; }, nullptr));
  fields.push_back(IntegerField<std::uint16_t>("metrics", "port", "integer", [](Config& c) -> auto& { return c.metrics.port; }, 0, 65535));

  fields.push_back(StringListField("widget", "partner_origins", [](Config& c) -> auto& { return c.widget.partner_origins; }, CheckOrigin));

  fields.push_back(BooleanField("testing", "diagnostic_endpoints", [](Config& c) -> auto& { return c.testing.diagnostic_endpoints; }));
  // clang-format on
  return fields;
}

}  // namespace

std::span<const ConfigField> ConfigSchema() {
  static const std::vector<ConfigField> schema = BuildSchema();
  return schema;
}

}  // namespace haven
