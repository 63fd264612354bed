#include "server/app/counselor_command.h"

#include <sodium.h>

#include <boost/json.hpp>

#include <chrono>
#include <ctime>
#include <iostream>

#include "crypto/certificate.h"
#include "crypto/key_file.h"
#include "crypto/revocation_list.h"
#include "server/app/admin_channel.h"
#include "server/app/key_files.h"
#include "server/app/org_command.h"
#include "server/config/config_loader.h"

namespace haven::app {
namespace {

namespace json = boost::json;

int Failed(const std::string& message) {
  std::cerr << "haven: " << message << "\n";
  return 1;
}

std::uint64_t NowSeconds() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// Loads the config, opens the admin channel, sends one command and returns the parsed reply
// when it says ok; prints the reason otherwise.
class Session {
 public:
  bool Open(const CounselorOptions& options) {
    if (!crypto::InitSodium()) return Fail("libsodium could not initialise");
    auto loaded = LoadConfigFile(options.config_path, ProcessEnvironment());
    if (!loaded) return Fail(loaded.error().ToString());
    config_ = *loaded;
    auto channel = AdminChannel::Open(config_);
    if (!channel) return Fail(channel.error());
    channel_ = std::move(*channel);
    return true;
  }
  std::optional<json::object> Call(json::object request) {
    auto reply = channel_->Call(json::serialize(request));
    if (!reply) {
      Fail(reply.error());
      return std::nullopt;
    }
    boost::system::error_code ec;
    json::value value = json::parse(*reply, ec);
    if (ec || !value.is_object()) {
      Fail("the server's answer is not valid");
      return std::nullopt;
    }
    json::object& object = value.get_object();
    if (!object.contains("ok") || !object.at("ok").is_bool() || !object.at("ok").get_bool()) {
      const json::value* message = object.if_contains("message");
      Fail(message && message->is_string() ? std::string(message->get_string()) : "the command failed");
      return std::nullopt;
    }
    return std::move(object);
  }
  const Config& config() const { return config_; }

  // The org signing key, unlocked.
  std::optional<crypto::SigningKey> SigningKey(const CounselorOptions& options) {
    auto file = ReadSmallFile(std::filesystem::path(config_.org.dir) / kSigningKeyFile, crypto::kKeyFileSize);
    if (!file) {
      Fail(file.error());
      return std::nullopt;
    }
    auto passphrase = ReadPassphrase(options.passphrase_file, "Passphrase of the org signing key", false, 1);
    if (!passphrase) {
      Fail(passphrase.error());
      return std::nullopt;
    }
    auto key = crypto::OpenKeyFile(*file, crypto::KeyFileKind::kOrgSigning, crypto::AsText(passphrase->bytes()));
    if (!key) {
      Fail(std::string(crypto::Sentence(key.error().code)));
      return std::nullopt;
    }
    return std::move(*key);
  }

  bool Fail(const std::string& message) {
    failed_ = true;
    std::cerr << "haven: " << message << "\n";
    return false;
  }

