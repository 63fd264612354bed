#include "tests/integration/storage/fault_file_system.h"

#include <unistd.h>

#include <filesystem>

namespace haven::storage::testing {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

class FaultWritableFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultWritableFile(std::unique_ptr<rocksdb::FSWritableFile> file, FaultFileSystem* fs, std::string name)
      : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs), name_(std::move(name)) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* debug) override {
    if (auto refused = fs_->BeforeWrite(); !refused.ok()) return refused;
    IOStatus status = target()->Append(data, options, debug);
    if (status.ok()) fs_->Appended(name_, target()->GetFileSize(options, debug));
    return status;
  }
  IOStatus Append(const Slice& data, const IOOptions& options, const rocksdb::DataVerificationInfo&,
                  IODebugContext* debug) override {
    return Append(data, options, debug);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* debug) override {
    if (auto refused = fs_->BeforeWrite(); !refused.ok()) return refused;
    IOStatus status = target()->PositionedAppend(data, offset, options, debug);
    if (status.ok()) fs_->Appended(name_, target()->GetFileSize(options, debug));
    return status;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const rocksdb::DataVerificationInfo&, IODebugContext* debug) override {
    return PositionedAppend(data, offset, options, debug);
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options, IODebugContext* debug) override {
    if (auto refused = fs_->BeforeWrite(); !refused.ok()) return refused;
    IOStatus status = target()->Truncate(size, options, debug);
    if (status.ok()) fs_->Appended(name_, size);
    return status;
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* debug) override {
    if (auto refused = fs_->BeforeWrite(); !refused.ok()) return refused;
    IOStatus status = target()->Sync(options, debug);
    if (status.ok()) fs_->Synced(name_);
    return status;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* debug) override {
    if (auto refused = fs_->BeforeWrite(); !refused.ok()) return refused;
    IOStatus status = target()->Fsync(options, debug);
    if (status.ok()) fs_->Synced(name_);
    return status;
  }
  // A range sync only starts write-back; it promises nothing, so it counts as no sync.
  IOStatus RangeSync(uint64_t, uint64_t, const IOOptions&, IODebugContext*) override { return fs_->BeforeWrite(); }
  IOStatus Close(const IOOptions& options, IODebugContext* debug) override {
    IOStatus status = target()->Close(options, debug);  // always release the descriptor
    if (auto refused = fs_->BeforeWrite(); !refused.ok()) return refused;
    return status;
  }

 private:
  FaultFileSystem* fs_;
  std::string name_;
};

}  // namespace

IOStatus FaultFileSystem::BeforeWrite() const {
  if (powered_off_) return IOStatus::IOError("simulated power loss");
  if (disk_full_) return IOStatus::NoSpace("simulated full disk");
  return IOStatus::OK();
}

void FaultFileSystem::Appended(const std::string& name, std::uint64_t new_size) {
  std::lock_guard lock(mutex_);
  files_[name].size = new_size;
}

void FaultFileSystem::Synced(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto& state = files_[name];
  state.synced = state.size;
}

void FaultFileSystem::DropUnsyncedData() {
  std::lock_guard lock(mutex_);
  dropped_bytes_ = 0;
  for (auto& [name, state] : files_) {
    std::error_code ec;
    auto size = std::filesystem::file_size(name, ec);
    if (ec) continue;
    if (size > state.synced) {
      dropped_bytes_ += size - state.synced;
      if (::truncate(name.c_str(), static_cast<off_t>(state.synced)) != 0) std::abort();
    }
    state.size = state.synced;
  }
  powered_off_ = false;
}

IOStatus FaultFileSystem::Wrap(const std::string& name, std::unique_ptr<rocksdb::FSWritableFile>* result) {
  *result = std::make_unique<FaultWritableFile>(std::move(*result), this, name);
  return IOStatus::OK();
}

