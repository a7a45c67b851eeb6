// DerivationPath: a BIP32 path such as "m/84'/0'/0'/0/5", parsed with precise errors.
#pragma once

#include <coinkit/keys/error.hpp>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit {

// Child numbers at or above 2^31 are hardened (BIP32).
inline constexpr std::uint32_t hardened_bit = 0x80000000u;

constexpr std::uint32_t hardened(std::uint32_t index) noexcept { return index | hardened_bit; }
constexpr bool is_hardened(std::uint32_t child_number) noexcept { return (child_number & hardened_bit) != 0; }

class DerivationPath {
 public:
  DerivationPath() = default;
  DerivationPath(std::initializer_list<std::uint32_t> indexes) : indexes_(indexes) {}
  explicit DerivationPath(std::vector<std::uint32_t> indexes) noexcept : indexes_(std::move(indexes)) {}

  // "m", "m/0'/1/2h", "84'/0'/0'" (relative, as Electrum accepts), with ', h or H for
  // hardened. Each index is decimal below 2^31; no empty components, signs or spaces.
  static result<DerivationPath> try_parse(std::string_view text) {
    DerivationPath path;
    if (text == "m" || text == "M") return path;
    if (text.size() >= 2 && (text[0] == 'm' || text[0] == 'M') && text[1] == '/') text.remove_prefix(2);
    while (true) {
      const std::size_t slash = text.find('/');
      std::string_view part = text.substr(0, slash);
      if (part.empty()) return keys::error::path_empty_component;
      bool hard = false;
      if (part.back() == '\'' || part.back() == 'h' || part.back() == 'H') {
        hard = true;
        part.remove_suffix(1);
      }
      if (part.empty()) return keys::error::path_invalid_index;
      std::uint64_t value = 0;
      for (char c : part) {
        if (c < '0' || c > '9') return keys::error::path_invalid_index;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value >= hardened_bit) return keys::error::path_index_out_of_range;
      }
      path.indexes_.push_back(static_cast<std::uint32_t>(value) | (hard ? hardened_bit : 0));
      if (slash == std::string_view::npos) return path;
      text.remove_prefix(slash + 1);
    }
  }

  static DerivationPath parse(std::string_view text) { return value_or_throw(try_parse(text), "derivation path"); }

  std::span<const std::uint32_t> indexes() const noexcept { return indexes_; }
  std::size_t size() const noexcept { return indexes_.size(); }
  bool empty() const noexcept { return indexes_.empty(); }
  std::uint32_t operator[](std::size_t i) const noexcept { return indexes_[i]; }
  auto begin() const noexcept { return indexes_.begin(); }
  auto end() const noexcept { return indexes_.end(); }

  DerivationPath child(std::uint32_t index) const {
    DerivationPath p = *this;
    p.indexes_.push_back(index);
    return p;
  }

  // "m/84'/0'/0'/0/5"; `hardened_marker` ' (BIP32, Core) or h (descriptors).
  std::string to_string(char hardened_marker = '\'') const {
    std::string out = "m";
    for (std::uint32_t i : indexes_) {
      out += '/';
      out += std::to_string(i & ~hardened_bit);
      if (is_hardened(i)) out += hardened_marker;
    }
    return out;
  }

  friend bool operator==(const DerivationPath&, const DerivationPath&) = default;

 private:
  std::vector<std::uint32_t> indexes_;
};

}  // namespace coinkit