 private:
  Config config_;
  std::unique_ptr<AdminChannel> channel_;
  bool failed_ = false;
};

json::array Array(const std::vector<std::string>& items) {
  json::array array;
  for (const auto& item : items) array.emplace_back(item);
  return array;
}

}  // namespace

int RunCounselorInvite(const CounselorOptions& options) {
  if (options.role != "counselor" && options.role != "supervisor") return Failed("--role must be counselor or supervisor");
  Session session;
  if (!session.Open(options)) return 1;
  auto reply = session.Call({{"command", "invite"},
                             {"handle", options.handle},
                             {"name", options.name.empty() ? options.handle : options.name},
                             {"role", options.role},
                             {"languages", Array(options.languages)},
                             {"skills", Array(options.skills)},
                             {"max_chats", options.max_chats}});
  if (!reply) return 1;
  std::cout << "Invited " << options.handle << ". Give them this one-time enrolment code, in person or by phone:\n\n    "
            << reply->at("code").as_string().c_str() << "\n\nThey enrol at /console/ with it. Then run: haven counselor certify "
            << options.handle << "\n";
  return 0;
}

int RunCounselorCertify(const CounselorOptions& options) {
  if (options.days < 1 || options.days > 30) return Failed("--days must be from 1 to 30");
  Session session;
  if (!session.Open(options)) return 1;
  auto account = session.Call({{"command", "account"}, {"handle", options.handle}});
  if (!account) return 1;
  auto public_key = crypto::FromHex(std::string_view(account->at("identity_public_key").as_string()));
  if (!public_key || public_key->size() != crypto::kPublicKeySize) {
    return Failed(options.handle + " has not enrolled yet: there is no identity key to certify");
  }
  auto signing_key = session.SigningKey(options);
  if (!signing_key) return 1;
  auto signing_certificate =
      ReadSmallFile(std::filesystem::path(session.config().org.dir) / kSigningCertificateFile, 1024);
  auto signing = signing_certificate ? crypto::ParseCertificate(*signing_certificate) : crypto::Result<crypto::Certificate>{};
  if (!signing || signing->fields.subject_key != signing_key->public_key()) {
    return Failed("org-signing.cert does not belong to org-signing.key");
  }
  crypto::CertificateFields fields;
  fields.role = crypto::CertificateRole::kCounselor;
  std::copy(public_key->begin(), public_key->end(), fields.subject_key.begin());
  randombytes_buf(fields.serial.data(), fields.serial.size());
  // Back-dated a minute for clocks slightly behind; the whole period stays within --days, and
  // the certificate may not outlive the signing certificate above it (docs/protocol.md 3.4).
  fields.not_before = NowSeconds() - 60;
  fields.not_after = std::min(fields.not_before + static_cast<std::uint64_t>(options.days) * 86400,
                              signing->fields.not_after);
  fields.handle = options.handle;
  fields.name = std::string(account->at("name").as_string());
  auto certificate = crypto::IssueCertificate(fields, *signing_key);
  if (!certificate) return Failed("cannot issue: " + std::string(crypto::Sentence(certificate.error().code)));
  if (!session.Call({{"command", "store_certificate"},
                     {"handle", options.handle},
                     {"certificate", crypto::ToHex(certificate->encoded)}})) {
    return 1;
  }
  std::time_t until = static_cast<std::time_t>(fields.not_after);
  char until_text[32];
  std::strftime(until_text, sizeof until_text, "%Y-%m-%d %H:%M UTC", std::gmtime(&until));
  std::cout << "Certified " << options.handle << " until " << until_text << " (serial "
            << crypto::ToHex(fields.serial) << "). Certify again before then.\n";
  return 0;
}

int RunCounselorRevoke(const CounselorOptions& options) {
  Session session;
  if (!session.Open(options)) return 1;
  auto account = session.Call({{"command", "account"}, {"handle", options.handle}});
  if (!account) return 1;
  auto current = session.Call({{"command", "revocations"}});
  if (!current) return 1;
  std::vector<crypto::Serial> serials;
  for (const auto& hex : current->at("serials").as_array()) {
    auto bytes = crypto::FromHex(std::string_view(hex.as_string()));
    if (!bytes || bytes->size() != 16) return Failed("the current revocation list is not valid");
    crypto::Serial serial{};
    std::copy(bytes->begin(), bytes->end(), serial.begin());
    serials.push_back(serial);
  }
  auto certificate_bytes = crypto::FromHex(std::string_view(account->at("certificate").as_string()));
  if (certificate_bytes && !certificate_bytes->empty()) {
    auto certificate = crypto::ParseCertificate(*certificate_bytes);
    if (!certificate) return Failed("the account's certificate is not valid");
    serials.push_back(certificate->fields.serial);
  }
  auto signing_key = session.SigningKey(options);
  if (!signing_key) return 1;
  auto list = crypto::IssueRevocationList(crypto::RevocationIssuer::kOrgSigning, NowSeconds(), serials, *signing_key);
  if (!list) return Failed("cannot sign the revocation list: " + std::string(crypto::Sentence(list.error().code)));
  if (!session.Call({{"command", "revoke"}, {"handle", options.handle}, {"revocation_list", crypto::ToHex(list->encoded)}})) {
    return 1;
  }
  std::cout << "Revoked " << options.handle << ": its sessions are ended, its chats go back to the queue, and widgets "
            << "now refuse its certificate (" << list->serials.size() << " revoked in all).\n";
  return 0;
}

int RunCounselorList(const CounselorOptions& options) {
  Session session;
  if (!session.Open(options)) return 1;
  auto reply = session.Call({{"command", "list"}});
  if (!reply) return 1;
  // Certificates last at most 30 days and nothing else reminds anyone: the list says when each
  // runs out, and marks those within a week.
  std::cout << "handle\trole\tstatus\tcertified until\tname\n";
  auto now = static_cast<std::int64_t>(NowSeconds());
  for (const auto& value : reply->at("accounts").as_array()) {
    const auto& account = value.as_object();
    std::string until = "not certified";
    if (const auto* field = account.if_contains("certified_until"); field && field->is_int64() && field->as_int64() > 0) {
      std::time_t at = static_cast<std::time_t>(field->as_int64());
      char date[16];
      std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&at));
      std::int64_t days = (field->as_int64() - now) / 86400;
      until = std::string(date) + (field->as_int64() <= now ? " (EXPIRED: certify again)"
                                   : days < 7           ? " (" + std::to_string(days) + " days: certify again)"
                                                        : " (" + std::to_string(days) + " days)");
    }
    std::cout << account.at("handle").as_string().c_str() << "\t" << account.at("role").as_string().c_str() << "\t"
              << account.at("status").as_string().c_str() << "\t" << until << "\t"
              << account.at("name").as_string().c_str() << "\n";
  }
  return 0;
}

int RunStatsExport(const StatsExportOptions& options) {
  if (options.format != "csv") return Failed("--format must be csv");
  CounselorOptions config_only;
  config_only.config_path = options.config_path;
  Session session;
  if (!session.Open(config_only)) return 1;
  auto reply = session.Call({{"command", "stats"}, {"from", options.from}, {"to", options.to}, {"group", options.group}});
  if (!reply) return 1;
  std::cout << reply->at("csv").as_string().c_str();
  return 0;
}

}  // namespace haven::app
