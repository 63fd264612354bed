// Reads a Config from TOML text plus environment overrides, and validates it.
//
// Rules: unknown sections or keys are errors; every value is type- and range-checked; an
// environment variable HAVEN_<SECTION>_<KEY> (upper case, e.g. HAVEN_SERVER_PORT=9000)
// overrides the file. Lists in the environment are comma-separated. Every error names the
// field it is about, so an operator can fix the file without reading code.
#pragma once

#include <expected>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "server/config/config.h"

namespace haven {

struct ConfigError {
  std::string field;    // "server.port", or "" when the file itself is unreadable
  std::string message;  // one sentence
  std::string ToString() const;
};

using Environment = std::map<std::string, std::string, std::less<>>;

// Parses `toml_text` (the empty string gives all defaults) and applies `env` overrides.
std::expected<Config, ConfigError> ParseConfig(std::string_view toml_text, const Environment& env = {});

// Reads and parses a file; `source_name` in errors is the path.
std::expected<Config, ConfigError> LoadConfigFile(const std::filesystem::path& path, const Environment& env);

// The HAVEN_* variables of this process.
Environment ProcessEnvironment();

// Checks the cross-field rules that a single field's range cannot express.
std::expected<void, ConfigError> ValidateConfig(const Config& config);

}  // namespace haven
