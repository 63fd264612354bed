#include "storage/rocksdb_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>
#include <rocksdb/listener.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <system_error>
#include <thread>

namespace haven::storage {
namespace {

rocksdb::Slice AsSlice(ByteView bytes) { return {reinterpret_cast<const char*>(bytes.data()), bytes.size()}; }
ByteView AsView(const rocksdb::Slice& slice) {
  return {reinterpret_cast<const std::uint8_t*>(slice.data()), slice.size()};
}

Error FromStatus(const rocksdb::Status& status, std::string_view what) {
  std::string detail = std::string(what) + ": " + status.ToString();
  // The POSIX layer reports ENOSPC as IOError/NoSpace; other layers only in the message.
  if (status.IsNoSpace() || (status.IsIOError() && status.ToString().find("No space left") != std::string::npos)) {
    return Error{ErrorCode::kDiskFull, std::move(detail)};
  }
  if (status.IsCorruption()) return Error{ErrorCode::kCorrupt, std::move(detail)};
  return Error{ErrorCode::kIoError, std::move(detail)};
}

// Drops what the discard policy rejects. Dropped records become deletion markers until the
// bottom level, so an older version of the key can never resurface.
class DiscardFilter final : public rocksdb::CompactionFilter {
 public:
  DiscardFilter(Family family, const std::function<bool(Family, ByteView)>* discard)
      : family_(family), discard_(discard) {}
  // No exception may reach RocksDB; a policy that fails keeps the record.
  bool Filter(int, const rocksdb::Slice&, const rocksdb::Slice& value, std::string*, bool*) const override {
    try {
      return (*discard_)(family_, AsView(value));
    } catch (...) {
      return false;
    }
  }
  const char* Name() const override { return "HavenDiscardFilter"; }

 private:
  Family family_;
  const std::function<bool(Family, ByteView)>* discard_;
};

class DiscardFilterFactory final : public rocksdb::CompactionFilterFactory {
 public:
  DiscardFilterFactory(Family family, std::function<bool(Family, ByteView)> discard)
      : family_(family), discard_(std::move(discard)) {}
  // At flush too: an expired record never needs to reach a table file.
  bool ShouldFilterTableFileCreation(rocksdb::TableFileCreationReason reason) const override {
    return reason == rocksdb::TableFileCreationReason::kFlush ||
           reason == rocksdb::TableFileCreationReason::kCompaction;
  }
  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(const rocksdb::CompactionFilter::Context&) override {
    return std::make_unique<DiscardFilter>(family_, &discard_);
  }
  const char* Name() const override { return "HavenDiscardFilterFactory"; }

 private:
  Family family_;
  std::function<bool(Family, ByteView)> discard_;
};

// RocksDB would recover from a full disk by itself, polling every 5 s, and refuse a manual
// Resume as busy meanwhile. The store resumes explicitly instead - on the next write,
// compaction or readiness check - so service returns as soon as space does.
class ExplicitNoSpaceRecovery final : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status error, bool* auto_recovery) override {
    if (error.IsNoSpace()) *auto_recovery = false;
  }
};

