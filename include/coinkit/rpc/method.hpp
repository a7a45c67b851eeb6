// How a server declares its JSON-RPC methods: rpc::method, rpc::arg, rpc::methods and
// rpc::extend make one compile-time list (Boost.Hana) per server, whatever its dialect; and
// MethodInfo, what is known of a method without its type (lookup, binding, help, /spec).
#pragma once

#include <coinkit/rpc/version.hpp>

#include <boost/hana/concat.hpp>
#include <boost/hana/flatten.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

// How a server declares its methods
// ---------------------------------
// Each method is a member function of the server (or of one of its CRTP bases). Its leading
// parameters may be the server's call contexts (Bitcart's `const rpc::Call&`, Electrum's
// `Session&`, and `rpc::JsonText&` to write the result in place); the others are bound from the
// JSON params by position or by name and converted to their types by the server's dialect
// (rpc::Bitcart, rpc::ElectrumX, rpc::Bitcoind) before the call. A method returns a value (the
// dialect writes it), `void`, `rpc::Outcome<T>` (a fault without an exception),
// `coinkit::result<T>`, or `asio::awaitable<...>` of any of these; it may also throw
// rpc::fault_error.
//
//   static constexpr auto rpc_methods() {
//     return rpc::methods(
//         rpc::method<&Daemon::help>("help", rpc::no_flags, "List the methods", rpc::arg("func", std::nullopt)),
//         rpc::method<&Service::get_balance>("blockchain.scripthash.get_balance", rpc::cost(1.0),
//                                            rpc::arg("scripthash")),
//         rpc::method<&Service::relayfee>("blockchain.relayfee", rpc::waits | rpc::until(1, 6)),
//         rpc::method<&Node::getblock>("getblock", rpc::doc("..."), rpc::arg("blockhash"),
//                                      rpc::arg("verbosity|verbose", 1)));  // bitcoind's aliases
//   }
//   // A derived server: its base's list, then its own entries (which override by name).
//   static constexpr auto rpc_methods() { return rpc::extend(Base::rpc_methods(), rpc::method<...>(...)); }

