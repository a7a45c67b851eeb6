// Spec: the daemon's error-code spec (version, electrum_map, exceptions, capabilities) from
// spec/<coin>.json merged over spec/base.json; maps error messages to JSON-RPC codes.
#pragma once

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
  static result<Spec> try_parse(std::string_view base_json, std::optional<std::string_view> coin_json = {}) {
    Spec s;
    if (error_code ec = parse_file(base_json, s.doc_)) return ec;
    if (coin_json) {
      json::object coin;
      if (error_code ec = parse_file(*coin_json, coin, /*partial=*/true)) return ec;
      for (const char* section : {"electrum_map", "exceptions"})
        if (const json::value* over = coin.if_contains(section))
          for (const auto& m : over->get_object()) s.doc_[section].get_object()[m.key()] = m.value();
    }
    s.index();
    return s;
  }

  // Reads `<dir>/base.json` (mandatory) and `<dir>/<coin>.json` (optional; `coin` lowercased,
  // e.g. "btc"). A coin file that exists but is not a valid spec is an error (Bitcart ignores it).
  static result<Spec> try_load(const std::filesystem::path& dir, std::string_view coin) {
    std::optional<std::string> base = read_file(dir / "base.json");
    if (!base) return error::spec_not_found;
    std::string name;
    for (char c : coin) name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    std::optional<std::string> coin_text = read_file(dir / (name + ".json"));
    if (coin_text) return try_parse(*base, std::string_view(*coin_text));
    return try_parse(*base);
  }

  static Spec load(const std::filesystem::path& dir, std::string_view coin) {
    return value_or_throw(try_load(dir, coin), ("spec files in " + dir.string()).c_str());
  }

  // Where the spec files are, first match wins: the environment variable COINKIT_SPEC_DIR; the
  // directory compiled in as the macro COINKIT_SPEC_DIR (CMake sets it to the source tree's
  // spec/ for builds and to <prefix>/share/coinkit/spec once installed); "spec" under the
  // working directory (Bitcart's way). A candidate counts when it holds base.json.
  static std::filesystem::path find_dir() {
    std::vector<std::filesystem::path> candidates;
    if (const char* env = std::getenv("COINKIT_SPEC_DIR"); env && *env) candidates.emplace_back(env);
#ifdef COINKIT_SPEC_DIR
    candidates.emplace_back(COINKIT_SPEC_DIR);
#endif
    candidates.emplace_back("spec");
    for (const auto& dir : candidates) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(dir / "base.json", ec)) return dir;
    }
    return candidates.front();  // load() then reports it
  }

  // The code for an error message: the first electrum_map key, in file order, that is a
  // case-insensitive substring of `message`; else `fallback` (-32603, or -32005 for a wallet
  // that failed to load). ASCII case folding (Python's lower() folds more; our keys are ASCII).
  int code_for(std::string_view message, int fallback) const {
    std::string lower = ascii_lower(message);
    for (const auto& [key, code] : lowered_map_)
      if (lower.find(key) != std::string::npos) return code;
    return fallback;
  }

  const std::string& version() const noexcept { return version_; }
  // version, electrum_map, exceptions, in the base file's order.
  const json::object& document() const noexcept { return doc_; }

  // The /spec document: the file's keys plus `capabilities` (BTC family: {"lightning": bool}),
  // so exactly {version, electrum_map, exceptions, capabilities}.
  json::object to_json(json::object capabilities) const {
    json::object out = doc_;
    out["capabilities"] = std::move(capabilities);
    return out;
  }
  // The same as text, the /spec response body.
  std::string to_text(json::object capabilities) const { return to_json_text(to_json(std::move(capabilities))); }

 private:
  static std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
  }

  static std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  // Checks the SDK's contract (version a string; exceptions a dict of {exc_name, docstring}
  // strings) and that every electrum_map value is an integer code. A coin file (`partial`) may
  // leave out any of the three keys.
  static error_code parse_file(std::string_view text, json::object& out, bool partial = false) {
    error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return error::spec_invalid_json;
    if (!v.is_object()) return error::spec_invalid_shape;
    json::object& o = v.get_object();
    const json::value* version = o.if_contains("version");
    const json::value* map = o.if_contains("electrum_map");
    const json::value* exceptions = o.if_contains("exceptions");
    if (!partial && (!version || !map || !exceptions)) return error::spec_invalid_shape;
    if (version && !version->is_string()) return error::spec_invalid_shape;
    if (map) {
      if (!map->is_object()) return error::spec_invalid_shape;
      for (const auto& m : map->get_object())
        if (!m.value().is_int64() || m.value().get_int64() < INT32_MIN || m.value().get_int64() > INT32_MAX)
          return error::spec_invalid_shape;
    }
    if (exceptions) {
      if (!exceptions->is_object()) return error::spec_invalid_shape;
      for (const auto& m : exceptions->get_object()) {
        const json::object* e = m.value().if_object();
        if (!e) return error::spec_invalid_shape;
        const json::value* name = e->if_contains("exc_name");
        const json::value* doc = e->if_contains("docstring");
        if (!name || !name->is_string() || !doc || !doc->is_string()) return error::spec_invalid_shape;
      }
    }
    out = std::move(o);
    return {};
  }

  void index() {
    version_ = doc_.at("version").get_string();
    lowered_map_.clear();
    for (const auto& m : doc_.at("electrum_map").get_object())
      lowered_map_.emplace_back(ascii_lower(m.key()), static_cast<int>(m.value().get_int64()));
  }

  json::object doc_;
  std::string version_;
  std::vector<std::pair<std::string, int>> lowered_map_;
};

}  // namespace coinkit::rpc
