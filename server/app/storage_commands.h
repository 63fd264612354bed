// The storage side of the `haven` command line: `haven backup create DIR` and
// `haven storage inspect`, and the mapping from the [storage] config to storage's options
// that `haven serve` shares.
//
// Both commands take the data directory's lock, so they run while `haven serve` is stopped
// (the lock is what guarantees a consistent checkpoint without coordinating with a live
// server). Neither prints record contents, keys, chat ids or handles.
#pragma once

#include <filesystem>
#include <string>

#include "server/config/config.h"
#include "storage/storage_runtime.h"

namespace haven::app {

storage::StorageOptions StorageOptionsFor(const Config& config);

struct BackupCreateOptions {
  std::string config_path;
  std::filesystem::path dir;  // must not exist; its parent must
};

// Writes a consistent copy of the data to `dir` (StorageRuntime::CreateBackup), without the
// key files: through the running server's admin socket while it serves, or in-process when
// it is stopped. Says what must be backed up separately. Returns the process exit code.
int RunBackupCreate(const BackupCreateOptions& options);

// Puts a backup in place of the stopped server's database (StorageRuntime::RestoreBackup),
// with owners and modes the server can use; says where the replaced database went.
int RunBackupRestore(const BackupCreateOptions& options);

struct StorageInspectOptions {
  std::string config_path;
};

// Prints, per family, how many records are live, expired or shredded (waiting for
// compaction) or unreadable, the oldest and newest expiry, the database size and the epoch
// key horizon - from the clear record headers and the epoch key file's day alone.
int RunStorageInspect(const StorageInspectOptions& options);

// Migrates the data directory to this build's format (storage/data_format.h) and reads it
// back; says from which format to which, or why not.
int RunStorageMigrate(const StorageInspectOptions& options);

// The operator confirms the wall clock (storage/trusted_time.h): the next `haven serve` takes
// it as the trusted time, so shredding and compaction catch up at once after a long stop.
int RunStorageTrustClock(const StorageInspectOptions& options);

}  // namespace haven::app
