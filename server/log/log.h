// Structured event log: one JSON object per line, written by a background thread.
//
// Haven logs events, never people. Callers pass an event name and typed fields; there is
// deliberately no free-text message and no overload taking a network address, so IP
// addresses, ports of peers, user agents, origins, tokens and payloads have no natural way
// in. Review every new field against that rule.
//
// Thread-safety: every function may be called from any thread after Start(). Writing never
// blocks the caller: when the bounded queue is full the oldest line is dropped and counted.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace haven::log {

enum class Level { kDebug, kInfo, kWarn, kError };

struct Field {
  std::string_view key;
  std::variant<std::int64_t, double, bool, std::string_view> value;

  Field(std::string_view k, std::int64_t v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(std::int64_t{v}) {}
  Field(std::string_view k, unsigned v) : key(k), value(std::int64_t{v}) {}
  Field(std::string_view k, std::uint64_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
};

struct Options {
  std::string level = "info";
  std::uint32_t queue_size = 8192;
  std::string file;  // empty = standard error
};

// Starts the background writer. Returns an error sentence if the file cannot be opened.
std::string Start(const Options& options);
// Flushes what is queued and stops the writer. Safe to call twice.
void Stop();
// For SIGHUP: applies `options.level` and reopens the log file by its name (the file given
// to Start; a changed path needs a restart), so that a rotated log starts afresh. Returns an
// error sentence when the file cannot be reopened (lines are then lost until it can).
std::string Reload(const Options& options);

void Event(Level level, std::string_view event, std::initializer_list<Field> fields = {});
inline void Debug(std::string_view event, std::initializer_list<Field> fields = {}) { Event(Level::kDebug, event, fields); }
inline void Info(std::string_view event, std::initializer_list<Field> fields = {}) { Event(Level::kInfo, event, fields); }
inline void Warn(std::string_view event, std::initializer_list<Field> fields = {}) { Event(Level::kWarn, event, fields); }
inline void Error(std::string_view event, std::initializer_list<Field> fields = {}) { Event(Level::kError, event, fields); }

// Formats one event as the JSON body written after the timestamp and level (exposed for tests).
std::string FormatFields(std::string_view event, std::initializer_list<Field> fields);

}  // namespace haven::log
