#include "crypto/padding.h"

#include <sodium.h>

namespace haven::crypto {

Bytes Pad(ByteView message) {
  Bytes padded(message.begin(), message.end());
  padded.resize((message.size() / kPaddingBlock + 1) * kPaddingBlock);
  std::size_t padded_length = 0;
  sodium_pad(&padded_length, padded.data(), message.size(), kPaddingBlock, padded.size());
  padded.resize(padded_length);
  return padded;
}

Result<Bytes> Unpad(ByteView padded) {
  if (padded.empty() || padded.size() % kPaddingBlock != 0) return Fail(ErrorCode::kBadPadding);
  std::size_t length = 0;
  if (sodium_unpad(&length, padded.data(), padded.size(), kPaddingBlock) != 0) return Fail(ErrorCode::kBadPadding);
  return Bytes(padded.begin(), padded.begin() + static_cast<std::ptrdiff_t>(length));
}

}  // namespace haven::crypto
