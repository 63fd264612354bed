// Starts the real `haven serve` binary in a temporary directory for one test, and reads the
// port it prints. The directory holds the config, the data dir, a static web root and the
// captured standard output and error; it is removed with the object.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "crypto/bytes.h"
#include "crypto/signing_key.h"

namespace haven::testing {

inline constexpr std::string_view kTestOrigin = "http://haven.test";

// The organisation the test servers run for: its directory (org.dir) and what tests need to
// verify or certify against it.
struct TestOrg {
  std::filesystem::path dir;
  std::string signing_passphrase;  // also in dir/signing-passphrase, for --passphrase-file
  crypto::PublicKey root_key{};
  crypto::Bytes signing_certificate;
  // The signing key itself, for harnesses that certify counselors without the command line.
  std::shared_ptr<const crypto::SigningKey> signing_key;
};

class ServerProcess {
 public:
  // `settings` maps "section.key" to a TOML value written verbatim (e.g. {"http.request_timeout_ms", "300"}),
  // overriding the harness defaults (port 0, diagnostic endpoints on, origin kTestOrigin).
  using Settings = std::map<std::string, std::string>;
  // `binary`: the haven executable to run; empty means this build's.
  explicit ServerProcess(Settings settings = {}, std::filesystem::path binary = {});
  ServerProcess(std::initializer_list<Settings::value_type> settings) : ServerProcess(Settings(settings)) {}
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  // The server's process id (for /proc: CPU time, memory, CPU affinity).
  int pid() const { return pid_; }
  const TestOrg& org() const;
  std::filesystem::path config_path() const { return dir_ / "haven.toml"; }
  std::filesystem::path admin_socket_path() const { return dir_ / "data" / "admin.sock"; }
  const std::filesystem::path& dir() const { return dir_; }

  // Extra environment for the next (re)start, e.g. libfaketime's LD_PRELOAD and FAKETIME to
  // move the server's wall clock; an empty map restores the harness's own environment.
  void SetEnvironment(std::map<std::string, std::string> environment) { environment_ = std::move(environment); }

  void Signal(int signal_number);
  // Stops the server with `signal_number` (SIGKILL: a crash) and starts it again on the same
  // port, config and data.
  void Restart(int signal_number);
  // The exit status once the process has exited within `timeout`.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout);

  std::string StandardOutput() const;
  std::string StandardError() const;
  // Every byte of every file under dir() (data, logs, config), for canary searches; with
  // `except_config`, all but the config file (which names what the test configured).
  std::string AllFileBytes(bool except_config = false) const;

 private:
  void Launch();
  std::filesystem::path binary_;
  std::filesystem::path dir_;
  int pid_ = -1;
  std::uint16_t port_ = 0;
  std::optional<int> exit_status_;
  std::map<std::string, std::string> environment_;
};

std::string ReadFile(const std::filesystem::path& path);

}  // namespace haven::testing
