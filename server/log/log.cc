#include "server/log/log.h"

#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <mutex>

namespace haven::log {
namespace {

std::mutex g_mutex;
std::shared_ptr<spdlog::logger> g_logger;

spdlog::level::level_enum ToSpdlog(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

}  // namespace

std::string FormatFields(std::string_view event, std::initializer_list<Field> fields) {
  std::string out = "\"event\":";
  AppendJsonString(out, event);
  for (const Field& field : fields) {
    out += ',';
    AppendJsonString(out, field.key);
    out += ':';
    std::visit(
        [&out](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, bool>) {
            out += value ? "true" : "false";
          } else if constexpr (std::is_same_v<T, std::string_view>) {
            AppendJsonString(out, value);
          } else {
            out += std::to_string(value);
          }
        },
        field.value);
  }
  return out;
}

namespace {

// A file sink that can reopen its file by name: after logrotate has moved the file away,
// SIGHUP makes Haven write to a new file at the configured path.
class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopenableFileSink(const std::string& path) { file_.open(path, false); }
  // Throws spdlog_ex when the file cannot be opened; the old file is closed either way.
  void Reopen() {
    std::lock_guard lock(mutex_);
    file_.reopen(false);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    file_.write(formatted);
  }
  void flush_() override { file_.flush(); }

 private:
  spdlog::details::file_helper file_;
};

std::shared_ptr<ReopenableFileSink> g_file_sink;  // under g_mutex; null when logging to stderr

}  // namespace

std::string Start(const Options& options) {
  std::lock_guard lock(g_mutex);
  if (g_logger) return "";
  spdlog::sink_ptr sink;
  try {
    if (options.file.empty()) {
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
      g_file_sink = std::make_shared<ReopenableFileSink>(options.file);
      sink = g_file_sink;
    }
  } catch (const spdlog::spdlog_ex&) {
    return "cannot open log file " + options.file;
  }
  spdlog::init_thread_pool(options.queue_size, 1);
  g_logger = std::make_shared<spdlog::async_logger>("haven", sink, spdlog::thread_pool(),
                                                    spdlog::async_overflow_policy::overrun_oldest);
  g_logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  g_logger->set_level(spdlog::level::from_str(options.level));
  g_logger->flush_on(spdlog::level::warn);
  // Info lines reach a log file within a second, not when a buffer happens to fill: an
  // operator following the file must see what the server is doing.
  spdlog::register_logger(g_logger);
  spdlog::flush_every(std::chrono::seconds(1));
  return "";
}

void Stop() {
  std::lock_guard lock(g_mutex);
  if (!g_logger) return;
  g_logger->flush();
  g_logger.reset();
  g_file_sink.reset();
  spdlog::shutdown();
}

std::string Reload(const Options& options) {
  std::lock_guard lock(g_mutex);
  if (!g_logger) return "the log is not started";
  g_logger->set_level(spdlog::level::from_str(options.level));
  if (!g_file_sink) return "";
  g_logger->flush();
  try {
    g_file_sink->Reopen();
  } catch (const spdlog::spdlog_ex&) {
    return "cannot reopen the log file";
  }
  return "";
}

void Event(Level level, std::string_view event, std::initializer_list<Field> fields) {
  std::shared_ptr<spdlog::logger> logger;
  {
    std::lock_guard lock(g_mutex);
    logger = g_logger;
  }
  if (!logger || !logger->should_log(ToSpdlog(level))) return;
  logger->log(ToSpdlog(level), "{}", FormatFields(event, fields));
}

}  // namespace haven::log
