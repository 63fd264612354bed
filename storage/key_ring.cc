#include "storage/key_ring.h"

#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>

#include "crypto/bytes.h"
#include "crypto/sealing.h"
#include "storage/file_owner.h"
#include "storage/secret_file.h"

namespace haven::storage {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMasterKeySize = 32;
constexpr std::uint64_t kNamesKeyId = 100;
constexpr std::size_t kMaxCachedDayKeys = 1024;

// The absolute form of `path` with symbolic links of its existing part resolved and no
// trailing separator.
fs::path Resolved(const fs::path& path) {
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(fs::absolute(path, ec), ec).lexically_normal();
  if (!resolved.has_filename() && resolved.has_parent_path() && resolved != resolved.root_path()) {
    resolved = resolved.parent_path();
  }
  return resolved;
}

// True when one path is the other or lies inside it.
bool Overlaps(const fs::path& a, const fs::path& b) {
  fs::path x = Resolved(a), y = Resolved(b);
  auto [end_x, end_y] = std::mismatch(x.begin(), x.end(), y.begin(), y.end());
  return end_x == x.end() || end_y == y.end();
}

Result<void> PrepareDirectory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) return Fail(ErrorCode::kKeyFile, "cannot create key directory " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) return Fail(ErrorCode::kKeyFile, "cannot make key directory private: " + ec.message());
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return Fail(ErrorCode::kKeyFile, "key directory " + dir.string() + " is not a directory");
  }
  if ((info.st_mode & 077) != 0) {
    return Fail(ErrorCode::kKeyFile, "key directory " + dir.string() + " is readable by other users; chmod 700 it");
  }
  if (std::string problem = OwnershipProblem(dir, "key directory", 1); !problem.empty()) {
    return Fail(ErrorCode::kKeyFile, problem);
  }
  return {};
}

// Sized once, so no reallocation leaves a stray copy of the key behind; wiped by the caller.
crypto::Bytes EncodeEpochFile(std::uint32_t day, const crypto::SecretBytes& key) {
  crypto::Bytes file(kEpochKeyFileSize);
  for (int i = 0; i < 4; ++i) file[i] = static_cast<std::uint8_t>(day >> (24 - 8 * i));
  std::copy(key.bytes().begin(), key.bytes().end(), file.begin() + 4);
  return file;
}

void Wipe(crypto::Bytes& bytes) { sodium_memzero(bytes.data(), bytes.size()); }

}  // namespace

KeyRing::KeyRing(const crypto::SecretBytes& master, std::uint32_t epoch_day, crypto::SecretBytes epoch_key,
                 fs::path epoch_path)
    : names_key_(crypto::DeriveSubkey(master, kNamesKeyId, "HVNnames")),
      epoch_path_(std::move(epoch_path)),
      epoch_key_(std::move(epoch_key)),
      horizon_(epoch_day) {
  for (Family family : kAllFamilies) {
    auto id = static_cast<std::uint8_t>(family);
    family_keys_[id] = crypto::DeriveSubkey(master, id, "HVNstore");
  }
}

