#include "tests/integration/support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <fstream>

#include "crypto/certificate.h"
#include "crypto/key_file.h"
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef HAVEN_BINARY
#error "HAVEN_BINARY must name the haven executable under test"
#endif

namespace haven::testing {
namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {

// One org per test binary, made with the cheapest key-file parameters Haven accepts: tests
// need a real trust chain, not a slow one.
const TestOrg& SharedOrg() {
  static const TestOrg org = [] {
    crypto::InitSodium();
    TestOrg made;
    std::string pattern = (fs::temp_directory_path() / "haven-it-org-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    made.dir = pattern;
    made.signing_passphrase = "test signing passphrase";
    crypto::SigningKey root = crypto::SigningKey::Generate();
    crypto::SigningKey signing = crypto::SigningKey::Generate();
    auto now = static_cast<std::uint64_t>(std::time(nullptr));
    crypto::CertificateFields fields{crypto::CertificateRole::kOrgSigning, signing.public_key(), {}, now - 3600,
                                     now + 300 * 86400, "org-signing", "Test Helpline"};
    fields.serial.fill(1);
    auto certificate = crypto::IssueCertificate(fields, root);
    auto root_file = crypto::EncodeKeyFile(crypto::KeyFileKind::kOrgRoot, root, "test root passphrase", crypto::kMinimumParams);
    auto signing_file =
        crypto::EncodeKeyFile(crypto::KeyFileKind::kOrgSigning, signing, made.signing_passphrase, crypto::kMinimumParams);
    std::ofstream(made.dir / "org-root.key", std::ios::binary).write(reinterpret_cast<const char*>(root_file->data()),
                                                                     static_cast<std::streamsize>(root_file->size()));
    std::ofstream(made.dir / "org-signing.key", std::ios::binary)
        .write(reinterpret_cast<const char*>(signing_file->data()), static_cast<std::streamsize>(signing_file->size()));
    std::ofstream(made.dir / "org-signing.cert", std::ios::binary)
        .write(reinterpret_cast<const char*>(certificate->encoded.data()),
               static_cast<std::streamsize>(certificate->encoded.size()));
    std::ofstream(made.dir / "signing-passphrase") << made.signing_passphrase << "\n";
    made.root_key = root.public_key();
    made.signing_certificate = certificate->encoded;
    made.signing_key = std::make_shared<const crypto::SigningKey>(std::move(signing));
    // Removed when the test binary exits.
    static struct Cleanup {
      fs::path dir;
      ~Cleanup() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
      }
    } cleanup{made.dir};
    return made;
  }();
  return org;
}

}  // namespace

const TestOrg& ServerProcess::org() const { return SharedOrg(); }

ServerProcess::ServerProcess(Settings settings, fs::path binary) : binary_(binary.empty() ? fs::path(HAVEN_BINARY) : binary) {
  std::string pattern = (fs::temp_directory_path() / "haven-it-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  fs::create_directories(dir_ / "web" / "assets");
  std::ofstream(dir_ / "web" / "index.html") << "<!doctype html><title>Haven test</title><p>shell page</p>\n";
  std::ofstream(dir_ / "web" / "assets" / "app.0123ABCD.js") << "console.log('versioned asset');\n";

  std::map<std::string, std::string> values = {
      {"server.port", "0"},
      {"server.data_dir", "\"" + (dir_ / "data").string() + "\""},
      {"storage.key_dir", "\"" + (dir_ / "keys").string() + "\""},
      {"org.dir", "\"" + SharedOrg().dir.string() + "\""},
      {"server.shutdown_deadline_ms", "3000"},
      {"http.static_dir", "\"" + (dir_ / "web").string() + "\""},
      {"websocket.allowed_origins", "[\"" + std::string(kTestOrigin) + "\"]"},
      {"testing.diagnostic_endpoints", "true"},
      // Every test's counselors log in from 127.0.0.1, one network; the abuse tests set the default.
      {"auth.login_attempts_per_minute", "10000"},
      // Likewise one network for the connection caps; the tests of those caps set them.
      {"server.max_connections_per_network", "100000"},
      {"websocket.max_per_network", "100000"},
      {"helpline.max_waiting_per_network", "100000"},
      // Tests join many visitors at once, which is join pressure: the puzzle tests ask for it.
      {"helpline.puzzle_solutions", "0"},
  };
  for (auto& [key, value] : settings) values[key] = value;
  std::map<std::string, std::map<std::string, std::string>> sections;
  for (const auto& [key, value] : values) {
    auto dot = key.find('.');
    sections[key.substr(0, dot)][key.substr(dot + 1)] = value;
  }
  std::ofstream config(dir_ / "haven.toml");
  for (const auto& [section, entries] : sections) {
    config << "[" << section << "]\n";
    for (const auto& [key, value] : entries) config << key << " = " << value << "\n";
  }
  config.close();

  Launch();
}

void ServerProcess::Launch() {
  exit_status_.reset();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // A harness that crashes must not leave its server running.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int out = ::open((dir_ / "stdout.txt").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    int err = ::open((dir_ / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (const auto& [name, value] : environment_) ::setenv(name.c_str(), value.c_str(), 1);
    std::string config_path = (dir_ / "haven.toml").string();
    ::execl(binary_.c_str(), binary_.c_str(), "serve", "--config", config_path.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  static const std::regex kListening(R"(listening on http://[^:]+:(\d+)/)");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    std::string out = StandardOutput();
    if (auto restart = out.rfind("--- restart ---"); restart != std::string::npos) out = out.substr(restart);
    if (std::regex_search(out, match, kListening)) {
      port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
      return;
    }
    if (WaitForExit(std::chrono::milliseconds(0))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string err = StandardError();
  if (!exit_status_) {
    ::kill(pid_, SIGKILL);
    WaitForExit(std::chrono::seconds(5));
  }
  throw std::runtime_error("haven serve did not start: " + err);
}

void ServerProcess::Restart(int signal_number) {
  if (!exit_status_) {
    ::kill(pid_, signal_number);
    WaitForExit(std::chrono::seconds(10));
  }
  // The same port, so clients can come back to where they were.
  std::string config = ReadFile(dir_ / "haven.toml");
  auto at = config.find("port = 0\n");
  if (at != std::string::npos) config.replace(at, 9, "port = " + std::to_string(port_) + "\n");
  std::ofstream(dir_ / "haven.toml") << config;
  std::ofstream(dir_ / "stdout.txt", std::ios::app) << "--- restart ---\n";
  Launch();
}

ServerProcess::~ServerProcess() {
  if (!exit_status_) {
    ::kill(pid_, SIGKILL);
    WaitForExit(std::chrono::seconds(5));
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

void ServerProcess::Signal(int signal_number) { ::kill(pid_, signal_number); }

std::optional<int> ServerProcess::WaitForExit(std::chrono::milliseconds timeout) {
  if (exit_status_) return exit_status_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (std::chrono::steady_clock::now() < deadline);
  return std::nullopt;
}

std::string ServerProcess::StandardOutput() const { return ReadFile(dir_ / "stdout.txt"); }
std::string ServerProcess::StandardError() const { return ReadFile(dir_ / "stderr.txt"); }

std::string ServerProcess::AllFileBytes(bool except_config) const {
  std::string all;
  for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
    if (except_config && entry.path() == config_path()) continue;
    if (entry.is_regular_file()) all += ReadFile(entry.path());
  }
  return all;
}

}  // namespace haven::testing
