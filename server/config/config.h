// Haven's runtime configuration: one plain struct per TOML section.
//
// Every field has exactly one definition, in config_schema.cc: its TOML name, its default
// (the initialiser here), its allowed range and its documentation. ops/haven.example.toml
// lists every field with its default and a test keeps the two in step.
//
// Values are read once at start-up and never change; the struct is copied freely.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace haven {

struct ServerSettings {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 8080;                 // 0 picks a free port (tests)
  int event_loop_threads = 1;                // threads that own sockets and the core
  int worker_threads = 2;                    // threads for blocking work (Argon2id, synced writes)
  int max_connections = 10000;               // HTTP + WebSocket, across all event loops
  // Descriptors kept out of max_connections' reach (storage files, log, admin socket, a refused
  // accept): max_connections is lowered at start until it fits beside them.
  int reserved_descriptors = 512;
  // One network (an IPv4 address, or an IPv6 prefix of ipv6_network_prefix bits) may hold at
  // most this many connections; beyond: 503. A trusted proxy's connections are not counted
  // (its clients are; nginx's limit_conn does that, see ops/nginx).
  int max_connections_per_network = 200;
  int ipv6_network_prefix = 64;
  // The last connections of max_connections (at most a tenth of it) serve only counselors' paths
  // (the console, the API but /api/helpline, /ws/counselor): a flood of visitors' pages cannot
  // lock the staff out.
  int counselor_reserved_connections = 100;
  std::chrono::milliseconds shutdown_deadline{10000};
  std::string data_dir;                      // required by `haven serve`
  bool operator==(const ServerSettings&) const = default;
};

struct HttpSettings {
  std::uint32_t header_limit_bytes = 8192;   // request line + headers; beyond it: 431
  std::uint32_t body_limit_bytes = 16384;    // request body; beyond it: 413
  std::chrono::milliseconds request_timeout{10000};     // to read one whole request
  std::chrono::milliseconds keep_alive_timeout{30000};  // idle between requests
  std::string static_dir;                    // built browser apps; empty = the build's own
  // Addresses of reverse proxies whose X-Forwarded-For names the client (for rate limits only).
  std::vector<std::string> trusted_proxies;
  bool operator==(const HttpSettings&) const = default;
};

// Native TLS: `haven serve` terminates TLS itself when both files are set (no nginx in front).
// Both files are read again on SIGHUP; a pair that does not load leaves the running one.
struct TlsSettings {
  std::string certificate_file;              // PEM: the server certificate, then its chain
  std::string private_key_file;              // PEM, unencrypted, readable only by haven
  std::uint32_t hsts_max_age_seconds = 63072000;  // Strict-Transport-Security max-age (2 years, as nginx-haven.conf); 0: none
  bool enabled() const { return !certificate_file.empty(); }
  bool operator==(const TlsSettings&) const = default;
};

struct WebSocketSettings {
  std::vector<std::string> allowed_origins = {"http://localhost:8080", "http://127.0.0.1:8080"};
  std::uint32_t read_message_max_bytes = 8192;    // larger message: close 1009
  std::uint32_t outbound_queue_frames = 256;      // per connection; full queue: close 1013
  std::uint32_t outbound_queue_bytes = 262144;
  std::chrono::milliseconds handshake_timeout{5000};
  std::chrono::milliseconds idle_timeout{60000};  // no traffic nor pong for this long: closed
  std::uint32_t max_per_network = 50;             // WebSockets of one network; beyond: close 1008
  bool operator==(const WebSocketSettings&) const = default;
};

struct LogSettings {
  std::string level = "info";                // debug | info | warn | error
  std::uint32_t queue_size = 8192;           // async queue; when full the oldest line is dropped
  std::string file;                          // empty = standard error
  bool operator==(const LogSettings&) const = default;
};

