// Small secret files - the storage keys - on disk: created with O_EXCL and mode 0600,
// written in full and fsynced together with their directory, replaced atomically, and
// refused when other users could read them.
//
// Stateless functions; two processes must not replace the same file at once (the data
// directory lock sees to that).
#pragma once

#include <filesystem>

#include "crypto/bytes.h"
#include "crypto/secret_bytes.h"
#include "storage/error.h"

namespace haven::storage {

// Creates `path` (never replacing an existing file), writes `bytes`, fsyncs the file and
// its directory. key_file errors.
Result<void> CreateSecretFile(const std::filesystem::path& path, crypto::ByteView bytes);

// Replaces `path` so that a crash leaves either the old or the new contents: writes
// <path>.new, fsyncs it, renames it over `path`, fsyncs the directory. Then it overwrites
// the old file's blocks with zeros through a descriptor opened before the rename, so the old
// secret is not left behind in freed blocks (on file systems that overwrite in place; a
// copy-on-write file system or an SSD's remapping may still keep it, which is why the
// secret should not be the only line of defence).
Result<void> ReplaceSecretFile(const std::filesystem::path& path, crypto::ByteView bytes);

// Reads a file that must be exactly `size` bytes, a regular file, and not readable by
// group or others. key_file errors; the error for a missing file says "missing".
Result<crypto::SecretBytes> ReadSecretFile(const std::filesystem::path& path, std::size_t size);

// Overwrites `path` with zeros and removes it; used for a leftover <path>.new after a crash.
void DestroySecretFile(const std::filesystem::path& path);

}  // namespace haven::storage
