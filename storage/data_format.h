// The on-disk format of a data directory, and the migrations between formats.
//
// <data_dir>/FORMAT = "haven-data-format " N "\n"      (written before RocksDB creates a new
//                                                     directory, and when one is migrated; 0600)
//
// A Haven opens only its own format. Older data is migrated explicitly (`haven storage
// migrate`, with the server stopped and a backup taken), newer data is refused, so a rollback
// to an older binary can never misread data a newer one wrote.
//
// Formats:
//   0  no FORMAT file: what Haven wrote before the marker existed (record values version 1;
//      families default, accounts, sessions, conversations, stats, audit)
//   1  the same records, with FORMAT, <data_dir>/clock.mark and duty records (sessions family)
//   2  statistics as one sealed record per ISO week under a keyed name; format 1 kept them as
//      counters and histograms whose keys named the week and the label in the clear
//
// Thread-safety: stateless functions; the caller holds the data directory lock.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "storage/error.h"

namespace haven::storage {

inline constexpr std::uint32_t kDataFormat = 2;
inline constexpr std::string_view kDataFormatFile = "FORMAT";

// The directory's format: nullopt when there is no FORMAT file.
Result<std::optional<std::uint32_t>> ReadDataFormat(const std::filesystem::path& data_dir);
Result<void> WriteDataFormat(const std::filesystem::path& data_dir, std::uint32_t format);

// Ok when `found` (nullopt: no marker) is this build's format, or the directory holds no
// database yet; otherwise data_format, saying what to run.
Result<void> CheckDataFormat(std::optional<std::uint32_t> found, bool database_exists);

}  // namespace haven::storage
