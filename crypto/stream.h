// One direction of a leg's encrypted stream (docs/protocol.md 7): secretstream
// XChaCha20-Poly1305 over padded messages, associated data binding chat, leg, direction and
// sequence number, rekeying every 16 messages or 300 seconds, FINAL on end.
//
// A StreamSender returns each frame's bytes; the caller keeps them until acknowledged and
// retransmits those same bytes (never re-encrypts). A StreamReceiver applies the receiver
// table of 7.5: duplicates and gaps are reported without touching the stream state, and a
// frame that fails to decrypt leaves the state as it was, so the genuine frame still opens.
//
// Not thread-safe; one object per direction per leg.
#pragma once

#include <array>
#include <cstdint>

#include "crypto/bytes.h"
#include "crypto/error.h"
#include "crypto/message.h"
#include "crypto/secret_bytes.h"

namespace haven::crypto {

using ChatId = std::array<std::uint8_t, 16>;
using StreamHeader = std::array<std::uint8_t, 24>;

enum class Direction : std::uint8_t { kVisitorToCounselor = 1, kCounselorToVisitor = 2 };
enum class StreamTag : std::uint8_t { kMessage = 0, kPush = 1, kRekey = 2, kFinal = 3 };

inline constexpr std::uint32_t kRekeyEveryMessages = 16;
inline constexpr std::uint64_t kRekeyEveryMs = 300'000;
inline constexpr std::size_t kStreamOverhead = 17;

struct StreamContext {
  ChatId chat_id{};
  std::uint16_t leg = 0;
  Direction direction = Direction::kVisitorToCounselor;
};

// The first ciphertext sequence number of each direction (6: seq 1 and 2 carry the handshake).
inline std::uint32_t FirstStreamSeq(Direction direction) { return direction == Direction::kVisitorToCounselor ? 3 : 2; }

// "Haven-E2E v1 frame\0" || chat_id || u16 leg || u8 direction || u32 seq
Bytes FrameAssociatedData(const StreamContext& context, std::uint32_t seq);

class StreamSender {
 public:
  struct Frame {
    std::uint32_t seq = 0;
    StreamTag tag = StreamTag::kMessage;
    Bytes ciphertext;
  };

  // Starts the stream with `key` (wiped by the caller afterwards if it wishes; this copies it
  // into the secretstream state). `now_ms` starts the rekey timer.
  StreamSender(const SecretBytes& key, const StreamContext& context, std::uint64_t now_ms);
  const StreamHeader& header() const { return header_; }

  // Pads, picks the tag (7.4) and encrypts. After an end message: stream_finished.
  Result<Frame> Push(const Message& message, std::uint64_t now_ms);
  bool finished() const { return finished_; }
  std::uint32_t next_seq() const { return next_seq_; }

 private:
  SecretBytes state_;
  StreamHeader header_{};
  StreamContext context_;
  std::uint32_t next_seq_;
  std::uint32_t since_rekey_ = 0;
  std::uint64_t rekeyed_at_ms_;
  bool finished_ = false;
};

class StreamReceiver {
 public:
  struct Delivered {
    std::uint32_t seq = 0;
    StreamTag tag = StreamTag::kMessage;
    Message message;
  };

  StreamReceiver(const SecretBytes& key, const StreamHeader& header, const StreamContext& context);

  // The table of docs/protocol.md 7.5. Errors: stream_finished, duplicate_frame, frame_gap,
  // decrypt_failed (state unchanged), bad_padding / bad_message (the stream is unusable).
  Result<Delivered> Receive(std::uint32_t seq, ByteView ciphertext);
  std::uint32_t next_seq() const { return next_seq_; }
  bool finished() const { return finished_; }
  // truncated unless the FINAL message arrived.
  Result<void> CheckComplete() const;

 private:
  SecretBytes state_;
  SecretBytes attempt_;  // the state a frame is decrypted with before it is accepted
  StreamContext context_;
  std::uint32_t next_seq_;
  bool finished_ = false;
  bool broken_ = false;
};

}  // namespace haven::crypto
