#include "server/app/demo_command.h"

#include <sodium.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "crypto/certificate.h"
#include "crypto/credentials.h"
#include "crypto/key_file.h"
#include "server/app/key_files.h"
#include "server/app/org_command.h"
#include "server/app/serve_command.h"
#include "server/app/storage_commands.h"
#include "server/auth/account_service.h"
#include "server/auth/totp.h"
#include "server/config/config.h"
#include "server/config/config_loader.h"
#include "storage/storage_runtime.h"

namespace haven::app {
namespace {

namespace fs = std::filesystem;

struct DemoAccount {
  std::string handle;
  std::string name;
  storage::AccountRole role;
  std::string passphrase;
};

const DemoAccount kDemoAccounts[] = {
    {"demo-counselor", "Мария", storage::AccountRole::kCounselor, "demo counselor passphrase"},
    {"demo-supervisor", "Елена", storage::AccountRole::kSupervisor, "demo supervisor passphrase"},
};

std::uint64_t NowSeconds() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// The org a real administrator makes with `haven org init` and `haven org signing-key`, with
// a random passphrase nobody needs: the demo never unlocks the files again.
std::expected<crypto::SigningKey, std::string> MakeOrg(const fs::path& dir) {
  fs::create_directories(dir);
  crypto::SigningKey root = crypto::SigningKey::Generate();
  crypto::SigningKey signing = crypto::SigningKey::Generate();
  std::string passphrase = crypto::ToHex(crypto::SecretBytes::Random(16).bytes());
  crypto::CertificateFields fields{crypto::CertificateRole::kOrgSigning, signing.public_key(), {}, NowSeconds() - 60,
                                   NowSeconds() + 30 * 86400, "org-signing", "Haven demo helpline"};
  randombytes_buf(fields.serial.data(), fields.serial.size());
  auto certificate = crypto::IssueCertificate(fields, root);
  auto root_file = crypto::EncodeKeyFile(crypto::KeyFileKind::kOrgRoot, root, passphrase, crypto::kMinimumParams);
  auto signing_file = crypto::EncodeKeyFile(crypto::KeyFileKind::kOrgSigning, signing, passphrase, crypto::kMinimumParams);
  if (!certificate || !root_file || !signing_file) return std::unexpected("cannot make the demo org keys");
  for (auto [name, bytes] : {std::pair{kRootKeyFile, &*root_file}, std::pair{kSigningKeyFile, &*signing_file},
                             std::pair{kSigningCertificateFile, &certificate->encoded}}) {
    if (auto written = WriteNewFile(dir / name, *bytes, 0600); !written) return std::unexpected(written.error());
  }
  if (auto written = WriteRootPublicKeyFile(dir, root.public_key()); !written) return std::unexpected(written.error());
  return signing;
}

// Invites, enrols and certifies each demo account exactly as the console and `haven
// counselor certify` would, so the demo exercises the real code paths.
std::expected<void, std::string> MakeAccounts(const Config& config, const crypto::SigningKey& signing) {
  storage::SystemClock clock;
  auto runtime = storage::StorageRuntime::Open(StorageOptionsFor(config), clock);
  if (!runtime) return std::unexpected("cannot open storage: " + runtime.error().ToString());
  auth::AccountService accounts((*runtime)->stores(), clock, auth::AccountPolicy{});
  for (const DemoAccount& demo : kDemoAccounts) {
    auto code = accounts.Invite({demo.handle, demo.name, demo.role, {"bg", "en"}, {"child", "adult"}, 2});
    if (!code) return std::unexpected("cannot invite " + demo.handle);
    auto started = accounts.StartEnrolment(demo.handle, *code);
    if (!started) return std::unexpected("cannot enrol " + demo.handle);
    auto keys = crypto::DeriveCounselorKeys(demo.passphrase, started->salt);
    crypto::SigningKey identity = crypto::SigningKey::Generate();
    crypto::Bytes wrapped = crypto::WrapIdentitySeed(keys->wrap_key, demo.handle, identity.seed());
    auto account = accounts.Find(demo.handle);
    std::string totp = auth::TotpCode(account->totp_secret, NowSeconds() / auth::kTotpStepSeconds);
    auto finished = accounts.FinishEnrolment(
        {demo.handle, *code, crypto::Bytes(keys->login_key.bytes().begin(), keys->login_key.bytes().end()),
         crypto::Bytes(identity.public_key().begin(), identity.public_key().end()), wrapped, totp});
    if (!finished) return std::unexpected("cannot finish enrolling " + demo.handle);
    crypto::CertificateFields fields{crypto::CertificateRole::kCounselor, identity.public_key(), {}, NowSeconds() - 60,
                                     NowSeconds() + 29 * 86400, demo.handle, demo.name};
    randombytes_buf(fields.serial.data(), fields.serial.size());
    auto certificate = crypto::IssueCertificate(fields, signing);
    if (!certificate || !accounts.StoreCertificate(demo.handle, certificate->encoded)) {
      return std::unexpected("cannot certify " + demo.handle);
    }
  }
  return {};
}

}  // namespace

int RunDemoCommand(std::uint16_t port) {
  std::string pattern = (fs::temp_directory_path() / "haven-demo-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    std::cerr << "haven: cannot create a temporary data directory\n";
    return 1;
  }
  fs::path demo_dir(pattern);
  struct RemoveAtExit {
    fs::path dir;
    ~RemoveAtExit() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } remove_at_exit{demo_dir};

  if (!crypto::InitSodium()) return 1;
  std::string origin = "http://localhost:" + std::to_string(port);
  Config config;
  config.server.port = port;
  // Keys beside the data, never inside it, as in production.
  config.server.data_dir = (demo_dir / "data").string();
  config.storage.key_dir = (demo_dir / "keys").string();
  config.org.dir = (demo_dir / "org").string();
  config.websocket.allowed_origins = {origin, "http://127.0.0.1:" + std::to_string(port)};
  // Plain HTTP on localhost: no Secure cookies; and no authenticator app needed to try it.
  config.auth.secure_cookie = false;
  config.auth.require_totp = false;
  if (auto valid = ValidateConfig(config); !valid) {
    std::cerr << "haven: " << valid.error().ToString() << "\n";
    return 2;
  }
  auto signing = MakeOrg(config.org.dir);
  if (!signing) {
    std::cerr << "haven: " << signing.error() << "\n";
    return 1;
  }
  if (auto made = MakeAccounts(config, *signing); !made) {
    std::cerr << "haven: " << made.error() << "\n";
    return 1;
  }
  std::vector<std::string> notes = {
      "",
      "Haven demo is running. Everything is deleted when it stops (Ctrl+C).",
      "",
      "  The visitor's side, a partner site with the chat widget:  " + origin + "/",
      "  The duty console for counselors:                           " + origin + "/console/",
  };
  for (const DemoAccount& demo : kDemoAccounts) {
    notes.push_back("      " + std::string(demo.role == storage::AccountRole::kSupervisor ? "supervisor" : "counselor ") +
                    "  " + demo.handle + "  passphrase: " + demo.passphrase);
  }
  notes.push_back("      (leave the code field empty: the demo asks for no TOTP code; a real server requires one)");
  notes.push_back("      The supervisor also sees the Operator and Statistics tabs.");
  notes.push_back("  Try it: log in as the counselor, go Available, then open the partner site in another window");
  notes.push_back("  and start a chat.");
  return Serve(config, &notes);
}

}  // namespace haven::app
