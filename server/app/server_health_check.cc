#include "server/app/server_health_check.h"

#include <ctime>

#include "crypto/certificate.h"
#include "server/log/log.h"

namespace haven::app {

void ServerHealthCheck::CountCertificates() {
  auto accounts = storage_.stores().accounts().List();
  if (!accounts) return;  // the storage gauges say why
  auto now = static_cast<std::uint64_t>(std::time(nullptr));
  constexpr std::uint64_t kSoon = 7 * 86400;
  std::int64_t valid = 0, expiring = 0, expired = 0;
  for (const auto& account : *accounts) {
    if (account.status != storage::AccountStatus::kActive) continue;
    auto certificate = crypto::ParseCertificate(account.certificate);
    if (!certificate) continue;  // not certified yet
    std::uint64_t until = certificate->fields.not_after;
    (until <= now ? expired : until <= now + kSoon ? expiring : valid) += 1;
  }
  health_.certificates_valid = valid;
  health_.certificates_expiring = expiring;
  health_.certificates_expired = expired;
}

void ServerHealthCheck::Run() {
  if (runs_++ % 5 == 0) CountCertificates();
  storage::StorageHealth storage = storage_.CheckHealth();
  bool was_room = health_.storage_room_for_chats.load() == 1;
  health_.storage_writable = storage.writable ? 1 : 0;
  health_.storage_room_for_chats = storage.room_for_new_chats ? 1 : 0;
  health_.storage_free_bytes = static_cast<std::int64_t>(storage.free_bytes);
  auto was_clock = static_cast<storage::ClockState>(health_.clock_state.load());
  health_.clock_state = static_cast<std::int64_t>(storage.clock);
  health_.clock_skew_seconds = storage.clock_skew_seconds;
  if (was_clock != storage.clock) {
    if (storage.clock == storage::ClockState::kTrusted) {
      log::Info("clock.trusted");
    } else {
      // Loud on purpose: shredding is held back and someone must look at the machine's time.
      log::Error("clock.untrusted", {{"state", storage::ClockStateName(storage.clock)},
                                     {"skew_seconds", storage.clock_skew_seconds}});
    }
  }
  health_.ready = UnreadyReason().empty() ? 1 : 0;
  if (was_room != storage.room_for_new_chats) {
    // Said once per change, so the log shows when new visitors began and stopped being refused.
    if (storage.room_for_new_chats) {
      log::Info("storage.room_for_chats", {{"free_bytes", storage.free_bytes}});
    } else {
      log::Error("storage.no_room_for_chats", {{"writable", storage.writable}, {"free_bytes", storage.free_bytes}});
    }
  }
  running_ = false;
}

std::string ServerHealthCheck::UnreadyReason() const {
  if (health_.storage_writable.load() == 0) return "storage refuses writes (disk full or failing); see the log";
  if (health_.storage_room_for_chats.load() == 0) return "disk almost full (below storage.reserve_free_megabytes)";
  if (health_.maintenance_failing.load() == 1) {
    return "storage maintenance failed (storage.maintenance_failed in the log): a damaged file or a failing disk; "
           "expired data is not being removed";
  }
  switch (static_cast<storage::ClockState>(health_.clock_state.load())) {
    case storage::ClockState::kAhead:
      return "clock ahead of the trusted time by " + std::to_string(health_.clock_skew_seconds.load()) +
             " s: shredding held back (a wrong clock, or a long stop: haven storage trust-clock)";
    case storage::ClockState::kBehind:
      return "clock behind the trusted time by " + std::to_string(-health_.clock_skew_seconds.load()) +
             " s: the clock went back; check time synchronisation";
    case storage::ClockState::kTrusted: break;
  }
  return "";
}

}  // namespace haven::app