Result<std::unique_ptr<KeyRing>> KeyRing::Open(const fs::path& key_dir, const fs::path& data_dir, std::uint32_t today,
                                               bool may_create) {
  if (key_dir.empty()) return Fail(ErrorCode::kKeyFile, "no key directory given (storage.key_dir)");
  if (Overlaps(key_dir, data_dir)) {
    return Fail(ErrorCode::kKeyFile, "the key directory " + key_dir.string() + " and the data directory " +
                                         data_dir.string() +
                                         " overlap; keep the keys outside the data so backups never carry them");
  }
  if (auto prepared = PrepareDirectory(key_dir); !prepared) return std::unexpected(prepared.error());
  fs::path master_path = key_dir / kMasterKeyFile;
  fs::path epoch_path = key_dir / kEpochKeyFile;
  fs::path leftover = epoch_path;
  leftover += ".new";
  DestroySecretFile(leftover);  // a newer key from an interrupted replace; the rename never happened

  std::error_code ec;
  bool have_master = fs::exists(master_path, ec);
  bool have_epoch = fs::exists(epoch_path, ec);
  if (!have_master && !may_create) {
    return Fail(ErrorCode::kKeyFile,
                std::string(kMasterKeyFile) + " is missing from " + key_dir.string() +
                    " but the data directory already holds records; restore the key directory's master.key from its backup (without it the "
                    "records cannot be read)");
  }
  // A missing epoch.key with existing data is a restore from a key backup that, as it must,
  // holds master.key alone: the epoch starts again today and every conversation sealed
  // before counts as shredded. An old copy of epoch.key is what must never come back.
  if (!have_master) {
    auto master = crypto::SecretBytes::Random(kMasterKeySize);
    if (auto created = CreateSecretFile(master_path, master.bytes()); !created) return std::unexpected(created.error());
  }
  if (!have_epoch) {
    auto key = crypto::SecretBytes::Random(32);
    crypto::Bytes file = EncodeEpochFile(today, key);
    auto created = CreateSecretFile(epoch_path, file);
    Wipe(file);
    if (!created) return std::unexpected(created.error());
  }
  auto master = ReadSecretFile(master_path, kMasterKeySize);
  if (!master) return std::unexpected(master.error());
  auto epoch_file = ReadSecretFile(epoch_path, kEpochKeyFileSize);
  if (!epoch_file) return std::unexpected(epoch_file.error());
  crypto::ByteReader reader(epoch_file->bytes());
  std::uint32_t day = *reader.U32();
  auto epoch_key = crypto::SecretBytes::CopyOf(*reader.Take(32));
  return std::unique_ptr<KeyRing>(new KeyRing(*master, day, std::move(epoch_key), epoch_path));
}

std::unique_ptr<KeyRing> KeyRing::InMemory(std::uint32_t today) {
  auto master = crypto::SecretBytes::Random(kMasterKeySize);
  return std::unique_ptr<KeyRing>(new KeyRing(master, today, crypto::SecretBytes::Random(32), {}));
}

Result<std::uint32_t> KeyRing::ReadEpochDay(const fs::path& key_dir) {
  auto file = ReadSecretFile(key_dir / kEpochKeyFile, kEpochKeyFileSize);
  if (!file) return std::unexpected(file.error());
  return *crypto::ByteReader(file->bytes()).U32();
}

const crypto::SecretBytes& KeyRing::FamilyKey(Family family) const {
  return family_keys_[static_cast<std::uint8_t>(family)];
}

Result<std::shared_ptr<const crypto::SecretBytes>> KeyRing::EpochKey(std::uint32_t day) const {
  std::lock_guard lock(mutex_);
  std::uint32_t horizon = horizon_.load();
  if (day < horizon) return Fail(ErrorCode::kShredded, "epoch day " + std::to_string(day));
  if (day - horizon > kMaxEpochSpan) return Fail(ErrorCode::kCorrupt, "epoch day too far ahead");
  if (auto cached = day_keys_.find(day); cached != day_keys_.end()) return cached->second;
  // Ratchet from the nearest known key at or before `day`.
  std::uint32_t from = horizon;
  const crypto::SecretBytes* start = &epoch_key_;
  if (auto after = day_keys_.upper_bound(day); after != day_keys_.begin()) {
    auto before = std::prev(after);
    from = before->first;
    start = before->second.get();
  }
  auto key = std::make_shared<const crypto::SecretBytes>(crypto::AdvanceEpochKey(*start, from, day));
  if (day_keys_.size() >= kMaxCachedDayKeys) day_keys_.clear();
  day_keys_.emplace(day, key);
  return key;
}

Result<std::uint32_t> KeyRing::AdvanceEpochs(std::uint32_t today, std::uint32_t retention_days) {
  if (today <= retention_days) return 0;
  std::uint32_t target = today - retention_days;
  std::lock_guard lock(mutex_);
  std::uint32_t horizon = horizon_.load();
  if (target <= horizon) return 0;
  crypto::SecretBytes next = crypto::AdvanceEpochKey(epoch_key_, horizon, target);
  if (!epoch_path_.empty()) {
    crypto::Bytes file = EncodeEpochFile(target, next);
    auto replaced = ReplaceSecretFile(epoch_path_, file);
    Wipe(file);
    if (!replaced) return std::unexpected(replaced.error());
  }
  epoch_key_ = std::move(next);  // the old key is wiped as it is replaced
  horizon_.store(target);
  day_keys_.erase(day_keys_.begin(), day_keys_.lower_bound(target));
  return target - horizon;
}

}  // namespace haven::storage
