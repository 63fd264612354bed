// The per-leg handshake of Haven-E2E v1 (docs/protocol.md 5):
//
//   visitor   -> counselor  offer        = "HVO1" 01 chat_id leg visitor_nonce v_pk
//   counselor -> visitor    accept       = "HVA1" 01 chat_id leg c_pk u16 len S  S  u16 len C  C
//                                          signature c2v_header
//   visitor   -> counselor  stream_start = "HVS1" 01 chat_id leg v2c_header
//
// The counselor signs the transcript hash (chat, leg, nonce, both ephemeral keys, both
// certificates) with its identity key; the visitor verifies the chain and that signature
// before it sends anything encrypted, and both derive the stream keys from the kx session
// keys bound to the transcript hash.
//
// Objects here are single-threaded and single-use.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "crypto/chain.h"
#include "crypto/stream.h"

namespace haven::crypto {

using TranscriptHash = std::array<std::uint8_t, 32>;

inline constexpr std::size_t kNonceSize = 32;
inline constexpr std::size_t kOfferSize = 87;
inline constexpr std::size_t kStreamStartSize = 47;

// Six digits from the transcript hash (5.5), e.g. "042917".
std::string VerificationCode(const TranscriptHash& transcript_hash);

// The visitor's session once the accept verified: its v2c sender and c2v receiver.
struct VisitorSession {
  VerifiedChain chain;
  TranscriptHash transcript_hash{};
  std::string code;
  Bytes stream_start;  // send as seq 2
  StreamSender sender;
  StreamReceiver receiver;
};

class VisitorHandshake {
 public:
  // Fresh nonce and ephemeral key. For leg > 0 `authorised_certificate` is the certificate the
  // previous counselor named in its transfer message; the accept must carry exactly it.
  static VisitorHandshake Start(const ChatId& chat_id, std::uint16_t leg, Bytes authorised_certificate = {});
  // The same from fixed inputs; only for test vectors.
  static VisitorHandshake StartDeterministic(const ChatId& chat_id, std::uint16_t leg, ByteView nonce,
                                             ByteView kx_seed, Bytes authorised_certificate = {});

  const Bytes& offer() const { return offer_; }
  // After a requeue (the previous counselor was lost, docs/protocol.md 11.2) no one could
  // authorise the next counselor: any certificate that chains to the org is accepted for this
  // leg, and the caller must show the visitor who is now answering.
  void AcceptAnyCounselor() { any_counselor_ = true; }

  // Steps 1-5 of 5.3. On success the handshake's secrets are wiped and the session returned.
  Result<VisitorSession> ReceiveAccept(ByteView accept, const TrustAnchor& trust, std::uint64_t now_seconds,
                                       std::uint64_t now_ms);

 private:
  VisitorHandshake() = default;
  ChatId chat_id_{};
  std::uint16_t leg_ = 0;
  std::array<std::uint8_t, kNonceSize> nonce_{};
  std::array<std::uint8_t, 32> public_key_{};
  SecretBytes secret_key_;
  Bytes authorised_certificate_;
  bool any_counselor_ = false;
  Bytes offer_;
};

// What a counselor brings to every handshake.
struct CounselorCredentials {
  const SigningKey* identity = nullptr;
  Bytes signing_certificate;
  Bytes counselor_certificate;
};

class CounselorSession {
 public:
  // Checks the offer against the chat and leg the counselor holds (wrong_chat), then signs.
  // `kx_seed` fixes the ephemeral key for test vectors only.
  static Result<CounselorSession> Accept(ByteView offer, const ChatId& chat_id, std::uint16_t leg,
                                         const CounselorCredentials& credentials, std::uint64_t now_ms,
                                         std::optional<ByteView> kx_seed = std::nullopt);

  const Bytes& accept() const { return accept_; }  // send as seq 1
  const TranscriptHash& transcript_hash() const { return transcript_hash_; }
  const std::string& code() const { return code_; }
  StreamSender& sender() { return sender_; }
  // The visitor's stream_start; afterwards receiver() is available.
  Result<void> ReceiveStreamStart(ByteView stream_start);
  StreamReceiver* receiver() { return receiver_ ? &*receiver_ : nullptr; }

 private:
  CounselorSession(StreamSender sender) : sender_(std::move(sender)) {}
  ChatId chat_id_{};
  std::uint16_t leg_ = 0;
  Bytes accept_;
  TranscriptHash transcript_hash_{};
  std::string code_;
  SecretBytes key_v2c_;
  StreamSender sender_;
  std::optional<StreamReceiver> receiver_;
};

// Exposed for test vectors: key = H_k(kx_key, "Haven-E2E v1 key v2c\0" (or c2v) || transcript_hash).
SecretBytes BindStreamKey(const SecretBytes& kx_key, Direction direction, const TranscriptHash& transcript_hash);

// Exposed for tests and vectors: the transcript hash of 5.2.
TranscriptHash ComputeTranscriptHash(const ChatId& chat_id, std::uint16_t leg, ByteView visitor_nonce,
                                     ByteView visitor_public_key, ByteView counselor_public_key,
                                     ByteView signing_certificate, ByteView counselor_certificate);

}  // namespace haven::crypto
