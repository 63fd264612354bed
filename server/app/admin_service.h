// The administrator's commands, executed where the accounts live. `haven counselor ...`
// sends one JSON line to a running server's admin socket, or, when no server runs, executes
// it in-process over the storage it opens itself: the same code either way.
//
//   {"command":"invite", "handle", "name", "role", "languages":[], "skills":[], "max_chats"} -> {"code"}
//   {"command":"account", "handle"}            -> {"handle","name","status","identity_public_key","certificate"}
//   {"command":"store_certificate", "handle", "certificate"}
//   {"command":"revocations"}                  -> {"serials":[...]}   (the current list, to extend)
//   {"command":"revoke", "handle", "revocation_list"}
//   {"command":"list"}                         -> {"accounts":[{"handle","name","role","status","certified_until"}]}
//   {"command":"stats", "from", "to", "group"} -> {"csv"}   (weeks "2027-W01"; group week|month)
//   {"command":"backup", "dir"}                -> {"dir"}   a consistent copy of the live data, no keys
//
// Replies are {"ok":true, ...} or {"ok":false, "error":CODE, "message":SENTENCE}. The socket
// is mode 0600 in the data directory: whoever can use it could read the data anyway.
//
// Blocking (storage, files): run Handle on a worker thread.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "crypto/bytes.h"
#include "crypto/signing_key.h"
#include "server/auth/account_service.h"
#include "storage/stats_store.h"

namespace haven::app {

class AdminService {
 public:
  struct Hooks {
    std::function<void(const std::string& handle)> revoked;               // end its connection, requeue its chats
    std::function<void(const crypto::Bytes& list)> revocations_published;  // serve the new list to widgets
    // Writes a backup of the open storage into a new directory (StorageRuntime::CreateBackup).
    std::function<storage::Result<void>(const std::filesystem::path& dir)> backup;
  };

  AdminService(auth::AccountService& accounts, storage::StatsStore& stats, std::filesystem::path org_dir,
               crypto::PublicKey root_key, crypto::Bytes signing_certificate, Hooks hooks = {});

  std::string Handle(std::string_view request_line);

 private:
  auth::AccountService& accounts_;
  storage::StatsStore& stats_;
  std::filesystem::path org_dir_;
  crypto::PublicKey root_key_;
  crypto::Bytes signing_certificate_;
  Hooks hooks_;
};

}  // namespace haven::app