struct StorageSettings {
  std::string key_dir;                              // required by `haven serve`; never inside server.data_dir
  std::uint32_t session_ttl_seconds = 43200;        // console sessions: 12 h
  std::uint32_t ticket_ttl_seconds = 60;            // single-use WebSocket tickets
  std::uint32_t conversation_retention_days = 90;   // conversation metadata; older epoch keys are destroyed
  std::uint32_t stats_retention_days = 1826;        // aggregate statistics: 5 years
  std::uint32_t audit_retention_days = 365;         // audit log entries
  std::uint32_t compaction_interval_seconds = 3600; // how often expired bytes are compacted away
  std::uint32_t reserve_free_megabytes = 64;        // below this much free space: no new chats
  std::uint32_t max_clock_step_seconds = 3600;      // trusted time may gain this much per maintenance run
  bool operator==(const StorageSettings&) const = default;
};

struct OrgSettings {
  std::string dir;  // org-root.key (public part only is read), org-signing.cert, revocations.rl; required by serve
  bool operator==(const OrgSettings&) const = default;
};

struct AuthSettings {
  bool require_totp = true;                    // the second factor; off only for a demo
  bool secure_cookie = true;                   // __Host- cookie with Secure; off only for plain-HTTP localhost
  std::uint32_t max_failed_logins = 5;         // then that handle is locked for that network (never the account)
  std::uint32_t lockout_base_seconds = 30;     // doubled for every further failure
  std::uint32_t lockout_max_seconds = 3600;
  std::uint32_t login_attempts_per_minute = 20;          // per network, whatever the handles
  std::uint32_t suspect_login_attempts_per_minute = 6;   // per handle, for networks that failed it twice
  std::uint32_t hashing_queue = 64;            // logins and enrolments waiting for a hashing thread; beyond: 503
  std::uint32_t account_queue = 256;           // tickets, sessions, salts waiting for the accounts thread; beyond: 503
  std::uint32_t enrolment_code_ttl_hours = 168;
  bool operator==(const AuthSettings&) const = default;
};

