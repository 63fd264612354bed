// What the field tests share: waiting on a condition the server makes true, counting its log
// events, and reading one of its metrics the way Prometheus does.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "tests/integration/support/helpline_bots.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"

namespace haven::testing {

inline const std::string kMetricsToken = "field-metrics-token-0123456789abcdef";

inline std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

// Polls `done` until it holds or `timeout` passes: for states the server reaches by itself
// (readiness after space returns, a maintenance run) that no message announces.
bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10));

std::size_t Count(std::string_view text, std::string_view what);

// Waits until the server has logged `runs` more storage maintenance runs (succeeded or failed)
// than it had when called: for "it survived that many runs".
bool WaitForMaintenanceRuns(const ServerProcess& server, std::size_t runs);

// The value of an unlabelled metric from /metrics (metrics.token = kMetricsToken); -1 when
// it is missing or /metrics does not answer.
double MetricValue(const ServerProcess& server, std::string_view name);

}  // namespace haven::testing
