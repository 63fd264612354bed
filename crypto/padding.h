// Message padding before encryption (docs/protocol.md 7.3): ISO/IEC 7816-4 to 256-byte
// blocks, so the server sees only sizes rounded up to a block.
#pragma once

#include "crypto/bytes.h"
#include "crypto/error.h"

namespace haven::crypto {

inline constexpr std::size_t kPaddingBlock = 256;

// Always adds at least one byte: the result is (floor(len / 256) + 1) * 256 bytes.
Bytes Pad(ByteView message);
// The message before the padding, or bad_padding.
Result<Bytes> Unpad(ByteView padded);

}  // namespace haven::crypto