// RocksDB's own info log is a file (LOG) on the data volume. When that volume is full, a
// failed write to it is followed by another, which trips an assertion inside RocksDB 7.8
// (writable_file_writer.h: sync_without_flush_called_) and aborts the process - at open, at
// a flush, in a compaction. Every failure that matters reaches Haven as a Status anyway, so
// the file log is not written at all.
class NoFileLog final : public rocksdb::Logger {
 public:
  NoFileLog() : rocksdb::Logger(rocksdb::InfoLogLevel::HEADER_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

rocksdb::DBOptions DatabaseOptions(const RocksDbOptions& options) {
  rocksdb::DBOptions db;
  db.paranoid_checks = true;
  db.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  db.WAL_ttl_seconds = 0;
  db.WAL_size_limit_MB = 0;
  // A family written rarely would otherwise pin old logs (and the expired records in them).
  db.max_total_wal_size = 16 << 20;
  db.max_background_jobs = 2;
  db.info_log = std::make_shared<NoFileLog>();
  db.listeners.push_back(std::make_shared<ExplicitNoSpaceRecovery>());
  if (options.env) db.env = options.env;
  return db;
}

rocksdb::ColumnFamilyOptions FamilyOptions(const RocksDbOptions& options, std::optional<Family> family,
                                           const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf;
  cf.compression = rocksdb::kNoCompression;
  cf.bottommost_compression = rocksdb::kDisableCompressionOption;
  cf.write_buffer_size = options.write_buffer_bytes;
  cf.disable_auto_compactions = !options.automatic_compaction;
  cf.periodic_compaction_seconds = options.periodic_compaction_seconds;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (family && options.discard) {
    cf.compaction_filter_factory = std::make_shared<DiscardFilterFactory>(*family, options.discard);
  }
  return cf;
}

// While the disk stays full, reopening keeps failing; try again no more often than this.
constexpr std::chrono::milliseconds kReopenInterval{250};

rocksdb::WriteOptions WriteOptionsFor(Durability durability) {
  rocksdb::WriteOptions options;
  options.sync = durability == Durability::kSynced;
  options.disableWAL = false;  // never: the WAL is what makes an acknowledged write durable
  return options;
}

}  // namespace

struct RocksDbStore::Instance {
  rocksdb::DB* db = nullptr;
  bool read_only = false;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;                       // all open, for closing
  std::vector<std::pair<Family, rocksdb::ColumnFamilyHandle*>> families;  // ours

  ~Instance() {
    if (!db) return;
    for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
    // Close flushes nothing we depend on: every acknowledged write is already in the WAL.
    db->Close().PermitUncheckedError();
    delete db;
  }
  rocksdb::ColumnFamilyHandle* Handle(Family family) const {
    for (const auto& [known, handle] : families) {
      if (known == family) return handle;
    }
    return nullptr;
  }
};

bool RocksDbStore::Exists(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir / "CURRENT", ec);
}

Result<std::shared_ptr<RocksDbStore::Instance>> RocksDbStore::OpenInstance(const std::filesystem::path& dir,
                                                                          const RocksDbOptions& options,
                                                                          bool read_only) {
  auto instance = std::make_shared<Instance>();
  instance->read_only = read_only;
  rocksdb::DBOptions db_options = DatabaseOptions(options);
  db_options.create_if_missing = db_options.create_missing_column_families = !read_only;
  // RocksDB keeps every table file open by default; bounded, its descriptors stay inside the
  // server's reserve (server.reserved_descriptors, 512 by default) and never crowd out /healthz.
  db_options.max_open_files = 256;
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);

  // Open every family the database has (a newer build may have added some) plus ours.
  std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName};
  std::vector<std::string> existing;
  if (Exists(dir)) {
    rocksdb::Options list_options(db_options, rocksdb::ColumnFamilyOptions());
    rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(list_options, dir.string(), &existing);
    if (!listed.ok()) return std::unexpected(FromStatus(listed, "listing column families"));
  } else if (read_only) {
    return Fail(ErrorCode::kIoError, "no database in " + dir.string());
  }
  for (const auto& name : existing) {
    if (name != rocksdb::kDefaultColumnFamilyName) names.push_back(name);
  }
  if (!read_only) {
    for (Family family : kAllFamilies) {
      if (std::ranges::find(names, FamilyName(family)) == names.end()) names.emplace_back(FamilyName(family));
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) {
    descriptors.emplace_back(name, FamilyOptions(options, FamilyFromName(name), cache));
  }
  rocksdb::Status status =
      read_only ? rocksdb::DB::OpenForReadOnly(db_options, dir.string(), descriptors, &instance->handles, &instance->db)
                : rocksdb::DB::Open(db_options, dir.string(), descriptors, &instance->handles, &instance->db);
  if (!status.ok()) return std::unexpected(FromStatus(status, "opening " + dir.string()));
  for (auto* handle : instance->handles) {
    if (auto family = FamilyFromName(handle->GetName())) instance->families.emplace_back(*family, handle);
  }
  return instance;
}

