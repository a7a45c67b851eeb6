// Peer: another Electrum server as peer discovery knows it (ElectrumX's lib/peer.py): its host,
// the features it reported, what was learnt connecting to it, and the forms it travels in: real
// names ("host v1.4 s50002 t50001"), server.peers.subscribe rows and LocalRPC records.
#pragma once

#include <coinkit/electrum/protocol_version.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinkit::electrum {

// The rules a peer must pass. ElectrumX's: public addresses only, a peer is its host, one peer per
// IPv4 address. `loopback` (coinkit, on regtest only): private and loopback addresses are
// accepted and a peer is its host *and* its ports, so that servers on one machine find each other.
struct PeerRules {
  bool loopback = false;
  std::uint16_t default_tcp = 50001;  // a bare "t" in a real name
  std::uint16_t default_ssl = 50002;  // a bare "s"
};

namespace detail {

// Python's ipaddress is_private, for the networks it lists.
inline bool is_private_address(const boost::asio::ip::address& a) {
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    auto in = [&](unsigned o0, unsigned o1, unsigned bits) {
      const std::uint32_t v = std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
      const std::uint32_t net = std::uint32_t(o0) << 24 | std::uint32_t(o1) << 16;
      return bits == 0 || (v >> (32 - bits)) == (net >> (32 - bits));
    };
    return in(0, 0, 8) || in(10, 0, 8) || in(127, 0, 8) || in(169, 254, 16) || in(172, 16, 12) || in(192, 168, 16) ||
           in(198, 18, 15) || in(240, 0, 4) || (b[0] == 192 && b[1] == 0 && b[2] == 2) ||
           (b[0] == 198 && b[1] == 51 && b[2] == 100) || (b[0] == 203 && b[1] == 0 && b[2] == 113) ||
           (b[0] == 192 && b[1] == 0 && b[2] == 0 && (b[3] < 8 || b[3] == 170 || b[3] == 171));
  }
  const auto v6 = a.to_v6();
  const auto b = v6.to_bytes();
  return v6.is_loopback() || v6.is_unspecified() || v6.is_v4_mapped() || (b[0] & 0xfe) == 0xfc ||
         (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) ||
         (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] < 0x02);
}

// aiorpcX's is_valid_hostname: labels of letters, digits, '-' and '_', a TLD not all digits.
inline bool is_valid_hostname(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty() || host.size() > 253) return false;
  std::string_view last;
  for (std::string_view rest = host;;) {
    const std::size_t dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    last = label;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return !std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
}

inline std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ElectrumX's version_string(protocol_tuple(v)): "1.4" as given, anything unreadable "0.0".
inline std::string canonical_version(const boost::json::value* v) {
  std::optional<ProtocolVersion> p;
  if (v && v->is_string()) p = ProtocolVersion::parse(v->get_string());
  if (!p) return "0.0";
  return p->size() < 2 ? std::to_string((*p)[0]) + ".0" : p->to_string();
}

// ElectrumX's Peer._integer: an integer, or a string holding one.
inline std::optional<std::int64_t> integer_of(const boost::json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() < (1ull << 62)) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_string()) {
    const std::string_view s = v->get_string();
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size()) return n;
  }
  return std::nullopt;
}

}  // namespace detail

class Peer {
 public:
  // `features` must list `host` in its "hosts"; the features ElectrumX keeps are made canonical
  // (ports as integers or null, versions as "1.4", pruning as a positive integer or null).
  Peer(std::string host, boost::json::object features, std::string source)
      : host_(std::move(host)), source_(std::move(source)) {
    set_features(std::move(features));
    if (!host_.empty() && host_.front() == '[' && host_.back() == ']') host_ = host_.substr(1, host_.size() - 2);
    boost::system::error_code ec;
    address_ = boost::asio::ip::make_address(host_, ec);
    if (ec) address_.reset();
  }

  // "host v1.4 p10000 s50002 t50001" (a bare "s"/"t": the network's default port).
  static std::optional<Peer> from_real_name(std::string_view real_name, std::string source, const PeerRules& rules) {
    std::string host = "nohost";
    boost::json::object features, ports;
    std::size_t n = 0;
    for (std::size_t at = 0; at < real_name.size();) {
      while (at < real_name.size() && real_name[at] == ' ') ++at;
      const std::size_t end = std::min(real_name.find(' ', at), real_name.size());
      if (at == end) break;
      const std::string_view part = real_name.substr(at, end - at);
      at = end;
      if (n++ == 0) {
        host = std::string(part);
        continue;
      }
      const std::string rest(part.substr(1));
      switch (part.front()) {
        case 's': ports["ssl_port"] = rest.empty() ? std::to_string(rules.default_ssl) : rest; break;
        case 't': ports["tcp_port"] = rest.empty() ? std::to_string(rules.default_tcp) : rest; break;
        case 'v':
          features["protocol_max"] = rest;  // Python's a = b = x assigns a first
          features["protocol_min"] = rest;
          break;
        case 'p': features["pruning"] = rest; break;
        default: break;
      }
    }
    if (n == 0) return std::nullopt;
    for (const auto& kv : ports) features[kv.key()] = kv.value();
    features["hosts"].emplace_object()[host] = std::move(ports);
    return Peer(host, std::move(features), std::move(source));
  }

