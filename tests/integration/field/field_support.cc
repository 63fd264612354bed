#include "tests/integration/field/field_support.h"

#include <sstream>
#include <thread>

namespace haven::testing {

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

std::size_t Count(std::string_view text, std::string_view what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++count;
  return count;
}

bool WaitForMaintenanceRuns(const ServerProcess& server, std::size_t runs) {
  // "storage.maintenance" also matches "storage.maintenance_failed": both are runs.
  std::size_t before = Count(server.StandardError(), "\"storage.maintenance");
  return WaitFor([&] { return Count(server.StandardError(), "\"storage.maintenance") >= before + runs; },
                 std::chrono::seconds(15));
}

double MetricValue(const ServerProcess& server, std::string_view name) {
  auto reply = HttpGet(server.port(), "/metrics", "Authorization: Bearer " + kMetricsToken + "\r\n");
  if (!reply || reply->status != 200) return -1;
  std::istringstream lines(reply->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(name) && line.size() > name.size() && line[name.size()] == ' ') {
      return std::stod(line.substr(name.size() + 1));
    }
  }
  return -1;
}

}  // namespace haven::testing