Result<std::unique_ptr<RocksDbStore>> RocksDbStore::Open(const std::filesystem::path& dir, RocksDbOptions options) {
  auto instance = OpenInstance(dir, options, options.read_only);
  bool degraded = false;
  if (!instance && instance.error().code == ErrorCode::kDiskFull && !options.read_only && Exists(dir)) {
    // A full volume must not keep the helpline down: serve what is stored, refuse writes, and
    // let Writable() reopen for writing once there is room again.
    instance = OpenInstance(dir, options, true);
    degraded = instance.has_value();
  }
  if (!instance) return std::unexpected(instance.error());
  std::unique_ptr<RocksDbStore> store(new RocksDbStore(dir, std::move(options)));
  store->instance_.store(std::move(*instance));
  if (degraded) {
    store->stop_cause_ = ErrorCode::kDiskFull;
    store->writable_ = false;
  }
  return store;
}

RocksDbStore::~RocksDbStore() = default;

Error RocksDbStore::Stopped(std::string detail) const {
  return Error{stop_cause_.load(), "writes stopped after a failure: " + std::move(detail)};
}

Result<std::shared_ptr<RocksDbStore::Instance>> RocksDbStore::Current() const {
  auto instance = instance_.load();
  if (!instance) return std::unexpected(Stopped("the database is being reopened"));
  return instance;
}

