#include "server/net/router.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace haven::net {
namespace {

HttpResponse Ok(const HttpRequest&) { return HttpResponse::Text(200, "ok"); }

std::shared_ptr<const StaticAssets> OneAsset() {
  auto dir = std::filesystem::temp_directory_path() / ("router-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "index.html") << "<!doctype html>";
  auto assets = StaticAssets::LoadDirectory(dir);
  std::filesystem::remove_all(dir);
  return std::make_shared<const StaticAssets>(std::move(*assets));
}

TEST(Router, MatchesExactHttpRoute) {
  Router router;
  router.Handle("/healthz", {HttpMethod::kGet}, Ok);
  auto match = router.Match(HttpMethod::kGet, "/healthz");
  EXPECT_EQ(match.kind, RouteMatch::Kind::kHttp);
  ASSERT_NE(match.http, nullptr);
  EXPECT_EQ(router.Match(HttpMethod::kGet, "/healthz/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.Match(HttpMethod::kGet, "/HEALTHZ").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, WrongMethodListsAllowedOnes) {
  Router router;
  router.Handle("/api/thing", {HttpMethod::kGet, HttpMethod::kPost}, Ok);
  auto match = router.Match(HttpMethod::kDelete, "/api/thing");
  EXPECT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allow, "GET, POST");
}

TEST(Router, WebSocketEndpointsAnswerGetOnly) {
  Router router;
  router.HandleWebSocket("/ws/x", WebSocketEndpoint{std::make_shared<OriginList>(std::vector<std::string>{"http://a"}), nullptr});
  EXPECT_EQ(router.Match(HttpMethod::kGet, "/ws/x").kind, RouteMatch::Kind::kWebSocket);
  auto post = router.Match(HttpMethod::kPost, "/ws/x");
  EXPECT_EQ(post.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(post.allow, "GET");
}

TEST(Router, StaticAssetsAnswerGetAndHead) {
  Router router;
  router.ServeStatic(OneAsset());
  EXPECT_EQ(router.Match(HttpMethod::kGet, "/").kind, RouteMatch::Kind::kStatic);
  EXPECT_EQ(router.Match(HttpMethod::kHead, "/index.html").kind, RouteMatch::Kind::kStatic);
  auto put = router.Match(HttpMethod::kPut, "/index.html");
  EXPECT_EQ(put.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(put.allow, "GET, HEAD");
  EXPECT_EQ(router.Match(HttpMethod::kGet, "/missing.html").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, StaticHeadersApplyByPrefix) {
  Router router;
  router.ServeStatic(OneAsset());
  router.SetStaticHeaders("/index", {{"Content-Security-Policy", "frame-ancestors 'self'"}});
  auto match = router.Match(HttpMethod::kGet, "/index.html");
  ASSERT_NE(match.static_headers, nullptr);
  EXPECT_EQ(match.static_headers->front().second, "frame-ancestors 'self'");
  EXPECT_EQ(router.Match(HttpMethod::kGet, "/").static_headers, nullptr);
}

TEST(Router, HttpRoutesWinOverStaticFiles) {
  Router router;
  router.ServeStatic(OneAsset());
  router.Handle("/index.html", {HttpMethod::kPost}, Ok);
  EXPECT_EQ(router.Match(HttpMethod::kGet, "/index.html").kind, RouteMatch::Kind::kMethodNotAllowed);
}

}  // namespace
}  // namespace haven::net