namespace coinkit::rpc {

namespace hana = boost::hana;
namespace json = boost::json;

enum class MethodFlags : std::uint8_t {
  none = 0,
  requires_wallet = 1,     // Bitcart: answered -32000 "Wallet not loaded" when no xpub is given
  requires_network = 2,    // Bitcart: informative (help, /spec)
  requires_lightning = 4,  // Bitcart: informative
  waits = 8,               // asks a slow backend (the node): run off the server's I/O path
  extra_args = 16,         // positional arguments beyond the declared ones are accepted (server.version)
};
constexpr MethodFlags operator|(MethodFlags a, MethodFlags b) noexcept {
  return static_cast<MethodFlags>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr bool has_flag(MethodFlags set, MethodFlags f) noexcept {
  return (static_cast<std::uint8_t>(set) & static_cast<std::uint8_t>(f)) != 0;
}
inline constexpr MethodFlags no_flags = MethodFlags::none;
inline constexpr MethodFlags requires_wallet = MethodFlags::requires_wallet;
inline constexpr MethodFlags requires_network = MethodFlags::requires_network;
inline constexpr MethodFlags requires_lightning = MethodFlags::requires_lightning;
inline constexpr MethodFlags waits = MethodFlags::waits;
inline constexpr MethodFlags extra_args = MethodFlags::extra_args;

// What a declaration says of a method besides its function and parameters, combined with |:
//   rpc::waits | rpc::until(1, 6) | rpc::cost(1.0)      rpc::doc("Returns the height ...")
struct Traits {
  MethodFlags flags = MethodFlags::none;
  std::string_view doc;
  Version since{};                    // the first protocol version that has it
  Version until = any_version_after;  // the first that no longer has it
  double cost = 0;                    // charged for each call (ElectrumX's session cost)

  constexpr Traits() noexcept = default;
  constexpr Traits(MethodFlags f) noexcept : flags(f) {}  // NOLINT(google-explicit-constructor): a flag is a trait
};

// The traits of both: flags together, and each other trait from the side that sets it.
constexpr Traits operator|(Traits a, const Traits& b) noexcept {
  a.flags = a.flags | b.flags;
  if (!b.doc.empty()) a.doc = b.doc;
  if (b.since != Version{}) a.since = b.since;
  if (b.until != any_version_after) a.until = b.until;
  if (b.cost != 0) a.cost = b.cost;
  return a;
}
constexpr Traits doc(std::string_view text) noexcept {
  Traits t;
  t.doc = text;
  return t;
}
constexpr Traits cost(double base) noexcept {
  Traits t;
  t.cost = base;
  return t;
}
constexpr Traits since(std::uint32_t major, std::uint32_t minor, std::uint32_t patch = 0) noexcept {
  Traits t;
  t.since = {major, minor, patch};
  return t;
}
constexpr Traits until(std::uint32_t major, std::uint32_t minor, std::uint32_t patch = 0) noexcept {
  Traits t;
  t.until = {major, minor, patch};
  return t;
}

struct no_default {};

// A parameter: its wire name ("a" or, with aliases, "verbosity|verbose") and, unless no_default,
// the default the method receives when the caller leaves it out (converted to the C++
// parameter's type: `""` for std::string, `std::nullopt` for optionals).
template <class Default = no_default>
struct Arg {
  std::string_view name;
  Default value{};
  static constexpr bool required = std::is_same_v<Default, no_default>;
};

constexpr Arg<> arg(std::string_view name) noexcept { return {name}; }
template <class Default>
constexpr Arg<Default> arg(std::string_view name, Default value) noexcept {
  return {name, value};
}

// One method: the member function `Fn`, its wire name, traits and parameters.
template <auto Fn, class... Args>
struct Method {
  static constexpr auto function = Fn;
  std::string_view name;
  Traits traits;
  hana::tuple<Args...> args;
};

template <class T>
struct is_arg : std::false_type {};
template <class D>
struct is_arg<Arg<D>> : std::true_type {};

template <auto Fn, class... Args>
requires(is_arg<Args>::value&&...) constexpr Method<Fn, Args...> method(std::string_view name, Traits traits,
                                                                        Args... args) noexcept {
  return {name, traits, hana::make_tuple(args...)};
}
// Bitcart's short form: flags and doc.
template <auto Fn, class... Args>
constexpr Method<Fn, Args...> method(std::string_view name, MethodFlags flags, std::string_view doc,
                                     Args... args) noexcept {
  return {name, Traits(flags) | rpc::doc(doc), hana::make_tuple(args...)};
}

// A table: the methods in order. Later entries override earlier ones of the same name.
template <class... Methods>
constexpr auto methods(Methods... m) noexcept {
  return hana::make_tuple(m...);
}

// A derived server's table: its base's, then its own (which override by name).
template <class Base, class... Methods>
constexpr auto extend(Base base, Methods... m) noexcept {
  return hana::concat(base, hana::make_tuple(m...));
}

// A server made of method groups: their tables one after the other.
template <class... Tables>
constexpr auto combine(Tables... tables) noexcept {
  return hana::flatten(hana::make_tuple(tables...));
}

// ---- what is known at run time -------------------------------------------------------------

// The JSON a parameter takes, from its C++ type: bitcoind checks it before the call ("Wrong type
// passed"), help and /spec show it.
enum class JsonKind : std::uint8_t { any, number, string, boolean, array, object, amount };

struct ParamInfo {
  std::string_view name;  // "verbosity|verbose": the first name, then aliases
  bool required;
  JsonKind kind = JsonKind::any;

  // The first of the names.
  constexpr std::string_view primary() const noexcept { return name.substr(0, name.find('|')); }
  // Whether `key` is one of the names.
  constexpr bool named(std::string_view key) const noexcept {
    for (std::string_view rest = name;;) {
      const std::size_t bar = rest.find('|');
      if (rest.substr(0, bar) == key) return true;
      if (bar == std::string_view::npos) return false;
      rest.remove_prefix(bar + 1);
    }
  }
};

struct MethodInfo {
  std::string_view name;
  MethodFlags flags;
  std::string_view doc;
  Version since, until;
  double cost;
  std::span<const ParamInfo> params;
  std::size_t index;  // position in the table (for the invoker)

  constexpr bool has(MethodFlags f) const noexcept { return has_flag(flags, f); }
  constexpr bool requires_wallet() const noexcept { return has(MethodFlags::requires_wallet); }
  constexpr bool requires_network() const noexcept { return has(MethodFlags::requires_network); }
  constexpr bool waits() const noexcept { return has(MethodFlags::waits); }
  constexpr bool available(Version v) const noexcept { return since <= v && v < until; }
};

}  // namespace coinkit::rpc
