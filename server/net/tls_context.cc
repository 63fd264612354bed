#include "server/net/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>

namespace haven::net {
namespace ssl = boost::asio::ssl;

struct TlsContext::Impl {
  ssl::context context{ssl::context::tls_server};
};

namespace {

// Mozilla's "intermediate" TLS 1.2 suites without finite-field DHE: forward secret and
// authenticated encryption only. TLS 1.3 suites are OpenSSL's defaults (all AEAD).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kGroups = "X25519:P-256:P-384";

// The newest OpenSSL error as text (and the queue cleared, so the next call starts clean).
std::string OpenSslProblem() {
  unsigned long code = ERR_peek_last_error();
  std::string text = code ? ERR_reason_error_string(code) ? ERR_reason_error_string(code) : "unknown error"
                          : "unknown error";
  ERR_clear_error();
  return text;
}

// Opening the file ourselves first turns OpenSSL's "system lib" into the real reason.
std::string Unreadable(const std::string& field, const std::string& path) {
  std::ifstream in(path);
  if (in) return {};
  return field + " " + path + " cannot be read: " + std::strerror(errno);
}

// Null for anything but an unencrypted PEM key (an encrypted one fails: no passphrase is given).
EVP_PKEY* ReadPrivateKey(const std::string& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> file(BIO_new_file(path.c_str(), "r"), BIO_free);
  if (!file) return nullptr;
  return PEM_read_bio_PrivateKey(file.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr);
}

std::int64_t NotAfter(SSL_CTX* context) {
  X509* leaf = SSL_CTX_get0_certificate(context);
  if (!leaf) return 0;
  std::tm when{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &when) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&when));
}

}  // namespace

TlsContext::TlsContext(std::unique_ptr<Impl> impl, std::int64_t not_after)
    : impl_(std::move(impl)), not_after_(not_after) {}
TlsContext::TlsContext(TlsContext&&) noexcept = default;
TlsContext& TlsContext::operator=(TlsContext&&) noexcept = default;
TlsContext::~TlsContext() = default;

ssl::context& TlsContext::native() const { return impl_->context; }

std::expected<TlsContext, std::string> TlsContext::Load(const std::string& certificate_file,
                                                        const std::string& private_key_file) {
  if (auto problem = Unreadable("tls.certificate_file", certificate_file); !problem.empty()) {
    return std::unexpected(problem);
  }
  if (auto problem = Unreadable("tls.private_key_file", private_key_file); !problem.empty()) {
    return std::unexpected(problem);
  }
  ERR_clear_error();
  auto impl = std::make_unique<Impl>();
  SSL_CTX* context = impl->context.native_handle();
  if (SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(context, kTls12Ciphers) != 1 || SSL_CTX_set1_groups_list(context, kGroups) != 1) {
    return std::unexpected("TLS could not be configured: " + OpenSslProblem());
  }
  SSL_CTX_set_options(context, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                   SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(context, 0);
  SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);

  if (SSL_CTX_use_certificate_chain_file(context, certificate_file.c_str()) != 1) {
    return std::unexpected("tls.certificate_file " + certificate_file +
                           " is not a PEM certificate chain: " + OpenSslProblem());
  }
  // Read apart from installing it, so that "not a key" and "another certificate's key" (a
  // half-finished renewal) get different messages.
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(ReadPrivateKey(private_key_file), EVP_PKEY_free);
  if (!key) {
    return std::unexpected("tls.private_key_file " + private_key_file +
                           " is not an unencrypted PEM private key: " + OpenSslProblem());
  }
  if (SSL_CTX_use_PrivateKey(context, key.get()) != 1 || SSL_CTX_check_private_key(context) != 1) {
    ERR_clear_error();
    return std::unexpected("tls.private_key_file " + private_key_file + " does not belong to the certificate in " +
                           certificate_file);
  }
  std::int64_t not_after = NotAfter(context);
  return TlsContext(std::move(impl), not_after);
}

}  // namespace haven::net
