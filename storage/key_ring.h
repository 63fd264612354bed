// KeyRing: the keys every stored value is sealed with, and the crypto-shredding ratchet.
//
// Files, in the key directory (storage.key_dir), which must lie outside the data directory
// so that no copy of the data - checkpoint, backup, stolen disk image of the data volume -
// carries the keys with it:
//
//   master.key = key:32                 random; mode 0600; created once, never replaced
//   epoch.key  = day:u32 key:32         K[day], the oldest epoch key still kept; 0600
//
// Keys derived from the master key (crypto::DeriveSubkey):
//   family key  = DeriveSubkey(master, family id, "HVNstore")   seals accounts, sessions,
//                                                               stats and audit records
//   names key   = DeriveSubkey(master, 100, "HVNnames")         crypto::KeyedName record keys
//
// Conversations are sealed under the epoch key of their creation day d:
//   K[d] = crypto::AdvanceEpochKey(K[day], day, d)              for d >= day
// and K[d] for d < day exists nowhere: AdvanceEpochs ratchets the stored key forward
// (K[d+1] = H(K[d]), one way), replaces epoch.key atomically and forgets the old key, so
// every conversation sealed on an earlier day - in the live data or in any old backup -
// is unreadable for good.
//
// Thread-safety: every method may be called from any thread (one mutex guards the epoch key
// and the cache of derived day keys; horizon_day() is lock-free for the compaction filter).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "crypto/secret_bytes.h"
#include "storage/error.h"
#include "storage/family.h"

namespace haven::storage {

inline constexpr std::string_view kMasterKeyFile = "master.key";
inline constexpr std::string_view kEpochKeyFile = "epoch.key";
inline constexpr std::size_t kEpochKeyFileSize = 4 + 32;
// A record may name an epoch at most this many days after the stored one; a larger value
// on disk is corrupt (deriving its key would take one hash per day).
inline constexpr std::uint32_t kMaxEpochSpan = 4000;

class KeyRing {
 public:
  // Loads the keys from `key_dir`. When `may_create` (there is no data the keys could have
  // sealed), a missing key file is created, the epoch starting `today`. A missing epoch.key
  // is created so even for existing data: key backups hold master.key alone (an old epoch
  // key would undo shredding), and conversations sealed before then read as shredded.
  // Refused (key_file): a key directory that is, or lies inside, or contains `data_dir`; one
  // that other users can read; a missing master.key when !may_create; a file of the wrong
  // size or mode.
  static Result<std::unique_ptr<KeyRing>> Open(const std::filesystem::path& key_dir,
                                               const std::filesystem::path& data_dir, std::uint32_t today,
                                               bool may_create);
  // Random keys held only in memory, for tests of the layers above storage.
  static std::unique_ptr<KeyRing> InMemory(std::uint32_t today);
  // The day of key_dir/epoch.key, without reading the key (storage inspect).
  static Result<std::uint32_t> ReadEpochDay(const std::filesystem::path& key_dir);

  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  const crypto::SecretBytes& FamilyKey(Family family) const;
  const crypto::SecretBytes& NamesKey() const { return names_key_; }

  // K[day]. shredded when day < horizon_day(); corrupt when day is more than kMaxEpochSpan
  // days past it.
  Result<std::shared_ptr<const crypto::SecretBytes>> EpochKey(std::uint32_t day) const;
  // The oldest day whose key still exists.
  std::uint32_t horizon_day() const { return horizon_.load(); }

  // Moves the horizon to today - retention_days when it is behind, persisting the new key
  // before the old one is forgotten. Returns how many days were shredded (0 when none).
  Result<std::uint32_t> AdvanceEpochs(std::uint32_t today, std::uint32_t retention_days);

 private:
  KeyRing(const crypto::SecretBytes& master, std::uint32_t epoch_day, crypto::SecretBytes epoch_key,
          std::filesystem::path epoch_path);

  std::array<crypto::SecretBytes, 6> family_keys_;  // by Family id; [0] unused
  crypto::SecretBytes names_key_;
  std::filesystem::path epoch_path_;  // empty when the ring lives only in memory

  mutable std::mutex mutex_;
  crypto::SecretBytes epoch_key_;  // K[horizon_]
  std::atomic<std::uint32_t> horizon_;
  mutable std::map<std::uint32_t, std::shared_ptr<const crypto::SecretBytes>> day_keys_;
};

}  // namespace haven::storage
