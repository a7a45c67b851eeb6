// ProtocolVersion: Electrum protocol versions ("1.4", "1.4.2") and server.version negotiation.
#pragma once

#include <coinkit/rpc/version.hpp>

#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coinkit::electrum {

// A dotted version of up to four numbers. Compared as ElectrumX compares its tuples:
// number by number, and a prefix sorts first ("1.4" < "1.4.0" < "1.4.2"). Printed with as many
// numbers as it was given, so a client asking "1.4" gets exactly "1.4" back.
class ProtocolVersion {
 public:
  static constexpr std::size_t max_parts = 4;

  constexpr ProtocolVersion() noexcept = default;
  constexpr ProtocolVersion(std::uint32_t major, std::uint32_t minor) noexcept : parts_{major, minor}, size_(2) {}
  constexpr ProtocolVersion(std::uint32_t major, std::uint32_t minor, std::uint32_t revision) noexcept
      : parts_{major, minor, revision}, size_(3) {}

  // "1", "1.4", "1.4.2": decimal numbers separated by single dots; nullopt otherwise.
  static constexpr std::optional<ProtocolVersion> parse(std::string_view text) noexcept {
    ProtocolVersion v;
    if (text.empty()) return std::nullopt;
    for (;;) {
      const std::size_t dot = text.find('.');
      const std::string_view part = text.substr(0, dot);
      if (part.empty() || part.size() > 9 || v.size_ == max_parts) return std::nullopt;
      std::uint32_t n = 0;
      for (char c : part) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::uint32_t>(c - '0');
      }
      v.parts_[v.size_++] = n;
      if (dot == std::string_view::npos) break;
      text.remove_prefix(dot + 1);
    }
    return v;
  }

  std::string to_string() const {
    std::string s;
    for (std::size_t i = 0; i < size_; ++i) {
      if (i) s += '.';
      s += std::to_string(parts_[i]);
    }
    return s;
  }

  constexpr std::size_t size() const noexcept { return size_; }
  // As a method table's bound: the first three numbers.
  constexpr rpc::Version bound() const noexcept { return {(*this)[0], (*this)[1], (*this)[2]}; }
  constexpr std::uint32_t operator[](std::size_t i) const noexcept { return i < size_ ? parts_[i] : 0; }

  friend constexpr std::strong_ordering operator<=>(const ProtocolVersion& a, const ProtocolVersion& b) noexcept {
    const std::size_t n = std::min(a.size_, b.size_);
    for (std::size_t i = 0; i < n; ++i)
      if (auto c = a.parts_[i] <=> b.parts_[i]; c != 0) return c;
    return a.size_ <=> b.size_;
  }
  friend constexpr bool operator==(const ProtocolVersion& a, const ProtocolVersion& b) noexcept {
    return (a <=> b) == 0;
  }

 private:
  std::array<std::uint32_t, max_parts> parts_{};
  std::size_t size_ = 0;
};

// The range this server speaks: 1.4 (Electrum 4.x asks exactly "1.4") to 1.6.
inline constexpr ProtocolVersion protocol_min{1, 4};
inline constexpr ProtocolVersion protocol_max{1, 6};

// server.version's protocol_version argument: absent or null (the client's range is then the
// server's minimum), one version string, or [min, max]. The highest common version is
// min(client max, server max); nullopt when that is below max(client min, server min) or the
// argument does not parse (ElectrumX then replies "unsupported protocol version" and closes).
inline std::optional<ProtocolVersion> negotiate(const boost::json::value* requested,
                                                ProtocolVersion server_min = protocol_min,
                                                ProtocolVersion server_max = protocol_max) {
  std::optional<ProtocolVersion> client_min, client_max;
  auto parse = [](const boost::json::value& v) -> std::optional<ProtocolVersion> {
    if (!v.is_string()) return std::nullopt;
    return ProtocolVersion::parse(v.get_string());
  };
  if (!requested || requested->is_null()) {
    client_min = client_max = server_min;
  } else if (requested->is_array() && requested->get_array().size() == 2) {
    client_min = parse(requested->get_array()[0]);
    client_max = parse(requested->get_array()[1]);
  } else {
    client_min = client_max = parse(*requested);
  }
  if (!client_min || !client_max) return std::nullopt;
  const ProtocolVersion result = std::min(*client_max, server_max);
  if (result < std::max(*client_min, server_min)) return std::nullopt;
  return result;
}

}  // namespace coinkit::electrum