  // server.add_peer's features: a peer for each host of "hosts" (ElectrumX takes the first).
  static std::vector<Peer> from_features(const boost::json::value& features, const std::string& source) {
    std::vector<Peer> out;
    const auto* f = features.if_object();
    const auto* hosts = f ? f->if_contains("hosts") : nullptr;
    if (!hosts || !hosts->is_object()) return out;
    for (const auto& kv : hosts->get_object()) out.emplace_back(std::string(kv.key()), *f, source);
    return out;
  }

  const std::string& host() const noexcept { return host_; }
  const boost::json::object& features() const noexcept { return features_; }
  std::optional<std::uint16_t> tcp_port() const noexcept { return tcp_port_; }
  std::optional<std::uint16_t> ssl_port() const noexcept { return ssl_port_; }
  std::string protocol_max() const { return detail::canonical_version(features_.if_contains("protocol_max")); }
  std::optional<boost::json::string> genesis_hash() const {
    const auto* g = features_.if_contains("genesis_hash");
    return g && g->is_string() ? std::optional(g->get_string()) : std::nullopt;
  }

  bool is_tor() const noexcept { return host_.size() > 6 && host_.ends_with(".onion"); }
  // The host as an IP address, if it is one.
  const std::optional<boost::asio::ip::address>& address() const noexcept { return address_; }

  bool is_valid() const {
    if (address_) return !address_->is_multicast() && !address_->is_unspecified() && !is_shared_space();
    return detail::is_valid_hostname(host_);
  }
  bool is_public(const PeerRules& rules) const {
    if (!is_valid()) return false;
    if (rules.loopback) return true;
    if (address_) return !detail::is_private_address(*address_);
    return host_ != "localhost";
  }

  // Whether `other` is this server: the same host, or its IP address (and, by the loopback
  // rules, a port in common).
  bool matches(const Peer& other, const PeerRules& rules) const {
    const std::string host = detail::lowercase(host_), other_host = detail::lowercase(other.host_);
    const bool same_host = other_host == host || (!ip_addr.empty() && other_host == ip_addr) ||
                           (!other.ip_addr.empty() && other.ip_addr == host_);
    return same_host && (!rules.loopback || shares_a_port(other));
  }
  bool shares_a_port(const Peer& o) const noexcept {
    return (tcp_port_ && tcp_port_ == o.tcp_port_) || (ssl_port_ && ssl_port_ == o.ssl_port_);
  }

  // ElectrumX's bucket_for_internal_purposes (one good peer each): "onion", the IPv4 address, the
  // IPv6 /64; by the loopback rules the address and the ports.
  std::string internal_bucket(const PeerRules& rules) const { return bucket(rules, 32, 64); }
  // bucket_for_external_interface (two peers each in server.peers.subscribe): IPv4 /16, IPv6 /56.
  std::string external_bucket(const PeerRules& rules) const { return bucket(rules, 16, 56); }

  // "host v1.4 s50002 t50001" (ElectrumX prints the ports even when they are the defaults).
  std::string real_name() const {
    std::string s = host_ + " v" + protocol_max();
    if (const auto p = pruning()) s += " p" + std::to_string(*p);
    if (ssl_port_) s += " s" + std::to_string(*ssl_port_);
    if (tcp_port_) s += " t" + std::to_string(*tcp_port_);
    return s;
  }
  // A server.peers.subscribe row: [ip, host, ["v1.4", "s50002", "t50001"]].
  boost::json::array subscribe_row() const {
    boost::json::array details;
    const std::string name = real_name();
    for (std::size_t at = name.find(' '); at != std::string::npos;) {
      const std::size_t end = name.find(' ', at + 1);
      details.emplace_back(name.substr(at + 1, end == std::string::npos ? end : end - at - 1));
      at = end;
    }
    boost::json::array row;
    row.emplace_back(ip_addr.empty() ? host_ : ip_addr);
    row.emplace_back(host_);
    row.emplace_back(std::move(details));
    return row;
  }
  // LocalRPC "peers" record (ElectrumX's serialize(): host, features, source, ip_addr, last_good,
  // last_try, try_count).
  boost::json::object record() const {
    boost::json::object r;
    r["host"] = host_;
    r["features"] = features_;
    r["source"] = source_;
    r["ip_addr"] = ip_addr.empty() ? boost::json::value(nullptr) : boost::json::value(ip_addr);
    r["last_good"] = seconds(last_good);
    r["last_try"] = seconds(last_try);
    r["try_count"] = try_count;
    return r;
  }

