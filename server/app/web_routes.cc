#include "server/app/web_routes.h"

#include <boost/json.hpp>

namespace haven::app {
namespace {

std::string FrameContentSecurityPolicy(const Config& config) {
  std::string ancestors = "'self'";
  for (const auto& origin : config.widget.partner_origins) ancestors += " " + origin;
  // 'wasm-unsafe-eval': libsodium.js instantiates its WebAssembly from bytes it carries.
  return "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
         "font-src 'self'; connect-src 'self'; frame-ancestors " +
         ancestors + "; base-uri 'none'; form-action 'none'";
}

}  // namespace

// The console and the operator view derive keys with libsodium's WebAssembly; nothing may
// frame them.
constexpr std::string_view kConsoleContentSecurityPolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// The widget frame: its CSP names the configured partner origins; no-store, because on a shared
// device even a revalidated copy in the cache says that the helpline was opened.
net::HeaderList FrameHeaders(const Config& config) {
  return {{"Content-Security-Policy", FrameContentSecurityPolicy(config)}, {"Cache-Control", "no-store"}};
}

std::function<void(const Config&)> ServeWebApps(net::Router& router, std::shared_ptr<const net::StaticAssets> assets,
                                                const Config& config, const std::string& org_fingerprint_hex) {
  auto frame_headers = std::make_shared<net::Reloadable<net::HeaderList>>(FrameHeaders(config));
  router.SetStaticHeaders("/widget/", frame_headers);
  router.SetStaticHeaders("/console/", {{"Content-Security-Policy", std::string(kConsoleContentSecurityPolicy)}});
  router.SetStaticHeaders("/operator/", {{"Content-Security-Policy", std::string(kConsoleContentSecurityPolicy)}});
  // Partner pages load the loader from another origin with SRI, which needs CORS.
  router.SetStaticHeaders("/assets/loader.", {{"Access-Control-Allow-Origin", "*"},
                                              {"Cross-Origin-Resource-Policy", "cross-origin"},
                                              {"Cache-Control", "public, max-age=31536000, immutable"}});
  // The demo partner page names the org's fingerprint, known only once the server runs.
  if (const net::StaticAsset* page = assets->Find("/index.html");
      page && page->body->find(kFingerprintPlaceholder) != std::string::npos) {
    std::string html = *page->body;
    for (auto at = html.find(kFingerprintPlaceholder); at != std::string::npos; at = html.find(kFingerprintPlaceholder)) {
      html.replace(at, kFingerprintPlaceholder.size(), org_fingerprint_hex);
    }
    auto body = std::make_shared<const std::string>(std::move(html));
    auto handler = [body](const net::HttpRequest&) {
      net::HttpResponse response;
      response.content_type = "text/html; charset=utf-8";
      response.shared_body = body;
      response.headers.emplace_back("Cache-Control", "no-cache");
      // A partner page: it runs the loader and frames the widget, nothing else.
      response.headers.emplace_back("Content-Security-Policy",
                                    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                    "frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
      return response;
    };
    router.Handle("/", {net::HttpMethod::kGet, net::HttpMethod::kHead}, handler);
    router.Handle("/index.html", {net::HttpMethod::kGet, net::HttpMethod::kHead}, handler);
  }
  router.ServeStatic(std::move(assets));
  return [frame_headers](const Config& reloaded) {
    frame_headers->Replace(FrameHeaders(reloaded));
  };
}

std::optional<std::string> EmbedSnippet(const net::StaticAssets& assets, const std::string& haven_origin,
                                        const std::string& org_fingerprint_hex) {
  const net::StaticAsset* embed = assets.Find("/embed.json");
  if (!embed) return std::nullopt;
  boost::system::error_code ec;
  auto value = boost::json::parse(*embed->body, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto* loader = value.as_object().if_contains("loader");
  const auto* integrity = value.as_object().if_contains("integrity");
  if (!loader || !integrity || !loader->is_string() || !integrity->is_string()) return std::nullopt;
  return "<script src=\"" + haven_origin + std::string(loader->get_string()) + "\" integrity=\"" +
         std::string(integrity->get_string()) + "\" crossorigin=\"anonymous\" data-org-fingerprint=\"" +
         org_fingerprint_hex + "\" async></script>";
}

}  // namespace haven::app
