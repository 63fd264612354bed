// `haven counselor invite|certify|revoke|list`: the administrator's side of counselor
// accounts. Signing (certificates, revocation lists) happens here, with the org signing key
// unlocked by its passphrase; the server only ever receives what was signed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace haven::app {

struct CounselorOptions {
  std::string config_path;
  std::string handle;
  std::string name;                       // invite: the name visitors see (default: the handle)
  std::string role = "counselor";         // invite: counselor | supervisor
  std::vector<std::string> languages{"bg"};
  std::vector<std::string> skills;
  int max_chats = 2;
  int days = 30;                          // certify: at most 30
  std::optional<std::filesystem::path> passphrase_file;  // the org signing key's
};

int RunCounselorInvite(const CounselorOptions& options);
int RunCounselorCertify(const CounselorOptions& options);
int RunCounselorRevoke(const CounselorOptions& options);
int RunCounselorList(const CounselorOptions& options);

struct StatsExportOptions {
  std::string config_path;
  std::string from;   // "2027-W01"
  std::string to;
  std::string group = "week";
  std::string format = "csv";
};
// `haven stats export`: the statistics (suppressed below five) as CSV on standard output.
int RunStatsExport(const StatsExportOptions& options);

}  // namespace haven::app
