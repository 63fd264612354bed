// Cross-implementation test vectors for Haven-E2E v1 (docs/protocol.md 15).
//
//   e2e_vectors generate OUT.json   deterministic inputs, this implementation's outputs
//   e2e_vectors verify IN.json      recompute every deterministic output, decrypt every frame
//
// The TypeScript module has the same two commands; ctest runs each against the other's file.
#include <boost/json.hpp>
#include <sodium.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "crypto/certificate.h"
#include "crypto/handshake.h"
#include "crypto/hash.h"
#include "crypto/padding.h"
#include "crypto/revocation_list.h"

namespace haven::crypto {
namespace {

namespace json = boost::json;

constexpr std::uint64_t kBaseTime = 1'800'000'000;

// Inputs derived from an index, so a regenerated file has identical deterministic fields.
Bytes SeedFor(std::string_view purpose, std::uint32_t index) {
  auto digest = Hash(ByteWriter().Label("haven test vector").Append(purpose).U32(index).bytes());
  return Bytes(digest.begin(), digest.end());
}

json::string Hex(ByteView bytes) { return json::string(ToHex(bytes)); }

struct VectorError {
  std::string what;
};

Bytes HexField(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (!value || !value->is_string()) throw VectorError{"missing hex field " + std::string(key)};
  auto bytes = FromHex(std::string_view(value->as_string()));
  if (!bytes) throw VectorError{"bad hex in " + std::string(key)};
  return *bytes;
}

std::uint64_t NumberField(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (!value) throw VectorError{"missing number " + std::string(key)};
  return json::value_to<std::uint64_t>(*value);
}

std::string StringField(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (!value || !value->is_string()) throw VectorError{"missing string " + std::string(key)};
  return std::string(value->as_string());
}

void Expect(bool condition, const std::string& what) {
  if (!condition) throw VectorError{what};
}

template <typename T>
T Unwrap(Result<T> result, const std::string& what) {
  if (!result) throw VectorError{what + ": " + std::string(CodeName(result.error().code))};
  return std::move(*result);
}

// The stream keys recomputed from the kx seeds (the sessions keep theirs to themselves).
std::pair<SecretBytes, SecretBytes> StreamKeysFromSeeds(ByteView visitor_kx_seed, ByteView counselor_kx_seed,
                                                        const TranscriptHash& transcript_hash) {
  std::array<std::uint8_t, 32> v_pk{}, c_pk{};
  SecretBytes v_sk(32), c_sk(32), rx(32), tx(32);
  crypto_kx_seed_keypair(v_pk.data(), v_sk.data(), visitor_kx_seed.data());
  crypto_kx_seed_keypair(c_pk.data(), c_sk.data(), counselor_kx_seed.data());
  Expect(crypto_kx_client_session_keys(rx.data(), tx.data(), v_pk.data(), v_sk.data(), c_pk.data()) == 0, "kx");
  return {BindStreamKey(tx, Direction::kVisitorToCounselor, transcript_hash),
          BindStreamKey(rx, Direction::kCounselorToVisitor, transcript_hash)};
}

// --- generation ---

json::array GeneratePadding() {
  json::array out;
  for (std::size_t length : {0, 1, 2, 15, 16, 100, 254, 255, 256, 257, 300, 510, 511, 512, 513, 767, 768, 769, 1000,
                             1023, 1024, 1025, 2048, 4000}) {
    Bytes message = SeedFor("padding", static_cast<std::uint32_t>(length));
    message.resize(length, 0x80);  // a trailing 0x80 in the message must survive unpadding
    out.push_back(json::object{{"unpadded", Hex(message)}, {"padded", Hex(Pad(message))}});
  }
  return out;
}

const char* kNames[] = {"Мария", "Елена П.", "Counselor Ana", "Йордан", "", "Ivana", "Десислава", "Дежурен екип",
                        "Sofia Help", "Петя", "Team «Nadezhda»", "Г"};

CertificateFields CertificateFieldsFor(std::uint32_t index, const PublicKey& subject) {
  CertificateFields fields;
  fields.role = index % 3 == 0 ? CertificateRole::kOrgSigning : CertificateRole::kCounselor;
  fields.subject_key = subject;
  auto serial = SeedFor("serial", index);
  std::copy_n(serial.begin(), fields.serial.size(), fields.serial.begin());
  fields.not_before = kBaseTime + index * 1000;
  fields.not_after = fields.not_before + (fields.role == CertificateRole::kOrgSigning ? 365 : 30) * 86400ull;
  fields.handle = fields.role == CertificateRole::kOrgSigning ? "org-signing" : "c-" + std::to_string(index);
  fields.name = kNames[index % std::size(kNames)];
  return fields;
}

json::array GenerateCertificates() {
  json::array out;
  for (std::uint32_t i = 0; i < 12; ++i) {
    Bytes issuer_seed = SeedFor("issuer", i), subject_seed = SeedFor("subject", i);
    SigningKey issuer = SigningKey::FromSeed(issuer_seed), subject = SigningKey::FromSeed(subject_seed);
    CertificateFields fields = CertificateFieldsFor(i, subject.public_key());
    Certificate certificate = Unwrap(IssueCertificate(fields, issuer), "issue");
    out.push_back(json::object{{"issuer_seed", Hex(issuer_seed)},
                               {"subject_seed", Hex(subject_seed)},
                               {"role", static_cast<int>(fields.role)},
                               {"serial", Hex(fields.serial)},
                               {"not_before", fields.not_before},
                               {"not_after", fields.not_after},
                               {"handle", fields.handle},
                               {"name", fields.name},
                               {"certificate", Hex(certificate.encoded)}});
  }
  return out;
}

json::array GenerateRevocations() {
  json::array out;
  for (std::uint32_t i = 0; i < 4; ++i) {
    Bytes issuer_seed = SeedFor("revoker", i);
    SigningKey issuer = SigningKey::FromSeed(issuer_seed);
    std::vector<Serial> serials;
    json::array serial_hex;
    for (std::uint32_t k = 0; k < i * 3; ++k) {
      Serial serial{};
      auto bytes = SeedFor("revoked", i * 100 + k);
      std::copy_n(bytes.begin(), serial.size(), serial.begin());
      serials.push_back(serial);
    }
    auto kind = i % 2 == 0 ? RevocationIssuer::kOrgSigning : RevocationIssuer::kRoot;
    RevocationList list = Unwrap(IssueRevocationList(kind, kBaseTime + i, serials, issuer), "revocations");
    for (const Serial& serial : list.serials) serial_hex.push_back(Hex(serial));
    out.push_back(json::object{{"issuer_seed", Hex(issuer_seed)},
                               {"issuer_kind", static_cast<int>(kind)},
                               {"issued_at", kBaseTime + i},
                               {"serials", serial_hex},
                               {"revocation_list", Hex(list.encoded)}});
  }
  return out;
}

json::object FrameJson(Direction direction, const StreamSender::Frame& frame, const Message& message) {
  return json::object{{"direction", direction == Direction::kVisitorToCounselor ? "v2c" : "c2v"},
                      {"seq", frame.seq},
                      {"tag", static_cast<int>(frame.tag)},
                      {"message", Hex(*EncodeMessage(message))},
                      {"frame", Hex(frame.ciphertext)}};
}

json::array GenerateHandshakes() {
  json::array out;
  for (std::uint32_t i = 0; i < 12; ++i) {
    Bytes root_seed = SeedFor("root", i), signing_seed = SeedFor("signing", i), counselor_seed = SeedFor("counselor", i);
    SigningKey root = SigningKey::FromSeed(root_seed), signing = SigningKey::FromSeed(signing_seed);
    SigningKey identity = SigningKey::FromSeed(counselor_seed);
    std::uint64_t now = kBaseTime + i * 86400;
    CertificateFields signing_fields{CertificateRole::kOrgSigning, signing.public_key(), {}, now - 86400,
                                     now + 300 * 86400, "org-signing", "Помощ за всеки"};
    signing_fields.serial.fill(static_cast<std::uint8_t>(i));
    Certificate signing_certificate = Unwrap(IssueCertificate(signing_fields, root), "signing");
    CertificateFields counselor_fields = CertificateFieldsFor(i * 3 + 1, identity.public_key());
    counselor_fields.not_before = now - 3600;
    counselor_fields.not_after = now + 29 * 86400;
    Certificate counselor_certificate = Unwrap(IssueCertificate(counselor_fields, signing), "counselor");

    ChatId chat_id{};
    auto chat_bytes = SeedFor("chat", i);
    std::copy_n(chat_bytes.begin(), chat_id.size(), chat_id.begin());
    std::uint16_t leg = static_cast<std::uint16_t>(i % 3);
    Bytes nonce = SeedFor("nonce", i), visitor_kx = SeedFor("visitor kx", i), counselor_kx = SeedFor("counselor kx", i);
    Bytes authorised = leg > 0 ? counselor_certificate.encoded : Bytes{};
    auto visitor = VisitorHandshake::StartDeterministic(chat_id, leg, nonce, visitor_kx, authorised);
    CounselorCredentials credentials{&identity, signing_certificate.encoded, counselor_certificate.encoded};
    std::uint64_t now_ms = now * 1000;
    auto counselor =
        Unwrap(CounselorSession::Accept(visitor.offer(), chat_id, leg, credentials, now_ms, ByteView(counselor_kx)),
               "accept");
    auto session = Unwrap(visitor.ReceiveAccept(counselor.accept(), TrustAnchor{root.public_key(), {}}, now, now_ms),
                          "receive accept");
    Expect(counselor.ReceiveStreamStart(session.stream_start).has_value(), "stream start");

    auto [key_v2c, key_c2v] = StreamKeysFromSeeds(visitor_kx, counselor_kx, session.transcript_hash);
    Bytes signature(counselor.accept().end() - 24 - 64, counselor.accept().end() - 24);

    json::array frames;
    std::uint64_t clock_ms = now_ms;
    int counselor_messages = 17 + static_cast<int>(i % 5);  // always crosses one REKEY
    for (int m = 0; m < counselor_messages; ++m) {
      clock_ms += (i == 5 && m == 3) ? kRekeyEveryMs : 1000;  // one vector rekeys by time
      Message message{clock_ms, TextMessage{std::string(kNames[(i + m) % std::size(kNames)]) + " " + std::to_string(m) +
                                            std::string(static_cast<std::size_t>(m * 37 % 600), '.')}};
      if (i == 7 && m == 2) message.body = TransferMessage{static_cast<std::uint16_t>(leg + 1), counselor_certificate.encoded};
      auto frame = Unwrap(counselor.sender().Push(message, clock_ms), "push c2v");
      frames.push_back(FrameJson(Direction::kCounselorToVisitor, frame, message));
    }
    Message end{clock_ms, EndMessage{i % 2 ? EndReason::kTransferred : EndReason::kEnded}};
    frames.push_back(FrameJson(Direction::kCounselorToVisitor, Unwrap(counselor.sender().Push(end, clock_ms), "end"), end));
    for (int m = 0; m < 4; ++m) {
      Message message{clock_ms + m, TextMessage{"Благодаря " + std::to_string(m)}};
      frames.push_back(
          FrameJson(Direction::kVisitorToCounselor, Unwrap(session.sender.Push(message, clock_ms + m), "v2c"), message));
    }
    Message visitor_end{clock_ms + 10, EndMessage{EndReason::kEnded}};
    frames.push_back(FrameJson(Direction::kVisitorToCounselor,
                               Unwrap(session.sender.Push(visitor_end, clock_ms + 10), "v2c end"), visitor_end));

    out.push_back(json::object{{"root_seed", Hex(root_seed)},
                               {"signing_certificate", Hex(signing_certificate.encoded)},
                               {"counselor_seed", Hex(counselor_seed)},
                               {"counselor_certificate", Hex(counselor_certificate.encoded)},
                               {"now", now},
                               {"chat_id", Hex(chat_id)},
                               {"leg", leg},
                               {"visitor_nonce", Hex(nonce)},
                               {"visitor_kx_seed", Hex(visitor_kx)},
                               {"counselor_kx_seed", Hex(counselor_kx)},
                               {"offer", Hex(visitor.offer())},
                               {"transcript_hash", Hex(session.transcript_hash)},
                               {"signature", Hex(signature)},
                               {"accept", Hex(counselor.accept())},
                               {"stream_start", Hex(session.stream_start)},
                               {"key_v2c", Hex(key_v2c.bytes())},
                               {"key_c2v", Hex(key_c2v.bytes())},
                               {"code", session.code},
                               {"frames", frames}});
  }
  return out;
}

// --- verification ---

int VerifyPadding(const json::array& vectors) {
  for (const auto& value : vectors) {
    const auto& v = value.as_object();
    Bytes unpadded = HexField(v, "unpadded"), padded = HexField(v, "padded");
    Expect(Pad(unpadded) == padded, "padding of " + std::to_string(unpadded.size()) + " bytes differs");
    Expect(Unwrap(Unpad(padded), "unpad") == unpadded, "unpadding differs");
  }
  return static_cast<int>(vectors.size());
}

int VerifyCertificates(const json::array& vectors) {
  for (const auto& value : vectors) {
    const auto& v = value.as_object();
    SigningKey issuer = SigningKey::FromSeed(HexField(v, "issuer_seed"));
    SigningKey subject = SigningKey::FromSeed(HexField(v, "subject_seed"));
    CertificateFields fields;
    fields.role = static_cast<CertificateRole>(NumberField(v, "role"));
    fields.subject_key = subject.public_key();
    Bytes serial = HexField(v, "serial");
    Expect(serial.size() == 16, "serial size");
    std::copy(serial.begin(), serial.end(), fields.serial.begin());
    fields.not_before = NumberField(v, "not_before");
    fields.not_after = NumberField(v, "not_after");
    fields.handle = StringField(v, "handle");
    fields.name = StringField(v, "name");
    Bytes expected = HexField(v, "certificate");
    Expect(Unwrap(IssueCertificate(fields, issuer), "issue").encoded == expected, "certificate bytes differ");
    Certificate parsed = Unwrap(ParseCertificate(expected), "parse certificate");
    Expect(parsed.fields == fields && HasValidSignature(parsed, issuer.public_key()), "certificate does not verify");
  }
  return static_cast<int>(vectors.size());
}

int VerifyRevocations(const json::array& vectors) {
  for (const auto& value : vectors) {
    const auto& v = value.as_object();
    SigningKey issuer = SigningKey::FromSeed(HexField(v, "issuer_seed"));
    std::vector<Serial> serials;
    for (const auto& hex : v.at("serials").as_array()) {
      auto bytes = FromHex(std::string_view(hex.as_string()));
      Expect(bytes && bytes->size() == 16, "serial");
      Serial serial{};
      std::copy(bytes->begin(), bytes->end(), serial.begin());
      serials.push_back(serial);
    }
    auto kind = static_cast<RevocationIssuer>(NumberField(v, "issuer_kind"));
    Bytes expected = HexField(v, "revocation_list");
    auto list = Unwrap(IssueRevocationList(kind, NumberField(v, "issued_at"), serials, issuer), "revocations");
    Expect(list.encoded == expected, "revocation list bytes differ");
    Expect(Unwrap(ParseRevocationList(expected), "parse revocations").serials == list.serials, "serials differ");
  }
  return static_cast<int>(vectors.size());
}

bool EqualButHeader(ByteView a, ByteView b) {
  return a.size() == b.size() && a.size() >= 24 && std::equal(a.begin(), a.end() - 24, b.begin());
}

int VerifyHandshakes(const json::array& vectors, int& frame_count) {
  for (const auto& value : vectors) {
    const auto& v = value.as_object();
    SigningKey root = SigningKey::FromSeed(HexField(v, "root_seed"));
    SigningKey identity = SigningKey::FromSeed(HexField(v, "counselor_seed"));
    Bytes signing_certificate = HexField(v, "signing_certificate"), counselor_certificate = HexField(v, "counselor_certificate");
    std::uint64_t now = NumberField(v, "now"), now_ms = now * 1000;
    Bytes chat_bytes = HexField(v, "chat_id");
    Expect(chat_bytes.size() == 16, "chat id size");
    ChatId chat_id{};
    std::copy(chat_bytes.begin(), chat_bytes.end(), chat_id.begin());
    auto leg = static_cast<std::uint16_t>(NumberField(v, "leg"));
    Bytes visitor_kx = HexField(v, "visitor_kx_seed"), counselor_kx = HexField(v, "counselor_kx_seed");
    TrustAnchor trust{root.public_key(), {}};
    Unwrap(VerifyChain(trust, signing_certificate, counselor_certificate, now), "chain");

    auto visitor = VisitorHandshake::StartDeterministic(chat_id, leg, HexField(v, "visitor_nonce"), visitor_kx,
                                                        leg > 0 ? counselor_certificate : Bytes{});
    Expect(visitor.offer() == HexField(v, "offer"), "offer differs");
    CounselorCredentials credentials{&identity, signing_certificate, counselor_certificate};
    auto counselor = Unwrap(
        CounselorSession::Accept(visitor.offer(), chat_id, leg, credentials, now_ms, ByteView(counselor_kx)), "accept");
    Bytes accept = HexField(v, "accept");
    Expect(EqualButHeader(counselor.accept(), accept), "accept differs");
    Expect(ToHex(counselor.transcript_hash()) == StringField(v, "transcript_hash"), "transcript hash differs");
    Expect(counselor.code() == StringField(v, "code"), "verification code differs");
    Expect(std::equal(accept.end() - 88, accept.end() - 24, HexField(v, "signature").begin()), "signature differs");
    auto session = Unwrap(visitor.ReceiveAccept(accept, trust, now, now_ms), "visitor verification");
    Bytes stream_start = HexField(v, "stream_start");
    Expect(EqualButHeader(session.stream_start, stream_start), "stream_start differs");

    auto [key_v2c, key_c2v] = StreamKeysFromSeeds(visitor_kx, counselor_kx, session.transcript_hash);
    Expect(key_v2c.Equals(HexField(v, "key_v2c")) && key_c2v.Equals(HexField(v, "key_c2v")), "stream keys differ");

    StreamHeader c2v_header{}, v2c_header{};
    std::copy(accept.end() - 24, accept.end(), c2v_header.begin());
    std::copy(stream_start.end() - 24, stream_start.end(), v2c_header.begin());
    StreamReceiver from_counselor(key_c2v, c2v_header, {chat_id, leg, Direction::kCounselorToVisitor});
    StreamReceiver from_visitor(key_v2c, v2c_header, {chat_id, leg, Direction::kVisitorToCounselor});
    for (const auto& frame_value : v.at("frames").as_array()) {
      const auto& f = frame_value.as_object();
      bool c2v = StringField(f, "direction") == "c2v";
      StreamReceiver& receiver = c2v ? from_counselor : from_visitor;
      auto seq = static_cast<std::uint32_t>(NumberField(f, "seq"));
      auto delivered = Unwrap(receiver.Receive(seq, HexField(f, "frame")), "frame " + std::to_string(seq));
      Expect(static_cast<int>(delivered.tag) == static_cast<int>(NumberField(f, "tag")), "tag differs");
      Expect(*EncodeMessage(delivered.message) == HexField(f, "message"), "message differs");
      ++frame_count;
    }
  }
  return static_cast<int>(vectors.size());
}

int Generate(const std::string& path) {
  json::object document{{"format", "haven-e2e-vectors/1"},
                        {"generator", "c++"},
                        {"padding", GeneratePadding()},
                        {"certificates", GenerateCertificates()},
                        {"revocations", GenerateRevocations()},
                        {"handshakes", GenerateHandshakes()}};
  std::ofstream(path) << json::serialize(document) << "\n";
  std::cout << "wrote " << path << "\n";
  return 0;
}

int Verify(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  json::object document = json::parse(text.str()).as_object();
  Expect(StringField(document, "format") == "haven-e2e-vectors/1", "unknown format");
  int frames = 0;
  int padding = VerifyPadding(document.at("padding").as_array());
  int certificates = VerifyCertificates(document.at("certificates").as_array());
  int revocations = VerifyRevocations(document.at("revocations").as_array());
  int handshakes = VerifyHandshakes(document.at("handshakes").as_array(), frames);
  int total = padding + certificates + revocations + handshakes;
  std::cout << "verified " << path << " (generator " << StringField(document, "generator") << "): " << total
            << " vectors (" << padding << " padding, " << certificates << " certificates, " << revocations
            << " revocation lists, " << handshakes << " handshakes with " << frames << " frames)\n";
  return total >= 50 ? 0 : 1;
}

}  // namespace
}  // namespace haven::crypto

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "generate" && std::string(argv[1]) != "verify")) {
    std::cerr << "usage: e2e_vectors generate|verify FILE\n";
    return 2;
  }
  haven::crypto::InitSodium();
  try {
    return std::string(argv[1]) == "generate" ? haven::crypto::Generate(argv[2]) : haven::crypto::Verify(argv[2]);
  } catch (const haven::crypto::VectorError& error) {
    std::cerr << "MISMATCH: " << error.what << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "invalid vector file: " << error.what() << "\n";
    return 1;
  }
}