Result<std::shared_ptr<RocksDbStore::Instance>> RocksDbStore::Writable() {
  if (options_.read_only) return Fail(ErrorCode::kIoError, "the database is open read-only");
  if (writable_.load()) return Current();
  std::unique_lock recovering(recovery_mutex_, std::try_to_lock);
  if (!recovering) return std::unexpected(Stopped("another thread is resuming"));
  if (writable_.load()) return Current();

  auto instance = instance_.load();
  if (instance && !instance->read_only) {
    rocksdb::Status resumed = instance->db->Resume();
    if (resumed.ok()) {
      writable_ = true;
      return instance;
    }
    if (resumed.severity() < rocksdb::Status::Severity::kFatalError) return std::unexpected(Stopped(resumed.ToString()));
  }
  // A fatal error (a failed log write, say) or a read-only fallback: close and reopen, at
  // most every kReopenInterval while it keeps failing. New operations fail fast meanwhile; those in flight get a moment to finish, since RocksDB's
  // lock lets only one instance open the directory.
  auto now = std::chrono::steady_clock::now();
  if (now < next_reopen_) return std::unexpected(Stopped("waiting to retry"));
  next_reopen_ = now + kReopenInterval;
  instance_.store(nullptr);
  auto deadline = now + std::chrono::seconds(1);
  while (instance && instance.use_count() > 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (instance && instance.use_count() > 1) {
    instance_.store(std::move(instance));
    return std::unexpected(Stopped("the database is busy; will retry"));
  }
  instance.reset();
  auto reopened = OpenInstance(path_, options_, false);
  if (reopened) {
    instance_.store(*reopened);
    writable_ = true;
    return *reopened;
  }
  // Still no room to recover, say: serve reads from a read-only instance until next time.
  if (auto read_only = OpenInstance(path_, options_, true)) instance_.store(std::move(*read_only));
  return std::unexpected(Stopped(reopened.error().detail));
}

bool RocksDbStore::AcceptsWrites() { return Writable().has_value(); }

Result<void> RocksDbStore::AfterWrite(const rocksdb::Status& status, Family family) {
  if (status.ok()) return {};
  Error error = FromStatus(status, std::string(FamilyName(family)));
  if (error.code == ErrorCode::kDiskFull || error.code == ErrorCode::kIoError) {
    stop_cause_ = error.code;
    writable_ = false;
  }
  return std::unexpected(std::move(error));
}

Result<void> RocksDbStore::Put(Family family, ByteView key, ByteView value, Durability durability) {
  WriteBatch batch;
  batch.Put(family, key, value);
  return Write(batch, durability);
}

Result<void> RocksDbStore::Delete(Family family, ByteView key, Durability durability) {
  WriteBatch batch;
  batch.Delete(family, key);
  return Write(batch, durability);
}

Result<void> RocksDbStore::Write(const WriteBatch& batch, Durability durability) {
  if (batch.empty()) return {};
  auto instance = Writable();
  if (!instance) return std::unexpected(instance.error());
  rocksdb::WriteBatch rocks_batch;
  for (const auto& operation : batch.operations()) {
    auto* handle = (*instance)->Handle(operation.family);
    if (!handle) return Fail(ErrorCode::kIoError, "no column family " + std::string(FamilyName(operation.family)));
    rocksdb::Status added = operation.value ? rocks_batch.Put(handle, AsSlice(operation.key), AsSlice(*operation.value))
                                            : rocks_batch.Delete(handle, AsSlice(operation.key));
    if (!added.ok()) return std::unexpected(FromStatus(added, "building a write batch"));
  }
  rocksdb::Status written = (*instance)->db->Write(WriteOptionsFor(durability), &rocks_batch);
  return AfterWrite(written, batch.operations().front().family);
}

Result<std::optional<Bytes>> RocksDbStore::Get(Family family, ByteView key) const {
  auto instance = Current();
  if (!instance) return std::unexpected(instance.error());
  auto* handle = (*instance)->Handle(family);
  if (!handle) return std::nullopt;  // read-only open of a database that never had the family
  rocksdb::PinnableSlice value;
  rocksdb::Status status = (*instance)->db->Get(rocksdb::ReadOptions(), handle, AsSlice(key), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return std::unexpected(FromStatus(status, std::string("reading ") + std::string(FamilyName(family))));
  ByteView view = AsView(value);
  return Bytes(view.begin(), view.end());
}

Result<void> RocksDbStore::ForEach(Family family, const KeyRange& range, const RawVisitor& visit) const {
  auto instance = Current();
  if (!instance) return std::unexpected(instance.error());
  auto* handle = (*instance)->Handle(family);
  if (!handle) return {};
  rocksdb::ReadOptions read;
  rocksdb::Slice upper = AsSlice(range.end);
  if (!range.end.empty()) read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it((*instance)->db->NewIterator(read, handle));
  for (it->Seek(AsSlice(range.begin)); it->Valid(); it->Next()) {
    if (!visit(AsView(it->key()), AsView(it->value()))) break;
  }
  if (!it->status().ok()) {
    return std::unexpected(FromStatus(it->status(), std::string("scanning ") + std::string(FamilyName(family))));
  }
  return {};
}

Result<void> RocksDbStore::Compact(Family family) {
  if (compactions_cancelled_.load()) return Fail(ErrorCode::kIoError, "compaction cancelled");
  auto instance = Writable();
  if (!instance) return std::unexpected(instance.error());
  auto* handle = (*instance)->Handle(family);
  if (!handle) return {};
  rocksdb::CompactRangeOptions options;
  // Rewrite the bottom level too, or records that already reached it would never be filtered.
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  rocksdb::Status status = (*instance)->db->CompactRange(options, handle, nullptr, nullptr);
  if (status.IsManualCompactionPaused()) return Fail(ErrorCode::kIoError, "compaction cancelled");
  return AfterWrite(status, family);
}

void RocksDbStore::CancelCompactions() {
  compactions_cancelled_ = true;
  auto instance = instance_.load();
  if (instance && !instance->read_only) instance->db->DisableManualCompaction();
}

Result<void> RocksDbStore::CreateCheckpoint(const std::filesystem::path& dir) {
  auto instance = Current();
  if (!instance) return std::unexpected(instance.error());
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status status = rocksdb::Checkpoint::Create((*instance)->db, &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (status.ok()) status = checkpoint->CreateCheckpoint(dir.string(), /*log_size_for_flush=*/0);
  if (!status.ok()) return std::unexpected(FromStatus(status, "creating a checkpoint in " + dir.string()));
  std::error_code ec;
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
  if (ec) return Fail(ErrorCode::kIoError, "cannot make " + dir.string() + " private: " + ec.message());
  return {};
}

std::uint64_t RocksDbStore::DiskBytes() const {
  std::uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

}  // namespace haven::storage
