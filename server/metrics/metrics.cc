#include "server/metrics/metrics.h"

#include <cstdio>

namespace haven::metrics {
namespace {

constexpr double kWaitBounds[] = {10, 30, 60, 120, 300, 600, 1200, 1800, 3600};
constexpr double kStorageBounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1};

constexpr std::string_view kErrorCodes[kErrorCodeCount] = {
    "bad_message",  "unknown_type", "not_allowed_now", "unknown_chat",      "auth_failed",    "rate_limited",
    "bad_frame",    "storage_unavailable", "bad_wrap_up", "not_your_chat",  "wrong_state",    "not_on_duty",
    "at_capacity",  "no_such_offer", "target_unavailable", "already_exists", "offer_pending", "not_allowed",
    "bad_solution"};


void Metric(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

template <typename T>
void Sample(std::string& out, std::string_view name, std::string_view labels, T value) {
  out += name;
  out += labels;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

void Histogram::Observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(value * 1e6), std::memory_order_relaxed);
}

void Histogram::Render(std::string& out, std::string_view name, std::string_view help) const {
  Metric(out, name, "histogram", help);
  std::uint64_t cumulative = 0;
  std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::string le = i < bounds_.size() ? Number(bounds_[i]) : "+Inf";
    Sample(out, bucket, "{le=\"" + le + "\"}", cumulative);
  }
  out += std::string(name) + "_sum " + Number(static_cast<double>(sum_micros_.load()) / 1e6) + "\n";
  Sample(out, std::string(name) + "_count", "", count_.load(std::memory_order_relaxed));
}

HelplineMetrics::HelplineMetrics() : wait_seconds(kWaitBounds), storage_write_seconds(kStorageBounds) {}

std::string_view ErrorCodeName(std::size_t index) { return index < kErrorCodeCount ? kErrorCodes[index] : "other"; }

std::size_t ErrorCodeIndex(std::string_view name) {
  for (std::size_t i = 0; i < kErrorCodeCount; ++i) {
    if (kErrorCodes[i] == name) return i;
  }
  return kErrorCodeCount;  // "other"
}

namespace {

// One metric with one unlabelled sample.
template <typename T>
void Single(std::string& out, std::string_view name, std::string_view type, std::string_view help, T value) {
  Metric(out, name, type, help);
  Sample(out, name, "", value);
}

void RenderHealth(std::string& out, const HealthMetrics& health) {
  Single(out, "haven_ready", "gauge", "1 while /readyz answers 200 (storage writable with room, clock trusted, not stopping).", health.ready.load());
  Single(out, "haven_storage_writable", "gauge", "1 while storage accepts writes; 0 after a full disk or an I/O error, until it resumes.", health.storage_writable.load());
  Single(out, "haven_storage_room_for_chats", "gauge", "0 while free space is below storage.reserve_free_megabytes: new visitors are told busy.", health.storage_room_for_chats.load());
  Single(out, "haven_storage_free_bytes", "gauge", "Free bytes on the data volume.", health.storage_free_bytes.load());
  Single(out, "haven_storage_maintenance_failures_total", "counter", "Storage maintenance runs (shredding, compaction) that failed.", health.maintenance_failures.load());
  Single(out, "haven_storage_maintenance_failing", "gauge", "1 while the last storage maintenance run failed.", health.maintenance_failing.load());
  Single(out, "haven_storage_maintenance_last_success_timestamp_seconds", "gauge", "When storage maintenance last succeeded.", health.maintenance_last_success.load());
  Single(out, "haven_clock_state", "gauge", "0 while the wall clock agrees with the trusted time, 1 when it is ahead, 2 behind.", health.clock_state.load());
  Single(out, "haven_clock_skew_seconds", "gauge", "The wall clock minus the trusted time that shredding follows.", health.clock_skew_seconds.load());
  Metric(out, "haven_counselor_certificates", "gauge", "Active counselors' certificates: valid, expiring within 7 days, expired.");
  Sample(out, "haven_counselor_certificates", "{state=\"valid\"}", health.certificates_valid.load());
  Sample(out, "haven_counselor_certificates", "{state=\"expiring\"}", health.certificates_expiring.load());
  Sample(out, "haven_counselor_certificates", "{state=\"expired\"}", health.certificates_expired.load());
  Single(out, "haven_signing_certificate_expiry_timestamp_seconds", "gauge", "When the org signing key's certificate expires.", health.signing_certificate_not_after.load());
  Single(out, "haven_tls_certificate_expiry_timestamp_seconds", "gauge", "When the certificate Haven serves with native TLS expires (0: no native TLS).", health.tls_certificate_not_after.load());
  Single(out, "haven_login_locks_total", "counter", "A handle locked for one network after repeated failed logins (the account itself is never locked).", health.login_locks.load());
  Single(out, "haven_api_busy_total", "counter", "Console API calls answered 503 busy because the queue for their kind of work was full.", health.api_busy.load());
}

}  // namespace

