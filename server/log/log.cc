#include "server/log/log.h"

#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

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

std::string Start(const Options& options) {
  std::lock_guard lock(g_mutex);
  if (g_logger) return "";
  spdlog::sink_ptr sink;
  try {
    if (options.file.empty()) {
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file);
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
  return "";
}

void Stop() {
  std::lock_guard lock(g_mutex);
  if (!g_logger) return;
  g_logger->flush();
  g_logger.reset();
  spdlog::shutdown();
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