struct HelplineSettings {
  std::uint32_t max_queue_length = 200;               // beyond: busy screen with the numbers
  std::uint32_t max_wait_minutes = 45;                // longer: the chat expires (busy screen)
  bool offer_chats = true;                            // offer chats to available counselors; "take next" always works
  std::uint32_t offer_timeout_seconds = 30;
  std::uint32_t transfer_timeout_seconds = 60;
  std::uint32_t visitor_resume_window_seconds = 120;
  std::uint32_t visitor_queue_resume_window_seconds = 45;  // shorter: a dropped visitor still waiting
  std::uint32_t max_waiting_per_network = 5;               // waiting visitors of one network; beyond: busy
  std::uint32_t counselor_resume_window_seconds = 120;
  std::uint32_t position_update_interval_ms = 5000;
  std::uint32_t wrap_up_window_hours = 24;
  std::uint32_t assumed_handle_minutes = 20;          // the wait estimate's prior
  std::uint32_t service_level_target_seconds = 120;
  std::uint32_t hello_timeout_ms = 10000;
  std::uint32_t max_protocol_errors = 5;
  std::uint32_t control_messages_per_second = 10;
  std::uint32_t visitor_frames_per_second = 50;
  std::uint32_t counselor_frames_per_second = 200;
  std::uint32_t visitor_connections_per_minute = 30;  // per network (keyed hash), new chats
  // The client puzzle (protocol 11.2): while this many visitors wait, or this many joins came
  // in the last minute, a joining visitor must first find `puzzle_solutions` hashes with
  // `puzzle_bits` leading zero bits (about a second of a mid-range phone's time by default).
  std::uint32_t puzzle_from_waiting = 20;
  std::uint32_t puzzle_from_joins_per_minute = 30;
  std::uint32_t puzzle_bits = 14;
  std::uint32_t puzzle_solutions = 16;               // 0: never ask
  std::uint32_t puzzle_timeout_ms = 30000;           // replaces hello_timeout_ms for a visitor given a puzzle
  // "number|label in Bulgarian|label in English". The widget's built-in fallback (used only when
  // it cannot reach the server) carries the same three with the same labels.
  std::vector<std::string> emergency_numbers = {
      "112|Спешна помощ – денонощно, безплатно|Emergency – day and night, free",
      "116 111|Национална телефонна линия за деца – безплатно|National helpline for children – free",
      "0800 1 86 76|Национална линия за пострадали от домашно насилие – безплатно|"
      "National helpline for survivors of domestic violence – free"};
  // "bg|text" / "en|text": when counselors answer, shown on the widget's first screen while
  // nobody is on duty. Empty: not shown.
  std::vector<std::string> opening_hours;
  // "bg|text" / "en|text": when a counselor may have to involve others, shown before the chat
  // starts and linked from the chat.
  std::vector<std::string> confidentiality = {
      "bg|Разговорът е поверителен. Ако научим, че дете или някой друг е в сериозна опасност, може да се "
      "наложи да потърсим помощ от полицията или закрилата на детето. Ако се стигне дотам, ще ти кажем.",
      "en|The conversation is confidential. If we learn that a child or someone else is in serious danger, we "
      "may have to ask the police or child protection for help. If it comes to that, we will tell you."};
  std::vector<std::string> wrap_up_categories = {
      "physical_violence", "psychological_violence", "sexual_violence", "economic_violence", "stalking",
      "online_violence", "child_witness", "child_abuse", "neglect", "family_relationships", "mental_health",
      "information_request", "other"};
  std::vector<std::string> wrap_up_outcomes = {"support_given", "safety_plan", "information_given", "referred",
                                               "emergency_services", "disconnected", "left_suddenly", "not_applicable"};
  // "language|text": the console's canned replies.
  std::vector<std::string> canned_replies = {
      "bg|Здравей, казвам се {name}. Тук съм и те слушам.",
      "bg|Благодаря, че писа. Вината за това, което се случва, не е твоя.",
      "bg|В безопасност ли си в момента?",
      "bg|Ако си в непосредствена опасност, обади се на 112.",
      "en|Hello, my name is {name}. I am here and I am listening.",
      "en|Thank you for writing. What is happening is not your fault.",
      "en|Are you safe right now?",
      "en|If you are in immediate danger, call 112."};
  bool operator==(const HelplineSettings&) const = default;
};

struct RelaySettings {
  std::uint32_t buffer_frames = 128;     // per chat and direction, unacknowledged frames held in memory
  std::uint32_t buffer_bytes = 262144;
  bool operator==(const RelaySettings&) const = default;
};

struct MetricsSettings {
  // Bearer token Prometheus must send to read /metrics; empty: /metrics is off (404).
  std::string token;
  // When set, /metrics is served only on this address and port, in plain HTTP (for a scraper on
  // the host or a private network), and the public port answers 404 for it.
  std::string listen_address;
  std::uint16_t port = 9464;
  bool operator==(const MetricsSettings&) const = default;
};

struct WidgetSettings {
  // Partner sites allowed to frame the visitor widget (CSP frame-ancestors). Haven's own
  // origin is always allowed.
  std::vector<std::string> partner_origins;
  bool operator==(const WidgetSettings&) const = default;
};

struct TestingSettings {
  bool diagnostic_endpoints = false;         // /ws/diag echo endpoint; never in production
  bool operator==(const TestingSettings&) const = default;
};

struct Config {
  ServerSettings server;
  HttpSettings http;
  TlsSettings tls;
  WebSocketSettings websocket;
  LogSettings log;
  StorageSettings storage;
  OrgSettings org;
  AuthSettings auth;
  HelplineSettings helpline;
  RelaySettings relay;
  WidgetSettings widget;
  MetricsSettings metrics;
  TestingSettings testing;
  bool operator==(const Config&) const = default;
};

}  // namespace haven
