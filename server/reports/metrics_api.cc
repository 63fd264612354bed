#include "server/reports/metrics_api.h"

#include <sodium.h>

namespace haven::reports {

void RegisterMetricsApi(net::Router& router, const metrics::HelplineMetrics& metrics,
                        const metrics::HealthMetrics& health, std::string token,
                        std::function<std::int64_t()> connections) {
  if (token.empty()) return;  // off: the path does not exist
  router.Handle("/metrics", {net::HttpMethod::kGet},
                [&metrics, &health, token = std::move(token), connections = std::move(connections)](const net::HttpRequest& request) {
                  std::string expected = "Bearer " + token;
                  auto presented = request.Header("Authorization");
                  bool allowed = presented && presented->size() == expected.size() &&
                                 sodium_memcmp(presented->data(), expected.data(), expected.size()) == 0;
                  if (!allowed) {
                    net::HttpResponse refused = net::HttpResponse::Text(401, "a bearer token is required");
                    refused.headers.emplace_back("WWW-Authenticate", "Bearer");
                    return refused;
                  }
                  net::HttpResponse response;
                  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
                  response.body = metrics::RenderMetrics(metrics, health, connections ? connections() : 0);
                  response.headers.emplace_back("Cache-Control", "no-store");
                  return response;
                });
}

}  // namespace haven::reports
