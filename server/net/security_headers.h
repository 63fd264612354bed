// The headers every Haven response carries, and the cache policy per kind of content.
//
// The default Content-Security-Policy allows only Haven's own origin and forbids framing;
// pages that must be framed by partner sites (the visitor widget) get their own policy
// from the route that serves them.
#pragma once

#include <string_view>

namespace haven::net {

inline constexpr std::string_view kDefaultContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

inline constexpr std::string_view kCacheImmutable = "public, max-age=31536000, immutable";
inline constexpr std::string_view kCacheRevalidate = "no-cache";
inline constexpr std::string_view kCacheNever = "no-store";

}  // namespace haven::net
