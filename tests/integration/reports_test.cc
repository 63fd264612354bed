// What operators and the NGO read: /metrics (checked by Prometheus's own promtool), the
// statistics API with its suppression, the CSV, and `haven stats export`.
#include <gtest/gtest.h>

#include <thread>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>

#include <unistd.h>

#include "storage/iso_week.h"
#include "tests/integration/support/helpline_bots.h"
#include "tests/integration/support/run_haven.h"

namespace haven::testing {
namespace {

namespace json = boost::json;
const std::string kToken = "metrics-token-0123456789abcdef";

std::pair<int, std::string> Shell(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>&1").c_str(), "r"), ::pclose);
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get())) output.append(buffer, n);
  int status = ::pclose(pipe.release());
  return {WEXITSTATUS(status), output};
}

// scripts/setup --test extracts promtool into build/tools when the machine has none installed.
std::string Promtool() {
  std::string extracted = std::string(HAVEN_SOURCE_DIR) + "/build/tools/bin/promtool";
  return ::access(extracted.c_str(), X_OK) == 0 ? extracted : "promtool";
}

std::string Str(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : "";
}

// /metrics need not face the internet: with metrics.listen_address it is served only there.
TEST(Metrics, CanBeServedOnlyOnALocalListener) {
  ServerProcess server({{"metrics.token", "\"" + kToken + "\""}, {"metrics.listen_address", "\"127.0.0.1\""},
                        {"metrics.port", "0"}});
  std::string log = server.StandardError();
  auto at = log.find("metrics.listening");
  ASSERT_NE(at, std::string::npos) << log;
  auto port_at = log.find("port", at);
  ASSERT_NE(port_at, std::string::npos) << log;
  auto digits = log.find_first_of("0123456789", port_at);
  auto metrics_port = static_cast<std::uint16_t>(std::stoi(log.substr(digits)));
  EXPECT_EQ(HttpGet(server.port(), "/metrics", "Authorization: Bearer " + kToken + "\r\n")->status, 404)
      << "not on the public port";
  auto reply = HttpGet(metrics_port, "/metrics", "Authorization: Bearer " + kToken + "\r\n");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->body.find("haven_connections"), std::string::npos);
  EXPECT_EQ(HttpGet(metrics_port, "/metrics")->status, 401) << "the token still applies";
  EXPECT_EQ(HttpGet(metrics_port, "/api/helpline")->status, 404) << "nothing else is served there";
}

TEST(Metrics, NeedTheTokenAndPassPromtool) {
  ServerProcess server({{"metrics.token", "\"" + kToken + "\""}});
  EXPECT_EQ(HttpGet(server.port(), "/metrics")->status, 401);
  EXPECT_EQ(HttpGet(server.port(), "/metrics", "Authorization: Bearer wrong-token-0123456789abcdef\r\n")->status, 401);
  Chat chat = StartChat(server, "c-1");
  CounselorBot& counselor = *chat.counselor;
  VisitorBot& visitor = *chat.visitor;
  counselor.Until([] { return false; }, std::chrono::milliseconds(1200));  // a tick updates the gauges
  auto reply = HttpGet(server.port(), "/metrics", "Authorization: Bearer " + kToken + "\r\n");
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->status, 200);
  EXPECT_EQ(reply->Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  std::string path = server.dir().string() + "/metrics.txt";
  std::ofstream(path) << reply->body;
  auto [status, output] = Shell(Promtool() + " check metrics < " + path);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(reply->body.find("haven_chats_active 1\n"), std::string::npos) << reply->body;
  EXPECT_NE(reply->body.find("haven_counselors{state=\"on_duty\"} 1\n"), std::string::npos);
  EXPECT_EQ(reply->body.find("haven_relay_frames_total{direction=\"to_counselor\"} 0\n"), std::string::npos);
  EXPECT_EQ(reply->body.find(visitor.chat()), std::string::npos);
}

