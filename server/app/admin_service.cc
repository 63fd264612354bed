#include "server/app/admin_service.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "crypto/certificate.h"
#include "crypto/revocation_list.h"
#include "server/app/key_files.h"
#include "server/app/org_files.h"
#include "server/json/strict_fields.h"
#include "server/reports/stats_table.h"

namespace haven::app {
namespace {

namespace json = boost::json;
using haven::json::StrictFields;

std::string Ok(json::object body = {}) {
  body["ok"] = true;
  return json::serialize(body);
}

std::string Error(std::string_view code, std::string_view message) {
  return json::serialize(json::object{{"ok", false}, {"error", code}, {"message", message}});
}

std::string Error(const auth::AuthFailure& failure) {
  return Error(auth::AuthErrorName(failure.error), auth::AuthErrorSentence(failure.error));
}

std::string_view StatusName(storage::AccountStatus status) {
  switch (status) {
    case storage::AccountStatus::kInvited: return "invited";
    case storage::AccountStatus::kEnrolled: return "enrolled";
    case storage::AccountStatus::kActive: return "active";
    case storage::AccountStatus::kRevoked: return "revoked";
  }
  return "unknown";
}

std::vector<std::string> Strings(const json::array* array) {
  std::vector<std::string> out;
  if (!array) return out;
  for (const auto& value : *array) {
    if (value.is_string()) out.emplace_back(value.get_string());
  }
  return out;
}

// Replaces `path` with `bytes` so that a reader sees the old file or the new one, never half.
bool ReplaceFile(const std::filesystem::path& path, crypto::ByteView bytes) {
  std::filesystem::path temporary = path;
  temporary += ".new";
  ::unlink(temporary.c_str());
  if (!WriteNewFile(temporary, bytes, 0644)) return false;
  if (::rename(temporary.c_str(), path.c_str()) != 0) return false;
  int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

}  // namespace

AdminService::AdminService(auth::AccountService& accounts, storage::StatsStore& stats, std::filesystem::path org_dir,
                           crypto::PublicKey root_key, crypto::Bytes signing_certificate, Hooks hooks)
    : accounts_(accounts),
      stats_(stats),
      org_dir_(std::move(org_dir)),
      root_key_(root_key),
      signing_certificate_(std::move(signing_certificate)),
      hooks_(std::move(hooks)) {}

std::string AdminService::Handle(std::string_view request_line) {
  auto object = StrictFields::ParseObject(request_line);
  if (!object) return Error("bad_request", "The request is not a JSON object.");
  StrictFields fields(*object);
  auto command = fields.String("command");
  auto handle = fields.String("handle");
  if (!command) return Error("bad_request", "The request names no command.");

  if (*command == "invite") {
    auth::Invitation invitation;
    auto name = fields.String("name");
    auto role = fields.String("role");
    const json::value* max_chats = object->if_contains("max_chats");
    if (!handle || !name || !role || !max_chats || !max_chats->is_int64()) {
      return Error("bad_request", "invite needs handle, name, role and max_chats.");
    }
    invitation.handle = std::string(*handle);
    invitation.display_name = std::string(*name);
    invitation.role = *role == "supervisor" ? storage::AccountRole::kSupervisor : storage::AccountRole::kCounselor;
    invitation.languages = Strings(fields.Array("languages"));
    invitation.skills = Strings(fields.Array("skills"));
    invitation.max_chats = static_cast<std::uint32_t>(std::clamp<std::int64_t>(max_chats->get_int64(), 0, 1000));
    auto code = accounts_.Invite(invitation);
    if (!code) return Error(code.error());
    return Ok({{"code", *code}});
  }
  if (*command == "account") {
    if (!handle) return Error("bad_request", "account needs a handle.");
    auto account = accounts_.Find(std::string(*handle));
    if (!account) return Error(account.error());
    return Ok({{"handle", account->handle},
               {"name", account->display_name},
               {"status", StatusName(account->status)},
               {"identity_public_key", crypto::ToHex(account->identity_public_key)},
               {"certificate", crypto::ToHex(account->certificate)}});
  }
  if (*command == "store_certificate") {
    auto certificate = fields.HexBytes("certificate", 1024);
    if (!handle || !certificate) return Error("bad_request", "store_certificate needs handle and certificate.");
    // The certificate must chain to this org: the signing certificate we serve, under our root.
    auto signing = crypto::ParseCertificate(signing_certificate_);
    auto parsed = crypto::ParseCertificate(*certificate);
    if (!signing || !parsed || !crypto::HasValidSignature(*parsed, signing->fields.subject_key)) {
      return Error("bad_certificate", "The certificate is not signed by this organisation's signing key.");
    }
    auto stored = accounts_.StoreCertificate(std::string(*handle), *certificate);
    if (!stored) return Error(stored.error());
    return Ok();
  }
  if (*command == "revocations") {
    json::array serials;
    auto bytes = ReadSmallFile(org_dir_ / kRevocationListFile, 128 * 1024);
    if (bytes) {
      auto list = crypto::ParseRevocationList(*bytes);
      if (!list) return Error("bad_revocation_list", "The current revocation list does not verify.");
      for (const auto& serial : list->serials) serials.emplace_back(crypto::ToHex(serial));
    }
    return Ok({{"serials", serials}});
  }
  if (*command == "revoke") {
    auto bytes = fields.HexBytes("revocation_list", 128 * 1024);
    if (!handle || !bytes) return Error("bad_request", "revoke needs handle and revocation_list.");
    auto account = accounts_.Find(std::string(*handle));
    if (!account) return Error(account.error());
    auto list = crypto::ParseRevocationList(*bytes);
    auto signing = crypto::ParseCertificate(signing_certificate_);
    bool trusted = list && signing &&
                   (list->issuer_key == signing->fields.subject_key || list->issuer_key == root_key_);
    if (!trusted) return Error("bad_revocation_list", "The revocation list is not signed by this organisation.");
    if (auto certificate = crypto::ParseCertificate(account->certificate)) {
      if (!list->Contains(certificate->fields.serial)) {
        return Error("bad_revocation_list", "The revocation list does not name this counselor's certificate.");
      }
    }
    auto revoked = accounts_.Revoke(std::string(*handle));
    if (!revoked) return Error(revoked.error());
    if (!ReplaceFile(org_dir_ / kRevocationListFile, *bytes)) {
      return Error("io_error", "The account is revoked, but the revocation list could not be written.");
    }
    if (hooks_.revoked) hooks_.revoked(std::string(*handle));
    if (hooks_.revocations_published) hooks_.revocations_published(*bytes);
    return Ok();
  }
  if (*command == "list") {
    auto accounts = accounts_.List();
    if (!accounts) return Error(accounts.error());
    json::array list;
    for (const auto& account : *accounts) {
      std::uint64_t until = 0;
      if (auto certificate = crypto::ParseCertificate(account.certificate)) until = certificate->fields.not_after;
      list.push_back(json::object{{"handle", account.handle},
                                  {"name", account.display_name},
                                  {"role", account.role == storage::AccountRole::kSupervisor ? "supervisor" : "counselor"},
                                  {"status", StatusName(account.status)},
                                  {"certified_until", until}});
    }
    return Ok({{"accounts", list}});
  }
  if (*command == "stats") {
    auto query = reports::ParseStatsQuery(fields.String("from").value_or(""), fields.String("to").value_or(""),
                                          fields.String("group").value_or("week"));
    if (!query) return Error("bad_request", query.error());
    auto report = stats_.Report(query->from_week, query->to_week, query->period);
    if (!report) return Error("storage_unavailable", "The statistics cannot be read now.");
    return Ok({{"csv", reports::StatsCsv(*report, query->period)}});
  }
  if (*command == "backup") {
    auto dir = fields.String("dir");
    if (!dir || dir->empty() || !std::filesystem::path(*dir).is_absolute()) {
      return Error("bad_request", "backup needs an absolute directory path.");
    }
    if (!hooks_.backup) return Error("unknown_command", "Backups are not available here.");
    if (auto written = hooks_.backup(std::string(*dir)); !written) {
      return Error("backup_failed", written.error().ToString());
    }
    return Ok({{"dir", *dir}});
  }
  return Error("unknown_command", "There is no such command.");
}

}  // namespace haven::app
