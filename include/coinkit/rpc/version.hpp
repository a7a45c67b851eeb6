// Version: a protocol version ("1.4.2") bounding when a method exists (Electrum's protocol).
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace coinkit::rpc {

// Missing numbers are 0: "1.6" is {1, 6, 0}.
struct Version {
  std::uint32_t major = 0, minor = 0, patch = 0;
  constexpr auto operator<=>(const Version&) const noexcept = default;
};
inline constexpr Version any_version_after{std::numeric_limits<std::uint32_t>::max(), 0, 0};

}  // namespace coinkit::rpc