TEST(Metrics, CounselorCertificatesAreCountedAndListedWithTheirExpiry) {
  ServerProcess server({{"metrics.token", "\"" + kToken + "\""}});
  auto account = EnrolCounselor(server, "c-1");
  ASSERT_TRUE(account);
  auto metric = [&](const std::string& line) {
    auto reply = HttpGet(server.port(), "/metrics", "Authorization: Bearer " + kToken + "\r\n");
    return reply && reply->body.find(line) != std::string::npos;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!metric("haven_counselor_certificates{state=\"valid\"} 1") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(metric("haven_counselor_certificates{state=\"valid\"} 1"));
  EXPECT_TRUE(metric("haven_counselor_certificates{state=\"expired\"} 0"));
  EXPECT_FALSE(metric("haven_signing_certificate_expiry_timestamp_seconds 0\n"));
  auto [status, output] = RunHaven("counselor list --config " + server.config_path().string());
  EXPECT_EQ(status, 0);
  EXPECT_NE(output.find("certified until"), std::string::npos) << output;
  EXPECT_TRUE(output.find("(29 days)") != std::string::npos || output.find("(30 days)") != std::string::npos) << output;
}

TEST(Metrics, AreOffWithoutAToken) {
  ServerProcess server;
  EXPECT_EQ(HttpGet(server.port(), "/metrics")->status, 404);
}

TEST(Metrics, TheShippedPrometheusConfigAndAlertsAreValid) {
  std::string ops = std::string(HAVEN_SOURCE_DIR) + "/ops/";
  auto [rules_status, rules] = Shell(Promtool() + " check rules " + ops + "haven-alerts.yml");
  EXPECT_EQ(rules_status, 0) << rules;
  // check config resolves rule_files and credentials_file relative to itself: use a copy.
  std::string dir = ::testing::TempDir() + "/prometheus-check";
  Shell("rm -rf " + dir + " && mkdir -p " + dir + " && cp " + ops + "prometheus.yml " + ops + "haven-alerts.yml " + dir +
        "/ && sed -i 's#/etc/prometheus/haven-metrics-token#" + dir + "/token#' " + dir + "/prometheus.yml && echo x > " +
        dir + "/token");
  auto [config_status, config] = Shell(Promtool() + " check config " + dir + "/prometheus.yml");
  EXPECT_EQ(config_status, 0) << config;
}

// Six chats, the last with two topics: one-dimension tables that count it once (and once in
// each topic), a single chat never shown, the CSV equal to `haven stats export`.
TEST(Statistics, SupervisorsSeeSuppressedTablesAndTheCsvMatchesTheCommand) {
  ServerProcess server;
  auto account = EnrolCounselor(server, "c-1");
  CounselorBot counselor(server, *account);
  counselor.Duty("available");
  for (int i = 0; i < 6; ++i) {
    VisitorBot visitor(server);
    ASSERT_TRUE(visitor.Join("bg", "13-17"));
    std::string chat = visitor.chat();
    ASSERT_TRUE(counselor.Until([&] {
      auto offer = counselor.LastOf("offer");
      return offer && Str(*offer, "chat_id") == chat;
    }));
    counselor.Send({{"type", "answer_offer"}, {"chat_id", chat}, {"accept", true}});
    ASSERT_TRUE(PumpUntil([&] { return counselor.ready_for(chat); }, {&counselor, &visitor}));
    counselor.End(chat);
    std::size_t saved = counselor.CountOf("wrap_up_saved");
    json::array topics{"psychological_violence"};
    if (i == 5) topics = {"stalking", "psychological_violence"};
    counselor.Send({{"type", "wrap_up"}, {"chat_id", chat}, {"categories", topics},
                    {"age_band", "13-17"}, {"outcome", "support_given"}, {"referral", false}});
    ASSERT_TRUE(counselor.Until([&] { return counselor.CountOf("wrap_up_saved") == saved + 1; }));
  }
  std::string week = storage::IsoWeekText(storage::IsoWeek(static_cast<std::uint64_t>(std::time(nullptr))));
  std::string query = "/api/stats?from=" + week + "&to=" + week;
  // A counselor may not read them.
  auto denied = HttpGet(server.port(), query, "Cookie: " + counselor.cookie() + "\r\n");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
  EXPECT_EQ(Str(json::parse(denied->body).as_object(), "error"), "not_allowed");
  auto anonymous = HttpGet(server.port(), query);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(Str(json::parse(anonymous->body).as_object(), "error"), "no_session");

  auto supervisor_account = EnrolCounselor(server, "s-1", "supervisor");
  CounselorBot supervisor(server, *supervisor_account);
  auto reply = HttpGet(server.port(), query, "Cookie: " + supervisor.cookie() + "\r\n");
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->status, 200) << reply->body;
  auto body = json::parse(reply->body).as_object();
  EXPECT_EQ(body.at("periods").as_array(), json::array{week});
  std::map<std::string, std::map<std::string, json::value>> tables;
  for (const auto& table : body.at("tables").as_array()) {
    auto& rows = tables[Str(table.as_object(), "dimension")];
    for (const auto& row : table.at("rows").as_array()) {
      EXPECT_EQ(Str(row.as_object(), "period"), week);
      const json::value& count = row.at("count");
      EXPECT_TRUE(count.is_null() || count.as_int64() >= 5) << "no count below five: " << reply->body;
      rows[Str(row.as_object(), "value")] = count;
    }
  }
  ASSERT_EQ(tables.size(), 5u) << reply->body;
  EXPECT_EQ(tables["conversations"][""], 6);
  EXPECT_EQ(tables["category"]["psychological_violence"], 6);
  EXPECT_TRUE(tables["category"]["stalking"].is_null()) << "a single chat must never be shown";
  EXPECT_EQ(tables["age_band"]["13-17"], 6) << "the two-topic chat counts once";
  EXPECT_EQ(tables["language"]["bg"], 6);
  EXPECT_EQ(tables["outcome"]["support_given"], 6);
  ASSERT_FALSE(body.at("histograms").as_array().empty());
  EXPECT_EQ(Str(body.at("histograms").as_array()[0].as_object(), "kind"), "wait");

  auto csv = HttpGet(server.port(), "/api/stats.csv?from=" + week + "&to=" + week,
                     "Cookie: " + supervisor.cookie() + "\r\n");
  ASSERT_EQ(csv->status, 200);
  EXPECT_EQ(csv->Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_TRUE(csv->body.starts_with("period,dimension,value,count\r\n" + week + ",conversations,,6\r\n" + week +
                                    ",category,psychological_violence,6\r\n" + week + ",category,stalking,suppressed\r\n"))
      << csv->body;
  EXPECT_NE(csv->body.find(week + ",age_band,13-17,6\r\n"), std::string::npos) << csv->body;
  auto [status, exported] =
      RunHaven("stats export --from " + week + " --to " + week + " --config " + server.config_path().string());
  EXPECT_EQ(status, 0) << exported;
  EXPECT_EQ(exported, csv->body);

  auto monthly = HttpGet(server.port(), query + "&group=month", "Cookie: " + supervisor.cookie() + "\r\n");
  ASSERT_EQ(monthly->status, 200);
  auto month = storage::MonthText(storage::MonthOfIsoWeek(*storage::ParseIsoWeek(week)));
  EXPECT_EQ(json::parse(monthly->body).as_object().at("periods").as_array(), json::array{month});
  EXPECT_NE(monthly->body.find(R"({"period":")" + month + R"(","value":"","count":6})"), std::string::npos)
      << monthly->body;
  auto bad = HttpGet(server.port(), "/api/stats?from=2027-W99&to=x", "Cookie: " + supervisor.cookie() + "\r\n");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(Str(json::parse(bad->body).as_object(), "error"), "bad_request");
}

}  // namespace
}  // namespace haven::testing
