// What the helpline service is configured with, and what it needs from its surroundings.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "server/core/instant.h"
#include "server/core/rules.h"
#include "server/helpline/chat_relay.h"
#include "server/helpline/join_puzzle.h"

namespace haven::storage {
class Stores;
}
namespace haven::metrics {
struct HelplineMetrics;
}

namespace haven::helpline {

// The organisation's public trust material, as clients receive it (protocol 11.1 `org`).
struct OrgInfo {
  std::string name;
  std::string root_key_hex;
  std::string fingerprint_hex;
  std::vector<std::string> signing_certificates_hex;
  std::vector<std::string> revocation_lists_hex;
};

struct EmergencyNumber {
  std::string number;
  std::string label_bg;
  std::string label_en;
};

struct HelplineOptions {
  core::HelplineRules rules;
  RelayLimits relay;
  OrgInfo org;
  std::vector<EmergencyNumber> emergency_numbers;   // from helpline.emergency_numbers
  std::vector<std::string> wrap_up_categories;
  std::vector<std::string> wrap_up_outcomes;
  std::chrono::milliseconds hello_timeout{10000};     // join/resume/auth must come this soon
  int max_protocol_errors = 5;                        // then close 4000
  double control_messages_per_second = 10;            // per connection, burst twice that
  double frames_per_second = 50;                      // per visitor connection, burst twice that
  double counselor_frames_per_second = 200;           // per counselor connection (several chats)
  double visitor_connections_per_minute = 30;         // per ClientKey
  std::uint32_t max_waiting_per_network = 5;          // waiting visitors per ClientKey; beyond: busy
  PuzzleRules puzzle;                                 // when joins need a proof of work, and how much
  std::uint32_t max_message_bytes = 8192;             // websocket.read_message_max_bytes, for `welcome`
  std::vector<std::pair<std::string, std::string>> canned_replies;  // (language code, text), for `ready`
  std::vector<std::pair<std::string, std::string>> opening_hours;    // (language code, text), for /api/helpline
  std::vector<std::pair<std::string, std::string>> confidentiality;  // (language code, text), for /api/helpline
};

// The service's view of the world outside its event loop.
struct HelplineEnvironment {
  std::function<core::Instant()> now;
  // Runs a job off the event loop, in submission order (storage: synced writes, reads).
  std::function<void(std::function<void()>)> run_blocking;
  // Posts a job back onto the helpline's event loop.
  std::function<void(std::function<void()>)> run_on_loop;
  storage::Stores* stores = nullptr;
  metrics::HelplineMetrics* metrics = nullptr;  // /metrics; may be null (tests)
  // False while storage has no room for a new chat (disk below its reserve, or refusing
  // writes): a visitor's join is then answered busy at once. Read on the event loop.
  std::function<bool()> admits_new_chats = [] { return true; };
};

}  // namespace haven::helpline
