// `haven org init` and `haven org signing-key` as an administrator runs them.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/json.hpp>
#include <csignal>

#include "crypto/certificate.h"
#include "crypto/chain.h"
#include "crypto/key_file.h"
#include "tests/integration/support/helpline_bots.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/run_haven.h"
#include "tests/integration/support/server_process.h"

namespace haven::testing {
namespace {

namespace fs = std::filesystem;

class OrgCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("org-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "root-pass") << "root passphrase canary 4417\n";
    std::ofstream(dir_ / "signing-pass") << "signing passphrase canary 9921\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Arg(const char* name) { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(OrgCommand, CreatesAVerifiableChainWithPrivateFilesAndPrintsNoSecret) {
  auto init = RunHaven("org init --dir " + Arg("keys") + " --passphrase-file " + Arg("root-pass"));
  ASSERT_EQ(init.first, 0) << init.second;
  auto signing = RunHaven("org signing-key --dir " + Arg("keys") + " --name 'Test Helpline' --root-passphrase-file " +
                     Arg("root-pass") + " --passphrase-file " + Arg("signing-pass"));
  ASSERT_EQ(signing.first, 0) << signing.second;
  for (const auto& output : {init.second, signing.second}) {
    EXPECT_EQ(output.find("canary"), std::string::npos) << "a passphrase was printed";
  }
  struct stat info {};
  ASSERT_EQ(::stat((dir_ / "keys" / "org-root.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ / "keys" / "org-signing.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  auto root_file = ReadFile(dir_ / "keys" / "org-root.key");
  auto root_key = crypto::KeyFilePublicKey(crypto::AsBytes(root_file), crypto::KeyFileKind::kOrgRoot);
  ASSERT_TRUE(root_key);
  EXPECT_NE(init.second.find(crypto::FingerprintForPeople(*root_key)), std::string::npos);
  auto certificate = crypto::ParseCertificate(crypto::AsBytes(ReadFile(dir_ / "keys" / "org-signing.cert")));
  ASSERT_TRUE(certificate);
  EXPECT_TRUE(crypto::HasValidSignature(*certificate, *root_key));
  EXPECT_EQ(certificate->fields.name, "Test Helpline");
  EXPECT_EQ(certificate->fields.not_after - certificate->fields.not_before, 365u * 86400);
}

TEST_F(OrgCommand, RefusesToOverwriteAndRefusesAWrongPassphrase) {
  ASSERT_EQ(RunHaven("org init --dir " + Arg("keys") + " --passphrase-file " + Arg("root-pass")).first, 0);
  std::string before = ReadFile(dir_ / "keys" / "org-root.key");
  auto again = RunHaven("org init --dir " + Arg("keys") + " --passphrase-file " + Arg("root-pass"));
  EXPECT_NE(again.first, 0);
  EXPECT_NE(again.second.find("refusing to overwrite"), std::string::npos);
  EXPECT_EQ(ReadFile(dir_ / "keys" / "org-root.key"), before);
  auto wrong = RunHaven("org signing-key --dir " + Arg("keys") + " --name X --root-passphrase-file " +
                   Arg("signing-pass") + " --passphrase-file " + Arg("signing-pass"));
  EXPECT_NE(wrong.first, 0);
  EXPECT_NE(wrong.second.find("passphrase does not open"), std::string::npos) << wrong.second;
  EXPECT_FALSE(fs::exists(dir_ / "keys" / "org-signing.key"));
}

// protocol.md 14: a passphrase file's bytes before its first LF, not normalised. One trailing
// newline or none opens the same key; a CR before the LF is part of the passphrase.
TEST_F(OrgCommand, APassphraseFileIsItsBytesBeforeTheFirstNewline) {
  ASSERT_EQ(RunHaven("org init --dir " + Arg("keys") + " --passphrase-file " + Arg("root-pass")).first, 0);
  std::ofstream(dir_ / "root-pass-bare") << "root passphrase canary 4417";
  std::ofstream(dir_ / "root-pass-crlf") << "root passphrase canary 4417\r\n";
  auto crlf = RunHaven("org signing-key --dir " + Arg("keys") + " --name X --root-passphrase-file " +
                       Arg("root-pass-crlf") + " --passphrase-file " + Arg("signing-pass"));
  EXPECT_NE(crlf.first, 0);
  EXPECT_NE(crlf.second.find("passphrase does not open"), std::string::npos) << crlf.second;
  auto bare = RunHaven("org signing-key --dir " + Arg("keys") + " --name X --root-passphrase-file " +
                       Arg("root-pass-bare") + " --passphrase-file " + Arg("signing-pass"));
  EXPECT_EQ(bare.first, 0) << bare.second;
}

// The root key file can leave the server after `haven org signing-key`: serve reads org-root.pub.
TEST_F(OrgCommand, ServeNeedsOnlyThePublicHalfOfTheRootKey) {
  ASSERT_EQ(RunHaven("org init --dir " + Arg("keys") + " --passphrase-file " + Arg("root-pass")).first, 0);
  ASSERT_EQ(RunHaven("org signing-key --dir " + Arg("keys") + " --name 'Offline Root' --root-passphrase-file " +
                     Arg("root-pass") + " --passphrase-file " + Arg("signing-pass"))
                .first,
            0);
  auto root_key = crypto::KeyFilePublicKey(crypto::AsBytes(ReadFile(dir_ / "keys" / "org-root.key")),
                                           crypto::KeyFileKind::kOrgRoot);
  ASSERT_TRUE(root_key);
  EXPECT_EQ(ReadFile(dir_ / "keys" / "org-root.pub"), crypto::ToHex(*root_key) + "\n");
  fs::rename(dir_ / "keys" / "org-root.key", dir_ / "offline-root.key");

  ServerProcess server({{"org.dir", "\"" + Arg("keys") + "\""}});
  VisitorBot visitor(server);
  ASSERT_TRUE(visitor.Until([&] { return !visitor.control().empty(); }));
  const auto& org = visitor.control().front().at("org").as_object();
  EXPECT_EQ(org.at("root_key").as_string(), crypto::ToHex(*root_key));
  EXPECT_EQ(org.at("name").as_string(), "Offline Root");
}

// A new signing certificate (here with a new name) reaches what the widget shows first on
// SIGHUP, as it reaches the welcome (before, /api/helpline kept the name it started with).
TEST_F(OrgCommand, ANewSigningCertificateReachesTheFirstScreenOnSighup) {
  ASSERT_EQ(RunHaven("org init --dir " + Arg("keys") + " --passphrase-file " + Arg("root-pass")).first, 0);
  auto issue = [&](const std::string& name) {
    return RunHaven("org signing-key --dir " + Arg("keys") + " --name '" + name + "' --root-passphrase-file " +
                    Arg("root-pass") + " --passphrase-file " + Arg("signing-pass"));
  };
  ASSERT_EQ(issue("First Name").first, 0);
  ServerProcess server({{"org.dir", "\"" + Arg("keys") + "\""}});
  auto name = [&] {
    auto reply = HttpGet(server.port(), "/api/helpline");
    if (!reply || reply->status != 200) return std::string("no answer");
    return std::string(boost::json::parse(reply->body).at("org").at("name").as_string());
  };
  EXPECT_EQ(name(), "First Name");
  // A new signing key, as a rotation does: the old key and certificate go first (the command
  // refuses to overwrite them).
  fs::rename(dir_ / "keys" / "org-signing.key", dir_ / "old-signing.key");
  fs::rename(dir_ / "keys" / "org-signing.cert", dir_ / "old-signing.cert");
  auto second = issue("Second Name");
  ASSERT_EQ(second.first, 0) << second.second;
  server.Signal(SIGHUP);
  std::string now;
  for (int i = 0; i < 50 && (now = name()) != "Second Name"; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(now, "Second Name");
}

TEST_F(OrgCommand, ShortPassphraseAndMissingTerminalAreClearErrors) {
  std::ofstream(dir_ / "short") << "short\n";
  auto short_one = RunHaven("org init --dir " + Arg("keys") + " --passphrase-file " + Arg("short"));
  EXPECT_NE(short_one.first, 0);
  EXPECT_NE(short_one.second.find("at least 12"), std::string::npos);
  auto no_tty = RunHaven("org init --dir " + Arg("keys2"));  // stdin is /dev/null, and no terminal under ctest
  EXPECT_NE(no_tty.first, 0);
}

}  // namespace
}  // namespace haven::testing
