#include "server/config/config_loader.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "server/config/config_schema.h"

extern char** environ;

namespace haven {
namespace {

std::string EnvironmentName(const ConfigField& field) {
  std::string name = "HAVEN_" + std::string(field.section) + "_" + std::string(field.key);
  std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::toupper(c); });
  return name;
}

const ConfigField* FindField(std::string_view section, std::string_view key) {
  for (const auto& field : ConfigSchema()) {
    if (field.section == section && field.key == key) return &field;
  }
  return nullptr;
}

// Lexically, after making both absolute: one path is the other or lies inside it. (Storage
// checks again at start-up with symbolic links resolved.)
bool PathsOverlap(const std::filesystem::path& a, const std::filesystem::path& b) {
  auto normal = [](const std::filesystem::path& path) {
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(path, ec).lexically_normal();
    if (!absolute.has_filename() && absolute.has_relative_path()) absolute = absolute.parent_path();
    return absolute;
  };
  std::filesystem::path x = normal(a), y = normal(b);
  auto [end_x, end_y] = std::mismatch(x.begin(), x.end(), y.begin(), y.end());
  return end_x == x.end() || end_y == y.end();
}

bool IsKnownSection(std::string_view section) {
  return std::ranges::any_of(ConfigSchema(), [&](const ConfigField& f) { return f.section == section; });
}

}  // namespace

std::string ConfigError::ToString() const {
  if (field.empty()) return message;
  return "config field " + field + ": " + message;
}

std::expected<Config, ConfigError> ParseConfig(std::string_view toml_text, const Environment& env) {
  // Debian's toml++ is built with exceptions, so a syntax error arrives as one.
  toml::table parsed;
  try {
    parsed = toml::parse(toml_text);
  } catch (const toml::parse_error& error) {
    std::ostringstream where;
    where << "line " << error.source().begin.line << ", column " << error.source().begin.column;
    return std::unexpected(ConfigError{"", "not valid TOML at " + where.str() + ": " + std::string(error.description())});
  }
  Config config;
  for (const auto& [section_key, section_node] : parsed) {
    std::string_view section = section_key.str();
    if (!IsKnownSection(section)) {
      return std::unexpected(ConfigError{std::string(section), "unknown section"});
    }
    const auto* table = section_node.as_table();
    if (!table) return std::unexpected(ConfigError{std::string(section), "must be a table ([" + std::string(section) + "])"});
    for (const auto& [key, node] : *table) {
      const ConfigField* field = FindField(section, key.str());
      std::string name = std::string(section) + "." + std::string(key.str());
      if (!field) return std::unexpected(ConfigError{name, "unknown key"});
      if (auto problem = field->assign(config, node)) return std::unexpected(ConfigError{name, *problem});
    }
  }
  for (const auto& field : ConfigSchema()) {
    auto it = env.find(EnvironmentName(field));
    if (it == env.end()) continue;
    if (auto problem = field.assign_text(config, it->second)) {
      return std::unexpected(ConfigError{field.FullName(), *problem + " (from " + it->first + ")"});
    }
  }
  for (const auto& [name, value] : env) {
    // Only names that look like a field of a known section are ours to reject.
    bool ours = std::ranges::any_of(ConfigSchema(), [&](const ConfigField& f) {
      return name.starts_with(EnvironmentName(f).substr(0, 7 + f.section.size()));
    });
    bool known = std::ranges::any_of(ConfigSchema(), [&](const ConfigField& f) { return EnvironmentName(f) == name; });
    if (ours && !known) {
      return std::unexpected(ConfigError{name, "unknown environment override"});
    }
  }
  if (auto valid = ValidateConfig(config); !valid) return std::unexpected(valid.error());
  return config;
}

std::expected<Config, ConfigError> LoadConfigFile(const std::filesystem::path& path, const Environment& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(ConfigError{"", "cannot read config file " + path.string()});
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1 << 20)) return std::unexpected(ConfigError{"", "config file is larger than 1 MiB"});
  return ParseConfig(text.str(), env);
}

Environment ProcessEnvironment() {
  Environment env;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    if (!text.starts_with("HAVEN_")) continue;
    auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return env;
}

std::expected<void, ConfigError> ValidateConfig(const Config& config) {
  if (config.websocket.outbound_queue_bytes < config.websocket.read_message_max_bytes) {
    return std::unexpected(ConfigError{"websocket.outbound_queue_bytes",
                                       "must be at least websocket.read_message_max_bytes, or one relayed message "
                                       "could never be queued"});
  }
  if (config.websocket.allowed_origins.empty()) {
    return std::unexpected(ConfigError{"websocket.allowed_origins", "must name at least one origin"});
  }
  if (!config.storage.key_dir.empty() && !config.server.data_dir.empty() &&
      PathsOverlap(config.storage.key_dir, config.server.data_dir)) {
    return std::unexpected(ConfigError{"storage.key_dir",
                                       "must lie outside server.data_dir (and not contain it), so that copies of the "
                                       "data never carry the keys"});
  }
  if (config.helpline.wrap_up_categories.empty() || config.helpline.wrap_up_outcomes.empty()) {
    return std::unexpected(ConfigError{config.helpline.wrap_up_categories.empty() ? "helpline.wrap_up_categories"
                                                                                  : "helpline.wrap_up_outcomes",
                                       "must name at least one code"});
  }
  if (config.tls.certificate_file.empty() != config.tls.private_key_file.empty()) {
    return std::unexpected(ConfigError{config.tls.certificate_file.empty() ? "tls.certificate_file" : "tls.private_key_file",
                                       "must be set together with the other file of the pair (or both left empty "
                                       "for plain HTTP behind a proxy)"});
  }
  if (config.auth.lockout_max_seconds < config.auth.lockout_base_seconds) {
    return std::unexpected(ConfigError{"auth.lockout_max_seconds", "must be at least auth.lockout_base_seconds"});
  }
  return {};
}

}  // namespace haven
