// A TLS server context from PEM files, as the Electrum server's ssl:// and wss:// services use it.
#pragma once

#include <coinkit/core/error.hpp>

#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>

#include <filesystem>
#include <optional>
#include <string>

namespace coinkit::net {

// What the certificate or key was rejected for.
struct TlsSetupError {
  bool key = false;  // the key (else the certificate)
  std::string reason;
};

// A server context holding the certificate chain and its key. Idle sessions give their read
// and write buffers back (about 34 KiB each).
inline boost::asio::ssl::context tls_server_context(const std::filesystem::path& certfile,
                                                    const std::filesystem::path& keyfile,
                                                    std::optional<TlsSetupError>& error) {
  namespace ssl = boost::asio::ssl;
  ssl::context ctx(ssl::context::tls_server);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::single_dh_use);
  error_code ec;
  ctx.use_certificate_chain_file(certfile.string(), ec);
  if (ec) {
    error = TlsSetupError{false, ec.message()};
    return ctx;
  }
  ctx.use_private_key_file(keyfile.string(), ssl::context::pem, ec);
  if (ec) {
    error = TlsSetupError{true, ec.message()};
    return ctx;
  }
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    error = TlsSetupError{true, "the key does not match the certificate"};
    return ctx;
  }
  SSL_CTX_set_mode(ctx.native_handle(), SSL_MODE_RELEASE_BUFFERS);
  return ctx;
}

}  // namespace coinkit::net
