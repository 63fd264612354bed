// Reading JSON objects strictly: only the listed keys may appear, each with the right type.
// Shared by the WebSocket control messages and the HTTP API. Include from .cc files only:
// it brings Boost.JSON along.
#pragma once

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace haven::json {

class StrictFields {
 public:
  explicit StrictFields(const boost::json::object& object) : object_(object) {}

  // Parses `text` as one JSON object (depth at most 8); nullopt for anything else.
  static std::optional<boost::json::object> ParseObject(std::string_view text) {
    boost::system::error_code ec;
    boost::json::parse_options options;
    options.max_depth = 8;
    boost::json::value value = boost::json::parse(text, ec, {}, options);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.get_object());
  }

  bool OnlyThese(std::initializer_list<std::string_view> allowed) const {
    return std::ranges::all_of(object_, [&](const auto& entry) {
      return std::ranges::find(allowed, std::string_view(entry.key())) != allowed.end();
    });
  }
  bool Contains(std::string_view key) const { return object_.contains(key); }
  std::optional<std::string_view> String(std::string_view key) const {
    const boost::json::value* value = object_.if_contains(key);
    if (!value || !value->is_string()) return std::nullopt;
    return std::string_view(value->get_string());
  }
  std::optional<bool> Bool(std::string_view key) const {
    const boost::json::value* value = object_.if_contains(key);
    if (!value || !value->is_bool()) return std::nullopt;
    return value->get_bool();
  }
  // Lowercase hex of exactly N bytes.
  template <std::size_t N>
  std::optional<std::array<std::uint8_t, N>> Hex(std::string_view key) const {
    auto text = String(key);
    if (!text || text->size() != 2 * N) return std::nullopt;
    std::array<std::uint8_t, N> out{};
    for (std::size_t i = 0; i < N; ++i) {
      int high = Digit((*text)[2 * i]), low = Digit((*text)[2 * i + 1]);
      if (high < 0 || low < 0) return std::nullopt;
      out[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
    return out;
  }
  // Lowercase hex of 1..max_bytes bytes.
  std::optional<std::vector<std::uint8_t>> HexBytes(std::string_view key, std::size_t max_bytes) const {
    auto text = String(key);
    if (!text || text->empty() || text->size() % 2 != 0 || text->size() > 2 * max_bytes) return std::nullopt;
    std::vector<std::uint8_t> out(text->size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
      int high = Digit((*text)[2 * i]), low = Digit((*text)[2 * i + 1]);
      if (high < 0 || low < 0) return std::nullopt;
      out[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
    return out;
  }
  const boost::json::object* Object(std::string_view key) const {
    const boost::json::value* value = object_.if_contains(key);
    return value && value->is_object() ? &value->get_object() : nullptr;
  }
  const boost::json::array* Array(std::string_view key) const {
    const boost::json::value* value = object_.if_contains(key);
    return value && value->is_array() ? &value->get_array() : nullptr;
  }

 private:
  static int Digit(char c) {  // lowercase only, as the protocol says
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }
  const boost::json::object& object_;
};

}  // namespace haven::json
