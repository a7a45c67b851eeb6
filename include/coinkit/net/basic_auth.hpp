// HTTP Basic authentication, both ways: the Authorization header a client sends, and a server's
// parsing and checking of it.
#pragma once

#include <coinkit/core/base64.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace coinkit::net {

struct Credentials {
  std::string user;
  std::string password;
};

// The Authorization header value for `user:password`: "Basic <base64(user:password)>".
inline std::string basic_authorization(std::string_view user, std::string_view password) {
  std::string plain(user);
  plain += ':';
  plain += password;
  return "Basic " + base64_encode(as_bytes(plain));
}

// The credentials of an `Authorization: Basic <base64(user:password)>` header value, or
// nullopt for any other scheme or malformed value.
inline std::optional<Credentials> parse_basic_auth(std::string_view header) {
  constexpr std::string_view scheme = "Basic ";
  if (header.size() < scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i)  // the scheme is case-insensitive (RFC 7617)
    if ((header[i] | 0x20) != (scheme[i] | 0x20)) return std::nullopt;
  header.remove_prefix(scheme.size());
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  auto decoded = base64_decode(header);
  if (!decoded) return std::nullopt;
  const std::string_view text = as_chars(*decoded);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return Credentials{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

// Compares in time independent of where the strings differ, so timing does not reveal a
// password prefix.
inline bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// Whether the header carries exactly these credentials.
inline bool check_basic_auth(std::string_view header, std::string_view user, std::string_view password) {
  const auto c = parse_basic_auth(header);
  if (!c) return false;
  const bool user_ok = constant_time_equal(c->user, user);
  const bool password_ok = constant_time_equal(c->password, password);
  return user_ok && password_ok;
}

}  // namespace coinkit::net
