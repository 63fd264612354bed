#include "server/reports/stats_api.h"

#include <boost/json.hpp>

#include "server/auth/auth_api.h"
#include "server/reports/stats_table.h"

namespace haven::reports {
namespace {

net::HttpResponse Problem(int status, std::string_view code, std::string_view message) {
  net::HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = boost::json::serialize(boost::json::object{{"error", code}, {"message", message}});
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

void RegisterStatsApi(net::Router& router, auth::AccountService& accounts, storage::StatsStore& stats,
                      net::WorkerPool& workers, bool secure_cookie) {
  for (bool csv : {false, true}) {
    router.HandleAsync(csv ? "/api/stats.csv" : "/api/stats", {net::HttpMethod::kGet},
                       [&accounts, &stats, &workers, secure_cookie, csv](const net::HttpRequest& request,
                                                                         net::HttpRespond respond) {
                         crypto::Bytes token = auth::SessionTokenOf(request, secure_cookie);
                         auto query = ParseStatsQueryString(request.query());
                         workers.Submit([&accounts, &stats, token, query, csv, respond = std::move(respond)] {
                           auto account = accounts.SessionAccount(token);
                           if (!account) return respond(Problem(401, "no_session", "Please log in again."));
                           if (account->role != storage::AccountRole::kSupervisor) {
                             return respond(Problem(403, "not_allowed", "Only supervisors may do that."));
                           }
                           if (!query) return respond(Problem(400, "bad_request", query.error()));
                           auto report = stats.Report(query->from_week, query->to_week, query->period);
                           if (!report) {
                             return respond(Problem(503, "storage_unavailable", "The statistics cannot be read now."));
                           }
                           net::HttpResponse response;
                           response.headers.emplace_back("Cache-Control", "no-store");
                           if (csv) {
                             response.content_type = "text/csv; charset=utf-8";
                             response.body = StatsCsv(*report, query->period);
                             response.headers.emplace_back("Content-Disposition",
                                                           "attachment; filename=\"haven-statistics.csv\"");
                           } else {
                             response.content_type = "application/json";
                             response.body = StatsJson(*report, query->period);
                           }
                           respond(std::move(response));
                         });
                       });
  }
}

}  // namespace haven::reports
