#include "crypto/handshake.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "crypto/hash.h"

namespace haven::crypto {
namespace {

constexpr std::uint8_t kVersion = 1;

struct ParsedAccept {
  ChatId chat_id{};
  std::uint16_t leg = 0;
  PublicKey counselor_public_key{};
  ByteView signing_certificate;
  ByteView counselor_certificate;
  ByteView signature;
  StreamHeader c2v_header{};
};

// Reads "MAGIC" version chat_id leg, the prefix shared by offer, accept and stream_start.
Result<std::pair<ChatId, std::uint16_t>> ReadPrefix(ByteReader& in, std::string_view magic) {
  auto got = in.Take(4);
  if (!got || AsText(*got) != magic) return Fail(ErrorCode::kMalformed);
  auto version = in.U8();
  if (!version) return Fail(ErrorCode::kMalformed);
  if (*version != kVersion) return Fail(ErrorCode::kUnsupportedVersion);
  auto chat_id = in.Fixed<16>();
  auto leg = in.U16();
  if (!chat_id || !leg) return Fail(ErrorCode::kMalformed);
  return std::pair{*chat_id, *leg};
}

Result<ParsedAccept> ParseAccept(ByteView bytes) {
  ByteReader in(bytes);
  auto prefix = ReadPrefix(in, "HVA1");
  if (!prefix) return std::unexpected(prefix.error());
  ParsedAccept accept;
  std::tie(accept.chat_id, accept.leg) = *prefix;
  auto counselor_key = in.Fixed<kPublicKeySize>();
  auto signing_length = counselor_key ? in.U16() : std::nullopt;
  auto signing = signing_length ? in.Take(*signing_length) : std::nullopt;
  auto counselor_length = signing ? in.U16() : std::nullopt;
  auto counselor = counselor_length ? in.Take(*counselor_length) : std::nullopt;
  auto signature = counselor ? in.Take(kSignatureSize) : std::nullopt;
  auto header = signature ? in.Fixed<24>() : std::nullopt;
  if (!header || !in.Finished()) return Fail(ErrorCode::kMalformed);
  accept.counselor_public_key = *counselor_key;
  accept.signing_certificate = *signing;
  accept.counselor_certificate = *counselor;
  accept.signature = *signature;
  accept.c2v_header = *header;
  return accept;
}

Bytes AcceptSignedMessage(const TranscriptHash& transcript_hash) {
  return ByteWriter().Label("Haven-E2E v1 accept").Append(transcript_hash).Take();
}


StreamContext Context(const ChatId& chat_id, std::uint16_t leg, Direction direction) {
  return StreamContext{chat_id, leg, direction};
}

}  // namespace

SecretBytes BindStreamKey(const SecretBytes& kx_key, Direction direction, const TranscriptHash& transcript_hash) {
  std::string_view label =
      direction == Direction::kVisitorToCounselor ? "Haven-E2E v1 key v2c" : "Haven-E2E v1 key c2v";
  auto bound = KeyedHash(kx_key.bytes(), ByteWriter().Label(label).Append(transcript_hash).bytes());
  SecretBytes key = SecretBytes::CopyOf(bound);
  sodium_memzero(bound.data(), bound.size());
  return key;
}

TranscriptHash ComputeTranscriptHash(const ChatId& chat_id, std::uint16_t leg, ByteView visitor_nonce,
                                     ByteView visitor_public_key, ByteView counselor_public_key,
                                     ByteView signing_certificate, ByteView counselor_certificate) {
  ByteWriter transcript;
  transcript.Label("Haven-E2E v1 transcript").Append(chat_id).U16(leg).Append(visitor_nonce);
  transcript.Append(visitor_public_key).Append(counselor_public_key);
  transcript.U16(static_cast<std::uint16_t>(signing_certificate.size())).Append(signing_certificate);
  transcript.U16(static_cast<std::uint16_t>(counselor_certificate.size())).Append(counselor_certificate);
  return Hash(transcript.bytes());
}

std::string VerificationCode(const TranscriptHash& transcript_hash) {
  auto digest = Hash(ByteWriter().Label("Haven-E2E v1 code").Append(transcript_hash).bytes());
  std::uint32_t value = static_cast<std::uint32_t>(digest[0]) << 24 | static_cast<std::uint32_t>(digest[1]) << 16 |
                        static_cast<std::uint32_t>(digest[2]) << 8 | digest[3];
  char text[8];
  std::snprintf(text, sizeof text, "%06u", value % 1000000u);
  return text;
}

VisitorHandshake VisitorHandshake::Start(const ChatId& chat_id, std::uint16_t leg, Bytes authorised_certificate) {
  SecretBytes nonce = SecretBytes::Random(kNonceSize);
  SecretBytes seed = SecretBytes::Random(crypto_kx_SEEDBYTES);
  return StartDeterministic(chat_id, leg, nonce.bytes(), seed.bytes(), std::move(authorised_certificate));
}

VisitorHandshake VisitorHandshake::StartDeterministic(const ChatId& chat_id, std::uint16_t leg, ByteView nonce,
                                                      ByteView kx_seed, Bytes authorised_certificate) {
  VisitorHandshake handshake;
  handshake.chat_id_ = chat_id;
  handshake.leg_ = leg;
  std::copy_n(nonce.begin(), kNonceSize, handshake.nonce_.begin());
  handshake.secret_key_ = SecretBytes(crypto_kx_SECRETKEYBYTES);
  crypto_kx_seed_keypair(handshake.public_key_.data(), handshake.secret_key_.data(), kx_seed.data());
  handshake.authorised_certificate_ = std::move(authorised_certificate);
  handshake.offer_ = ByteWriter()
                         .Append("HVO1")
                         .U8(kVersion)
                         .Append(chat_id)
                         .U16(leg)
                         .Append(handshake.nonce_)
                         .Append(handshake.public_key_)
                         .Take();
  return handshake;
}

Result<VisitorSession> VisitorHandshake::ReceiveAccept(ByteView accept_bytes, const TrustAnchor& trust,
                                                       std::uint64_t now_seconds, std::uint64_t now_ms) {
  if (secret_key_.empty()) return Fail(ErrorCode::kDuplicateFrame);  // already completed
  auto accept = ParseAccept(accept_bytes);
  if (!accept) return std::unexpected(accept.error());
  if (accept->chat_id != chat_id_ || accept->leg != leg_) return Fail(ErrorCode::kWrongChat);
  auto chain = VerifyChain(trust, accept->signing_certificate, accept->counselor_certificate, now_seconds);
  if (!chain) return std::unexpected(chain.error());
  if (leg_ > 0 && !any_counselor_ && !std::ranges::equal(accept->counselor_certificate, authorised_certificate_)) {
    return Fail(ErrorCode::kUnauthorizedTransfer);
  }
  TranscriptHash transcript_hash =
      ComputeTranscriptHash(chat_id_, leg_, nonce_, public_key_, accept->counselor_public_key,
                            accept->signing_certificate, accept->counselor_certificate);
  if (!VerifySignature(chain->counselor.fields.subject_key, AcceptSignedMessage(transcript_hash), accept->signature)) {
    return Fail(ErrorCode::kBadHandshakeSignature);
  }
  SecretBytes rx(crypto_kx_SESSIONKEYBYTES), tx(crypto_kx_SESSIONKEYBYTES);
  if (crypto_kx_client_session_keys(rx.data(), tx.data(), public_key_.data(), secret_key_.data(),
                                    accept->counselor_public_key.data()) != 0) {
    return Fail(ErrorCode::kMalformed);  // a low-order counselor key
  }
  secret_key_ = SecretBytes();
  SecretBytes key_v2c = BindStreamKey(tx, Direction::kVisitorToCounselor, transcript_hash);
  SecretBytes key_c2v = BindStreamKey(rx, Direction::kCounselorToVisitor, transcript_hash);
  StreamSender sender(key_v2c, Context(chat_id_, leg_, Direction::kVisitorToCounselor), now_ms);
  StreamReceiver receiver(key_c2v, accept->c2v_header, Context(chat_id_, leg_, Direction::kCounselorToVisitor));
  Bytes stream_start =
      ByteWriter().Append("HVS1").U8(kVersion).Append(chat_id_).U16(leg_).Append(sender.header()).Take();
  return VisitorSession{std::move(*chain),         transcript_hash,   VerificationCode(transcript_hash),
                        std::move(stream_start),   std::move(sender), std::move(receiver)};
}

Result<CounselorSession> CounselorSession::Accept(ByteView offer, const ChatId& chat_id, std::uint16_t leg,
                                                  const CounselorCredentials& credentials, std::uint64_t now_ms,
                                                  std::optional<ByteView> kx_seed) {
  ByteReader in(offer);
  auto prefix = ReadPrefix(in, "HVO1");
  if (!prefix) return std::unexpected(prefix.error());
  auto visitor_nonce = in.Take(kNonceSize);
  auto visitor_key = in.Fixed<crypto_kx_PUBLICKEYBYTES>();
  if (!visitor_key || !in.Finished()) return Fail(ErrorCode::kMalformed);
  if (prefix->first != chat_id || prefix->second != leg) return Fail(ErrorCode::kWrongChat);

  std::array<std::uint8_t, crypto_kx_PUBLICKEYBYTES> public_key{};
  SecretBytes secret_key(crypto_kx_SECRETKEYBYTES);
  if (kx_seed) {
    crypto_kx_seed_keypair(public_key.data(), secret_key.data(), kx_seed->data());
  } else {
    crypto_kx_keypair(public_key.data(), secret_key.data());
  }
  SecretBytes rx(crypto_kx_SESSIONKEYBYTES), tx(crypto_kx_SESSIONKEYBYTES);
  if (crypto_kx_server_session_keys(rx.data(), tx.data(), public_key.data(), secret_key.data(), visitor_key->data()) !=
      0) {
    return Fail(ErrorCode::kMalformed);
  }
  TranscriptHash transcript_hash =
      ComputeTranscriptHash(chat_id, leg, *visitor_nonce, *visitor_key, public_key, credentials.signing_certificate,
                            credentials.counselor_certificate);
  Signature signature = credentials.identity->Sign(AcceptSignedMessage(transcript_hash));
  SecretBytes key_c2v = BindStreamKey(tx, Direction::kCounselorToVisitor, transcript_hash);
  CounselorSession session(StreamSender(key_c2v, Context(chat_id, leg, Direction::kCounselorToVisitor), now_ms));
  session.chat_id_ = chat_id;
  session.leg_ = leg;
  session.transcript_hash_ = transcript_hash;
  session.code_ = VerificationCode(transcript_hash);
  session.key_v2c_ = BindStreamKey(rx, Direction::kVisitorToCounselor, transcript_hash);
  ByteWriter accept;
  accept.Append("HVA1").U8(kVersion).Append(chat_id).U16(leg).Append(public_key);
  accept.U16(static_cast<std::uint16_t>(credentials.signing_certificate.size())).Append(credentials.signing_certificate);
  accept.U16(static_cast<std::uint16_t>(credentials.counselor_certificate.size()))
      .Append(credentials.counselor_certificate);
  accept.Append(signature).Append(session.sender_.header());
  session.accept_ = accept.Take();
  return session;
}

Result<void> CounselorSession::ReceiveStreamStart(ByteView stream_start) {
  if (receiver_) return Fail(ErrorCode::kDuplicateFrame);
  ByteReader in(stream_start);
  auto prefix = ReadPrefix(in, "HVS1");
  if (!prefix) return std::unexpected(prefix.error());
  auto header = in.Fixed<24>();
  if (!header || !in.Finished()) return Fail(ErrorCode::kMalformed);
  if (prefix->first != chat_id_ || prefix->second != leg_) return Fail(ErrorCode::kWrongChat);
  receiver_.emplace(key_v2c_, *header, Context(chat_id_, leg_, Direction::kVisitorToCounselor));
  key_v2c_ = SecretBytes();
  return {};
}

}  // namespace haven::crypto