  // The features a verified peer reported (server.version's name, server.features): kept if
  // they list this host.
  void update_features(boost::json::object features) {
    const auto* hosts = features.if_contains("hosts");
    if (!hosts || !hosts->is_object() || !hosts->get_object().contains(host_)) return;
    set_features(std::move(features));
  }
  void set_server_version(std::string v) { features_["server_version"] = std::move(v); }
  void set_source(std::string s) { source_ = std::move(s); }
  const std::string& source() const noexcept { return source_; }

  // What connecting taught: the address connected to (empty: none), Unix times, failures since
  // the last success; a peer marked bad is forgotten after a few tries.
  std::string ip_addr;
  double last_good = 0, last_try = 0;
  int try_count = 0;
  bool bad = false;

 private:
  // Unix times as Python prints them: 0 until set, then float seconds.
  static boost::json::value seconds(double t) { return t ? boost::json::value(t) : boost::json::value(0); }

  bool is_shared_space() const {  // 100.64.0.0/10: neither global nor private in Python
    if (!address_ || !address_->is_v4()) return false;
    const auto b = address_->to_v4().to_bytes();
    return b[0] == 100 && (b[1] & 0xc0) == 64;
  }

  std::optional<std::int64_t> pruning() const {
    const auto p = detail::integer_of(features_.if_contains("pruning"));
    return p && *p > 0 ? p : std::nullopt;
  }

  std::string bucket(const PeerRules& rules, unsigned v4_bits, unsigned v6_bits) const {
    if (is_tor()) return "onion";
    if (ip_addr.empty()) return "";
    boost::system::error_code ec;
    const auto a = boost::asio::ip::make_address(ip_addr, ec);
    if (ec) return "";
    std::string b;
    if (a.is_v4() && v4_bits == 32) {
      b = a.to_string();
    } else if (a.is_v4()) {
      auto bytes = a.to_v4().to_bytes();
      for (unsigned i = v4_bits / 8; i < 4; ++i) bytes[i] = 0;
      b = boost::asio::ip::address_v4(bytes).to_string() + "/" + std::to_string(v4_bits);
    } else {
      auto bytes = a.to_v6().to_bytes();
      for (unsigned i = v6_bits / 8; i < 16; ++i) bytes[i] = 0;
      b = boost::asio::ip::address_v6(bytes).to_string() + "/" + std::to_string(v6_bits);
    }
    if (rules.loopback) b += " " + std::to_string(tcp_port_.value_or(0)) + " " + std::to_string(ssl_port_.value_or(0));
    return b;
  }

  // Canonical features, as ElectrumX's Peer.__init__ rewrites them.
  void set_features(boost::json::object f) {
    features_ = std::move(f);
    auto port = [&](std::string_view key) -> std::optional<std::uint16_t> {
      const auto* hosts = features_.if_contains("hosts");
      const auto* mine = hosts && hosts->is_object() ? hosts->get_object().if_contains(host_) : nullptr;
      const auto n = detail::integer_of(mine && mine->is_object() ? mine->get_object().if_contains(key) : nullptr);
      if (n && *n > 0 && *n < 65536) return static_cast<std::uint16_t>(*n);
      return std::nullopt;
    };
    ssl_port_ = port("ssl_port");
    tcp_port_ = port("tcp_port");
    auto string_or_null = [&](std::string_view key) {
      const auto* v = features_.if_contains(key);
      return v && v->is_string() ? *v : boost::json::value(nullptr);
    };
    const auto pruning_value = pruning();
    features_["pruning"] = pruning_value ? boost::json::value(*pruning_value) : boost::json::value(nullptr);
    features_["server_version"] = string_or_null("server_version");
    features_["protocol_min"] = detail::canonical_version(features_.if_contains("protocol_min"));
    features_["protocol_max"] = detail::canonical_version(features_.if_contains("protocol_max"));
    features_["ssl_port"] = ssl_port_ ? boost::json::value(*ssl_port_) : boost::json::value(nullptr);
    features_["tcp_port"] = tcp_port_ ? boost::json::value(*tcp_port_) : boost::json::value(nullptr);
    for (const char* key : {"cert_md5", "cert_sha1", "cert_sha256", "cert_blake2b"})
      features_[key] = string_or_null(key);
  }

  std::string host_;
  boost::json::object features_;
  std::string source_;
  std::optional<boost::asio::ip::address> address_;
  std::optional<std::uint16_t> tcp_port_, ssl_port_;
};

}  // namespace coinkit::electrum
