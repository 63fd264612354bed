// File handling for the administrator's commands: secret files are created with mode 0600
// and O_EXCL (never overwriting a key), written fully and synced; passphrases are read from
// a file or from the terminal with echo off, and never printed.
#pragma once

#include <expected>
#include <filesystem>
#include <optional>
#include <string>

#include "crypto/bytes.h"
#include "crypto/secret_bytes.h"

namespace haven::app {

// Creates `path` with `mode`, refusing to replace an existing file.
std::expected<void, std::string> WriteNewFile(const std::filesystem::path& path, crypto::ByteView bytes, int mode);
std::expected<crypto::Bytes, std::string> ReadSmallFile(const std::filesystem::path& path, std::size_t max_bytes);

// The passphrase from `file` (first line) or, when no file is given, typed at the terminal
// (twice when `confirm`). Fails when it is shorter than `min_length` characters.
std::expected<crypto::SecretBytes, std::string> ReadPassphrase(const std::optional<std::filesystem::path>& file,
                                                               const std::string& prompt, bool confirm,
                                                               std::size_t min_length);

}  // namespace haven::app
