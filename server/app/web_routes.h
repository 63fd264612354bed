// The static site's special cases: the widget frame's own Content-Security-Policy (partner
// sites may frame it), the loader's CORS headers (partners load it cross-origin with SRI),
// the demo partner page with the org's fingerprint filled in, and the embed snippet.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/config/config.h"
#include "server/net/router.h"
#include "server/net/static_assets.h"

namespace haven::app {

inline constexpr std::string_view kFingerprintPlaceholder = "{{HAVEN_ORG_FINGERPRINT}}";

// Registers the static files and their special cases on `router`. Returns what a reload
// calls with the re-read config: it applies widget.partner_origins to the frame's policy.
std::function<void(const Config&)> ServeWebApps(net::Router& router, std::shared_ptr<const net::StaticAssets> assets,
                                                const Config& config, const std::string& org_fingerprint_hex);

// The <script> tag partner sites paste, from the build's embed.json; nullopt when the build
// has no widget.
std::optional<std::string> EmbedSnippet(const net::StaticAssets& assets, const std::string& haven_origin,
                                        const std::string& org_fingerprint_hex);

}  // namespace haven::app
