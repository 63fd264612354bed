// GET /metrics for Prometheus, behind a bearer token (metrics.token; empty: 404).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "server/metrics/metrics.h"
#include "server/net/router.h"

namespace haven::reports {

void RegisterMetricsApi(net::Router& router, const metrics::HelplineMetrics& metrics,
                        const metrics::HealthMetrics& health, std::string token,
                        std::function<std::int64_t()> connections);

}  // namespace haven::reports
