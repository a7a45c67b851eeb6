// Spec: the daemon's error-code spec (version, electrum_map, exceptions, capabilities) from
// spec/<coin>.json merged over spec/base.json; maps error messages to JSON-RPC codes.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/rpc/error.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinkit::rpc {

namespace json = boost::json;

class Spec {
 public:
  // Parses the base spec and, when `coin_json` is given, merges it over as Bitcart does:
  // electrum_map and exceptions are updated key by key (a key already there keeps its place
  // and takes the new value; new keys are appended), the base's version stays.
  COINKIT_DECL static result<Spec> try_parse(std::string_view base_json,
                                             std::optional<std::string_view> coin_json = {});

  // Reads `<dir>/base.json` (mandatory) and `<dir>/<coin>.json` (optional; `coin` lowercased,
  // e.g. "btc"). A coin file that exists but is not a valid spec is an error (Bitcart ignores it).
  COINKIT_DECL static result<Spec> try_load(const std::filesystem::path& dir, std::string_view coin);

  static Spec load(const std::filesystem::path& dir, std::string_view coin) {
    return value_or_throw(try_load(dir, coin), ("spec files in " + dir.string()).c_str());
  }

  // Where the spec files are, first match wins: the environment variable COINKIT_SPEC_DIR; the
  // directory compiled in as the macro COINKIT_SPEC_DIR (CMake sets it to the source tree's
  // spec/ for builds and to <prefix>/share/coinkit/spec once installed); "spec" under the
  // working directory (Bitcart's way). A candidate counts when it holds base.json.
  COINKIT_DECL static std::filesystem::path find_dir();

  // The code for an error message: the first electrum_map key, in file order, that is a
  // case-insensitive substring of `message`; else `fallback` (-32603, or -32005 for a wallet
  // that failed to load). ASCII case folding (Python's lower() folds more; our keys are ASCII).
  COINKIT_DECL int code_for(std::string_view message, int fallback) const;

  const std::string& version() const noexcept { return version_; }
  // version, electrum_map, exceptions, in the base file's order.
  const json::object& document() const noexcept { return doc_; }

  // The /spec document: the file's keys plus `capabilities` (BTC family: {"lightning": bool}),
  // so exactly {version, electrum_map, exceptions, capabilities}.
  COINKIT_DECL json::object to_json(json::object capabilities) const;
  // The same as text, the /spec response body.
  std::string to_text(json::object capabilities) const { return to_json_text(to_json(std::move(capabilities))); }

 private:
  COINKIT_DECL static std::string ascii_lower(std::string_view s);

  COINKIT_DECL static std::optional<std::string> read_file(const std::filesystem::path& path);

  // Checks the SDK's contract (version a string; exceptions a dict of {exc_name, docstring}
  // strings) and that every electrum_map value is an integer code. A coin file (`partial`) may
  // leave out any of the three keys.
  COINKIT_DECL static error_code parse_file(std::string_view text, json::object& out, bool partial = false);

  COINKIT_DECL void index();

  json::object doc_;
  std::string version_;
  std::vector<std::pair<std::string, int>> lowered_map_;
};

}  // namespace coinkit::rpc

#if COINKIT_HEADER_ONLY
#include <coinkit/rpc/impl/spec.ipp>
#endif
