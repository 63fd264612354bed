// What /metrics reports, in Prometheus text format: counters, gauges and histograms kept in
// atomics so any thread may update them (the relay does, once per frame: two relaxed
// increments). Labels are lanes, directions and error codes, never anything that names a
// chat, a visitor or a counselor.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace haven::metrics {

class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds) : bounds_(bounds) {}
  void Observe(double value);
  void Render(std::string& out, std::string_view name, std::string_view help) const;

 private:
  std::span<const double> bounds_;
  std::array<std::atomic<std::uint64_t>, 16> buckets_{};  // bounds_.size() <= 15, +Inf last
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

struct HelplineMetrics {
  // Gauges, set by the helpline once a second.
  std::array<std::atomic<std::int64_t>, 3> queue_by_lane{};  // danger, minor, general
  std::atomic<std::int64_t> chats_active{0};
  std::atomic<std::int64_t> longest_wait_seconds{0};
  std::atomic<std::int64_t> counselors_on_duty{0};
  std::atomic<std::int64_t> counselors_available{0};
  std::atomic<std::int64_t> visitor_connections{0};
  std::atomic<std::int64_t> counselor_connections{0};
  // Counters.
  std::array<std::atomic<std::uint64_t>, 2> frames{};  // to counselor, to visitor
  std::array<std::atomic<std::uint64_t>, 2> bytes{};
  std::atomic<std::uint64_t> chats_answered{0};
  std::atomic<std::uint64_t> chats_abandoned{0};
  std::atomic<std::uint64_t> chats_refused{0};
  std::atomic<std::uint64_t> puzzles_issued{0};  // welcomes that asked for a proof of work (join pressure)
  std::array<std::atomic<std::uint64_t>, 32> errors{};  // by code, see ErrorCodeName
  std::atomic<std::uint64_t> storage_failures{0};      // writes of chat records, statistics or audit that failed
  // Histograms.
  Histogram wait_seconds;
  Histogram storage_write_seconds;

  HelplineMetrics();
};

// The server's own condition, set by a health check once a second: what /readyz reports,
// as numbers an alert can watch.
struct HealthMetrics {
  std::atomic<std::int64_t> ready{0};                    // 1 while /readyz answers 200
  std::atomic<std::int64_t> storage_writable{1};         // 0 while storage refuses writes
  std::atomic<std::int64_t> storage_room_for_chats{1};   // 0 while new chats are refused for lack of space
  std::atomic<std::int64_t> storage_free_bytes{0};       // on the data volume
  std::atomic<std::uint64_t> maintenance_failures{0};    // storage maintenance runs that failed
  std::atomic<std::int64_t> maintenance_last_success{0}; // Unix time of the last run that succeeded
  std::atomic<std::int64_t> maintenance_failing{0};      // 1 while the last run failed (a damaged file, a failing disk)
  std::atomic<std::int64_t> clock_state{0};              // 0 trusted, 1 ahead, 2 behind (storage/trusted_time.h)
  std::atomic<std::int64_t> clock_skew_seconds{0};       // wall clock minus trusted time
  // Active counselors' certificates, counted every few seconds: never a name, only how many.
  std::atomic<std::int64_t> certificates_valid{0};      // valid for more than 7 days
  std::atomic<std::int64_t> certificates_expiring{0};   // expire within 7 days
  std::atomic<std::int64_t> certificates_expired{0};    // expired: she cannot take chats until certified again
  std::atomic<std::int64_t> signing_certificate_not_after{0};  // Unix time
  std::atomic<std::int64_t> tls_certificate_not_after{0};      // Unix time; 0 without native TLS
  // The console API under attack: never a handle or an address, only how often.
  std::atomic<std::uint64_t> login_locks{0};  // a handle locked for one network after repeated failures
  std::atomic<std::uint64_t> api_busy{0};     // API calls answered 503 busy: their queue was full
};

// Indexes into HelplineMetrics::errors: the control error codes then the rejection codes of
// docs/protocol.md 12.1, in that table's order, then codes added later.
inline constexpr std::size_t kErrorCodeCount = 19;
std::string_view ErrorCodeName(std::size_t index);
std::size_t ErrorCodeIndex(std::string_view name);

// The whole exposition; `connections` is the server's open connection count.
std::string RenderMetrics(const HelplineMetrics& metrics, const HealthMetrics& health, std::int64_t connections);

}  // namespace haven::metrics
