// The [http] limits on a request, as the session applies them to Beast's parser.
//
// Beast enforces header_limit only roughly: when a header of many short lines arrives in
// pieces (reads of 512 or 4096 bytes), it got through up to about one read past the limit,
// while the same bytes in one piece were refused (found by fuzz/http_fuzzer). So Beast is given
// twice the limit, which bounds what it buffers, and the exact limit, on the bytes the request
// line and headers took, is checked here.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "server/config/config.h"

namespace haven::net {

template <typename RequestParser>
void ApplyRequestLimits(RequestParser& parser, const HttpSettings& limits) {
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::uint64_t>(2ull * limits.header_limit_bytes, UINT32_MAX)));
  parser.body_limit(limits.body_limit_bytes);
}

// `header_bytes`: what reading the request line and headers consumed, final blank line included.
inline bool HeaderOverLimit(std::size_t header_bytes, const HttpSettings& limits) {
  return header_bytes > limits.header_limit_bytes;
}

}  // namespace haven::net