std::string RenderMetrics(const HelplineMetrics& m, const HealthMetrics& health, std::int64_t connections) {
  std::string out;
  Metric(out, "haven_connections", "gauge", "Open HTTP and WebSocket connections.");
  Sample(out, "haven_connections", "", connections);
  Metric(out, "haven_websockets", "gauge", "Open helpline WebSockets by role.");
  Sample(out, "haven_websockets", "{role=\"visitor\"}", m.visitor_connections.load());
  Sample(out, "haven_websockets", "{role=\"counselor\"}", m.counselor_connections.load());
  Metric(out, "haven_queue_length", "gauge", "Visitors waiting, by priority lane.");
  const char* lanes[] = {"danger", "minor", "general"};
  for (int lane = 0; lane < 3; ++lane) {
    Sample(out, "haven_queue_length", std::string("{lane=\"") + lanes[lane] + "\"}", m.queue_by_lane[lane].load());
  }
  Metric(out, "haven_longest_wait_seconds", "gauge", "How long the longest-waiting visitor has waited.");
  Sample(out, "haven_longest_wait_seconds", "", m.longest_wait_seconds.load());
  Metric(out, "haven_chats_active", "gauge", "Chats held by a counselor now.");
  Sample(out, "haven_chats_active", "", m.chats_active.load());
  Metric(out, "haven_counselors", "gauge", "Counselors on duty, and of them available.");
  Sample(out, "haven_counselors", "{state=\"on_duty\"}", m.counselors_on_duty.load());
  Sample(out, "haven_counselors", "{state=\"available\"}", m.counselors_available.load());
  Metric(out, "haven_chats_total", "counter", "Chats by how they began or ended in the queue.");
  Sample(out, "haven_chats_total", "{result=\"answered\"}", m.chats_answered.load());
  Sample(out, "haven_chats_total", "{result=\"abandoned\"}", m.chats_abandoned.load());
  Sample(out, "haven_chats_total", "{result=\"refused\"}", m.chats_refused.load());
  Metric(out, "haven_join_puzzles_total", "counter", "Visitors asked for a proof of work before joining (the queue or the join rate under pressure).");
  Sample(out, "haven_join_puzzles_total", "", m.puzzles_issued.load());
  Metric(out, "haven_relay_frames_total", "counter", "Encrypted frames relayed, by direction.");
  Sample(out, "haven_relay_frames_total", "{direction=\"to_counselor\"}", m.frames[0].load());
  Sample(out, "haven_relay_frames_total", "{direction=\"to_visitor\"}", m.frames[1].load());
  Metric(out, "haven_relay_bytes_total", "counter", "Bytes of encrypted frames relayed, by direction.");
  Sample(out, "haven_relay_bytes_total", "{direction=\"to_counselor\"}", m.bytes[0].load());
  Sample(out, "haven_relay_bytes_total", "{direction=\"to_visitor\"}", m.bytes[1].load());
  Metric(out, "haven_errors_total", "counter", "Errors and refusals sent to clients, by code.");
  for (std::size_t i = 0; i <= kErrorCodeCount; ++i) {
    Sample(out, "haven_errors_total", "{code=\"" + std::string(ErrorCodeName(i)) + "\"}", m.errors[i].load());
  }
  Metric(out, "haven_storage_failures_total", "counter", "Writes of chat records, statistics or audit entries that failed.");
  Sample(out, "haven_storage_failures_total", "", m.storage_failures.load());
  RenderHealth(out, health);
  m.wait_seconds.Render(out, "haven_wait_seconds", "How long answered visitors waited.");
  m.storage_write_seconds.Render(out, "haven_storage_write_seconds", "Synced storage writes of chat records.");
  return out;
}

}  // namespace haven::metrics
