// The table of every configuration field: name, kind, range and one line of documentation.
// The loader walks it to parse and to reject unknown keys; tests walk it to prove that
// ops/haven.example.toml documents every field with its default.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "server/config/config.h"

namespace toml {
inline namespace v3 {
class node;
}
}  // namespace toml

namespace haven {

struct ConfigField {
  std::string_view section;
  std::string_view key;
  std::string_view kind;  // "string", "integer", "boolean", "milliseconds", "bytes", "string list"
  // Sets the field from a TOML node; returns an error sentence when the node is wrong.
  std::function<std::optional<std::string>(Config&, const toml::node&)> assign;
  // Sets the field from an environment variable's text.
  std::function<std::optional<std::string>(Config&, std::string_view)> assign_text;
  std::string FullName() const { return std::string(section) + "." + std::string(key); }
};

std::span<const ConfigField> ConfigSchema();

}  // namespace haven
