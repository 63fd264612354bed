// Who may try to log in, decided before any password hash is spent (protocol.md §11.5).
//
// An abusive partner who learns a counselor's handle (a visitor sees it) must not be able to lock
// the counselor out, nor to learn whether a handle exists, nor to keep the hashing threads busy:
//   - every network (ClientKey: a keyed hash, in memory only) has a budget of login attempts
//     a minute, whatever the handles;
//   - failures lock the pair (handle, network) with a growing back-off, never the account: the
//     counselor, on another network, still gets in with the right passphrase and code;
//   - an account that fails from many networks slows down only those networks that have already
//     failed it more than once (one typo is not suspicious), sharing one per-account budget;
//   - unknown handles are treated exactly like known ones.
// Thread-safety: every method may be called from any thread; a short internal lock, never held
// across a hash.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace haven::auth {

struct LoginThrottlePolicy {
  std::uint32_t attempts_per_minute = 20;     // per network, any handle (an office starting a shift shares one)
  std::uint32_t max_failures = 5;             // per (handle, network), then locked
  std::uint64_t lockout_base_seconds = 30;    // doubled for every further failure
  std::uint64_t lockout_max_seconds = 3600;
  std::uint32_t suspect_attempts_per_minute = 6;  // per handle, shared by networks that failed it twice
  std::size_t max_entries = 100000;           // memory bound; the oldest idle entries go first
};

class LoginThrottle {
 public:
  using Network = std::array<std::uint8_t, 16>;
  explicit LoginThrottle(LoginThrottlePolicy policy) : policy_(policy) {}

  // Before the hash: 0 to go ahead (one attempt is counted), else the seconds to wait.
  std::uint64_t Admit(const std::string& handle, const Network& network, std::uint64_t now);
  // After a failed attempt. Returns the seconds the pair is now locked for (0: not locked) and
  // whether this failure started the lock (the caller audits and counts it).
  struct Failure {
    std::uint64_t locked_for = 0;
    bool started_lock = false;
  };
  Failure Failed(const std::string& handle, const Network& network, std::uint64_t now);
  void Succeeded(const std::string& handle, const Network& network);
  // How many networks, pairs and suspect handles are remembered (bounded by max_entries).
  std::size_t entries();

 private:
  struct Bucket {
    double tokens = 0;
    std::uint64_t last = 0;
    bool started = false;
  };
  struct Pair {
    std::uint32_t failures = 0;
    std::uint64_t locked_until = 0;
    std::uint64_t last_seen = 0;
  };
  static bool Take(Bucket& bucket, double per_minute, std::uint64_t now);
  void Prune(std::uint64_t now);

  LoginThrottlePolicy policy_;
  std::mutex mutex_;
  std::map<Network, Bucket> networks_;
  std::map<std::pair<std::string, Network>, Pair> pairs_;
  std::map<std::string, Bucket> suspects_;  // per handle
};

}  // namespace haven::auth
