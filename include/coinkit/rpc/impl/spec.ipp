// The non-template code of <coinkit/rpc/spec.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/rpc/spec.hpp>

namespace coinkit::rpc {
result<Spec> Spec::try_parse(std::string_view base_json, std::optional<std::string_view> coin_json) {
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

result<Spec> Spec::try_load(const std::filesystem::path& dir, std::string_view coin) {
  std::optional<std::string> base = read_file(dir / "base.json");
  if (!base) return error::spec_not_found;
  std::string name;
  for (char c : coin) name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  std::optional<std::string> coin_text = read_file(dir / (name + ".json"));
  if (coin_text) return try_parse(*base, std::string_view(*coin_text));
  return try_parse(*base);
}

std::filesystem::path Spec::find_dir() {
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

int Spec::code_for(std::string_view message, int fallback) const {
  std::string lower = ascii_lower(message);
  for (const auto& [key, code] : lowered_map_)
    if (lower.find(key) != std::string::npos) return code;
  return fallback;
}

json::object Spec::to_json(json::object capabilities) const {
  json::object out = doc_;
  out["capabilities"] = std::move(capabilities);
  return out;
}

std::string Spec::ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<std::string> Spec::read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

error_code Spec::parse_file(std::string_view text, json::object& out, bool partial) {
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

void Spec::index() {
  version_ = doc_.at("version").get_string();
  lowered_map_.clear();
  for (const auto& m : doc_.at("electrum_map").get_object())
    lowered_map_.emplace_back(ascii_lower(m.key()), static_cast<int>(m.value().get_int64()));
}

}  // namespace coinkit::rpc
