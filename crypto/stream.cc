#include "crypto/stream.h"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "crypto/padding.h"

namespace haven::crypto {
namespace {

using State = crypto_secretstream_xchacha20poly1305_state;
static_assert(crypto_secretstream_xchacha20poly1305_HEADERBYTES == std::tuple_size_v<StreamHeader>);
static_assert(crypto_secretstream_xchacha20poly1305_ABYTES == kStreamOverhead);
static_assert(crypto_secretstream_xchacha20poly1305_TAG_FINAL == static_cast<int>(StreamTag::kFinal));
static_assert(crypto_secretstream_xchacha20poly1305_TAG_REKEY == static_cast<int>(StreamTag::kRekey));

State* AsState(SecretBytes& bytes) { return reinterpret_cast<State*>(bytes.data()); }

}  // namespace

Bytes FrameAssociatedData(const StreamContext& context, std::uint32_t seq) {
  return ByteWriter()
      .Label("Haven-E2E v1 frame")
      .Append(context.chat_id)
      .U16(context.leg)
      .U8(static_cast<std::uint8_t>(context.direction))
      .U32(seq)
      .Take();
}

StreamSender::StreamSender(const SecretBytes& key, const StreamContext& context, std::uint64_t now_ms)
    : state_(sizeof(State)), context_(context), next_seq_(FirstStreamSeq(context.direction)), rekeyed_at_ms_(now_ms) {
  crypto_secretstream_xchacha20poly1305_init_push(AsState(state_), header_.data(), key.data());
}

Result<StreamSender::Frame> StreamSender::Push(const Message& message, std::uint64_t now_ms) {
  if (finished_) return Fail(ErrorCode::kStreamFinished);
  auto encoded = EncodeMessage(message);
  if (!encoded) return std::unexpected(encoded.error());
  Bytes padded = Pad(*encoded);
  if (padded.size() > kMaxPaddedMessage) return Fail(ErrorCode::kMessageTooLong);

  StreamTag tag = StreamTag::kMessage;
  if (message.is_end()) {
    tag = StreamTag::kFinal;
  } else if (since_rekey_ + 1 >= kRekeyEveryMessages || now_ms >= rekeyed_at_ms_ + kRekeyEveryMs) {
    tag = StreamTag::kRekey;
  }
  Frame frame{next_seq_, tag, Bytes(padded.size() + kStreamOverhead)};
  Bytes ad = FrameAssociatedData(context_, frame.seq);
  crypto_secretstream_xchacha20poly1305_push(AsState(state_), frame.ciphertext.data(), nullptr, padded.data(),
                                             padded.size(), ad.data(), ad.size(), static_cast<std::uint8_t>(tag));
  sodium_memzero(padded.data(), padded.size());
  sodium_memzero(encoded->data(), encoded->size());
  ++next_seq_;
  if (tag == StreamTag::kRekey) {
    since_rekey_ = 0;
    rekeyed_at_ms_ = now_ms;
  } else {
    ++since_rekey_;
  }
  finished_ = tag == StreamTag::kFinal;
  return frame;
}

StreamReceiver::StreamReceiver(const SecretBytes& key, const StreamHeader& header, const StreamContext& context)
    : state_(sizeof(State)), attempt_(sizeof(State)), context_(context), next_seq_(FirstStreamSeq(context.direction)) {
  crypto_secretstream_xchacha20poly1305_init_pull(AsState(state_), header.data(), key.data());
}

Result<StreamReceiver::Delivered> StreamReceiver::Receive(std::uint32_t seq, ByteView ciphertext) {
  if (broken_) return Fail(ErrorCode::kBadMessage);
  // A duplicate is reported as such even after FINAL, so the caller acknowledges it again.
  if (seq < next_seq_) return Fail(ErrorCode::kDuplicateFrame);
  if (finished_) return Fail(ErrorCode::kStreamFinished);
  if (seq > next_seq_) return Fail(ErrorCode::kFrameGap);
  if (ciphertext.size() < kStreamOverhead || ciphertext.size() > kMaxPaddedMessage + kStreamOverhead) {
    return Fail(ErrorCode::kDecryptFailed);
  }
  // Decrypt into a copy of the state: libsodium leaves the state untouched on a bad MAC, and
  // the copy makes that independent of its internals. The copy lives in a second secure
  // buffer kept for the stream's life: a sodium_malloc per frame (guard pages, mprotect,
  // munmap) cost several times the decryption.
  std::copy(state_.bytes().begin(), state_.bytes().end(), attempt_.bytes().begin());
  Bytes padded(ciphertext.size() - kStreamOverhead);
  unsigned long long padded_length = 0;
  unsigned char tag = 0;
  Bytes ad = FrameAssociatedData(context_, seq);
  if (crypto_secretstream_xchacha20poly1305_pull(AsState(attempt_), padded.data(), &padded_length, &tag,
                                                 ciphertext.data(), ciphertext.size(), ad.data(), ad.size()) != 0) {
    sodium_memzero(attempt_.data(), attempt_.size());
    return Fail(ErrorCode::kDecryptFailed);
  }
  std::swap(state_, attempt_);
  ++next_seq_;
  auto unpadded = Unpad(padded);
  sodium_memzero(padded.data(), padded.size());
  if (!unpadded) {
    broken_ = true;
    return std::unexpected(unpadded.error());
  }
  auto message = ParseMessage(*unpadded);
  sodium_memzero(unpadded->data(), unpadded->size());
  auto stream_tag = static_cast<StreamTag>(tag);
  bool wrong_sender = message && !MayComeFrom(*message, context_.direction == Direction::kVisitorToCounselor);
  if (!message || wrong_sender || stream_tag == StreamTag::kPush ||
      message->is_end() != (stream_tag == StreamTag::kFinal)) {
    broken_ = true;
    return Fail(ErrorCode::kBadMessage);
  }
  finished_ = stream_tag == StreamTag::kFinal;
  return Delivered{seq, stream_tag, std::move(*message)};
}

Result<void> StreamReceiver::CheckComplete() const {
  if (!finished_) return Fail(ErrorCode::kTruncated);
  return {};
}

}  // namespace haven::crypto