IOStatus FaultFileSystem::NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                          std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* debug) {
  if (auto refused = BeforeWrite(); !refused.ok()) return refused;
  IOStatus status = target()->NewWritableFile(name, options, result, debug);
  if (!status.ok()) return status;
  {
    std::lock_guard lock(mutex_);
    files_[name] = FileState{};
  }
  return Wrap(name, result);
}

IOStatus FaultFileSystem::ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                             std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* debug) {
  if (auto refused = BeforeWrite(); !refused.ok()) return refused;
  IOStatus status = target()->ReopenWritableFile(name, options, result, debug);
  if (!status.ok()) return status;
  {
    std::lock_guard lock(mutex_);
    if (!files_.contains(name)) {
      std::error_code ec;
      std::uint64_t size = std::filesystem::file_size(name, ec);
      files_[name] = FileState{size, size};
    }
  }
  return Wrap(name, result);
}

IOStatus FaultFileSystem::ReuseWritableFile(const std::string& name, const std::string& old_name,
                                            const rocksdb::FileOptions& options,
                                            std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* debug) {
  if (auto refused = BeforeWrite(); !refused.ok()) return refused;
  IOStatus status = target()->ReuseWritableFile(name, old_name, options, result, debug);
  if (!status.ok()) return status;
  {
    std::lock_guard lock(mutex_);
    files_.erase(old_name);
    files_[name] = FileState{};
  }
  return Wrap(name, result);
}

IOStatus FaultFileSystem::DeleteFile(const std::string& name, const IOOptions& options, IODebugContext* debug) {
  if (powered_off_) return IOStatus::IOError("simulated power loss");
  IOStatus status = target()->DeleteFile(name, options, debug);
  if (status.ok()) {
    std::lock_guard lock(mutex_);
    files_.erase(name);
  }
  return status;
}

IOStatus FaultFileSystem::RenameFile(const std::string& from, const std::string& to, const IOOptions& options,
                                     IODebugContext* debug) {
  if (powered_off_) return IOStatus::IOError("simulated power loss");
  IOStatus status = target()->RenameFile(from, to, options, debug);
  if (status.ok()) {
    std::lock_guard lock(mutex_);
    auto it = files_.find(from);
    if (it != files_.end()) {
      files_[to] = it->second;
      files_.erase(from);
    } else {
      files_.erase(to);
    }
  }
  return status;
}

IOStatus FaultFileSystem::LinkFile(const std::string& from, const std::string& to, const IOOptions& options,
                                   IODebugContext* debug) {
  if (powered_off_) return IOStatus::IOError("simulated power loss");
  return target()->LinkFile(from, to, options, debug);
}

IOStatus FaultFileSystem::Truncate(const std::string& name, size_t size, const IOOptions& options,
                                   IODebugContext* debug) {
  if (powered_off_) return IOStatus::IOError("simulated power loss");
  IOStatus status = target()->Truncate(name, size, options, debug);
  if (status.ok()) {
    std::lock_guard lock(mutex_);
    auto it = files_.find(name);
    if (it != files_.end()) {
      it->second.size = size;
      it->second.synced = std::min<std::uint64_t>(it->second.synced, size);
    }
  }
  return status;
}

IOStatus FaultFileSystem::CreateDir(const std::string& name, const IOOptions& options, IODebugContext* debug) {
  if (powered_off_) return IOStatus::IOError("simulated power loss");
  return target()->CreateDir(name, options, debug);
}

IOStatus FaultFileSystem::CreateDirIfMissing(const std::string& name, const IOOptions& options,
                                             IODebugContext* debug) {
  if (powered_off_) return IOStatus::IOError("simulated power loss");
  return target()->CreateDirIfMissing(name, options, debug);
}

IOStatus FaultFileSystem::DeleteDir(const std::string& name, const IOOptions& options, IODebugContext* debug) {
  if (powered_off_) return IOStatus::IOError("simulated power loss");
  return target()->DeleteDir(name, options, debug);
}

}  // namespace haven::storage::testing
