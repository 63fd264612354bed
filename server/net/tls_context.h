// The server's TLS identity for native TLS: a certificate chain and its private key, loaded
// into an OpenSSL context that speaks TLS 1.2 and 1.3 only. Immutable once loaded; a reload
// (SIGHUP) loads a new one and swaps it in through TlsCredentials, so connections already
// open keep the context they started with and new ones take the new certificate.
//
// Policy, fixed here rather than configurable (an NGO's administrator should not have to
// choose ciphers): TLS 1.2 with ECDHE and AEAD ciphers only, TLS 1.3's defaults, no
// compression, no renegotiation, and no session resumption (neither tickets nor a cache: a
// ticket key that lives for the whole process would let whoever later takes the machine
// decrypt recorded sessions; a visitor opens few connections, so the full handshake is cheap).
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include "server/net/reloadable.h"

namespace boost::asio::ssl {
class context;
}

namespace haven::net {

class TlsContext {
 public:
  // Reads both PEM files. Errors name the file and what is wrong with it (missing, unreadable,
  // not a certificate, key does not match the certificate).
  static std::expected<TlsContext, std::string> Load(const std::string& certificate_file,
                                                     const std::string& private_key_file);
  TlsContext(TlsContext&&) noexcept;
  TlsContext& operator=(TlsContext&&) noexcept;
  ~TlsContext();

  // For new connections. Not const in OpenSSL's sense, but nothing changes it after Load.
  boost::asio::ssl::context& native() const;
  // The leaf certificate's notAfter, in Unix seconds.
  std::int64_t not_after() const { return not_after_; }

 private:
  struct Impl;
  explicit TlsContext(std::unique_ptr<Impl> impl, std::int64_t not_after);
  std::unique_ptr<Impl> impl_;
  std::int64_t not_after_ = 0;
};

// What a new connection should present: replaced as a whole on reload.
using TlsCredentials = Reloadable<TlsContext>;

}  // namespace haven::net
