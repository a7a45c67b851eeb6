// A strict reader of Prometheus' text exposition format (0.0.4) for tests: every rule a scraper
// relies on is checked (metric and label names, escapes, HELP and TYPE at most once and before
// the family's samples, a family's samples together, no series twice, histogram buckets
// cumulative and ending in +Inf equal to _count, counters named *_total and never negative),
// and the samples are returned by series.
#pragma once

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinkit::test {

struct PrometheusText {
  std::string error;                         // empty when the text is valid
  std::map<std::string, std::string> types;  // family → counter, gauge, histogram, summary, untyped
  std::map<std::string, double> samples;     // `name{k="v",...}` (labels sorted) → value

  bool valid() const { return error.empty(); }
  // The sample of this series, if present: value("x_total", {{"method", "a"}}).
  std::optional<double> value(const std::string& name,
                              const std::vector<std::pair<std::string, std::string>>& labels = {}) const {
    auto it = samples.find(series(name, {labels.begin(), labels.end()}));
    if (it == samples.end()) return std::nullopt;
    return it->second;
  }
  // The sum over every series of this metric name, whatever its labels.
  double total(const std::string& name) const {
    double sum = 0;
    for (const auto& [k, v] : samples)
      if (k == name || k.rfind(name + "{", 0) == 0) sum += v;
    return sum;
  }

  static std::string series(const std::string& name, const std::map<std::string, std::string>& labels) {
    std::string s = name;
    if (!labels.empty()) {
      char sep = '{';
      for (const auto& [k, v] : labels) s += sep + k + "=\"" + v + "\"", sep = ',';
      s += '}';
    }
    return s;
  }
};

namespace detail {

inline bool metric_name(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}
inline bool label_name(std::string_view s) {
  return metric_name(s) && s.find(':') == std::string_view::npos && s.rfind("__", 0) != 0;
}
inline std::optional<double> number(std::string_view s) {
  if (s == "+Inf" || s == "Inf") return HUGE_VAL;
  if (s == "-Inf") return -HUGE_VAL;
  if (s == "NaN") return NAN;
  if (s.empty()) return std::nullopt;
  std::string copy(s);
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return v;
}

}  // namespace detail

inline PrometheusText parse_prometheus(std::string_view text) {
  PrometheusText out;
  auto fail = [&](std::size_t line, const std::string& why) {
    if (out.error.empty()) out.error = "line " + std::to_string(line) + ": " + why;
    return out;
  };
  if (text.empty() || text.back() != '\n') return fail(0, "the text must end with a newline");

  std::set<std::string> helped, finished, sampled;
  std::string current;  // the family whose samples are being read
  // A histogram's series by labels without `le`: its buckets in order, _sum and _count.
  struct Histogram {
    std::vector<std::pair<double, double>> buckets;
    std::optional<double> sum, count;
  };
  std::map<std::string, std::map<std::string, Histogram>> histograms;

  auto family_of = [&](const std::string& name, std::string& suffix) {
    for (std::string_view s : {"_bucket", "_sum", "_count"}) {
      if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
        std::string base = name.substr(0, name.size() - s.size());
        auto t = out.types.find(base);
        if (t != out.types.end() && (t->second == "histogram" || (t->second == "summary" && s != "_bucket"))) {
          suffix = s;
          return base;
        }
      }
    }
    suffix.clear();
    return name;
  };
  auto enter = [&](std::size_t n, const std::string& family) {
    if (family == current) return true;
    if (finished.count(family)) return fail(n, "the samples of " + family + " are not together"), false;
    if (!current.empty()) finished.insert(current);
    current = family;
    return true;
  };

  std::size_t n = 0, start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++n;
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (line.rfind("# HELP ", 0) != 0 && line.rfind("# TYPE ", 0) != 0) continue;  // a comment
      const bool help = line[2] == 'H';
      std::string_view rest = line.substr(7);
      const std::size_t sp = rest.find(' ');
      const std::string name(rest.substr(0, sp));
      if (!detail::metric_name(name)) return fail(n, "bad metric name in " + std::string(line));
      if (help) {
        if (!helped.insert(name).second) return fail(n, "second HELP for " + name);
        std::string_view doc = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
        for (std::size_t i = 0; i < doc.size(); ++i)
          if (doc[i] == '\\' && (i + 1 == doc.size() || (doc[i + 1] != '\\' && doc[i + 1] != 'n')))
            return fail(n, "bad escape in HELP of " + name);
          else if (doc[i] == '\\')
            ++i;
      } else {
        if (sp == std::string_view::npos) return fail(n, "TYPE without a type");
        const std::string type(rest.substr(sp + 1));
        if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" && type != "untyped")
          return fail(n, "unknown type " + type);
        if (out.types.count(name)) return fail(n, "second TYPE for " + name);
        if (sampled.count(name)) return fail(n, "TYPE of " + name + " after its samples");
        out.types[name] = type;
        if (type == "counter" && (name.size() < 6 || name.compare(name.size() - 6, 6, "_total") != 0))
          return fail(n, "counter " + name + " is not named *_total");
      }
      if (!enter(n, name)) return out;
      continue;
    }

    // name{labels} value [timestamp]
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    const std::string name(line.substr(0, i));
    if (!detail::metric_name(name)) return fail(n, "bad metric name " + name);
    std::map<std::string, std::string> labels;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::size_t eq = line.find('=', i);
        if (eq == std::string_view::npos) return fail(n, "label without a value");
        const std::string key(line.substr(i, eq - i));
        if (!detail::label_name(key)) return fail(n, "bad label name " + key);
        if (eq + 1 >= line.size() || line[eq + 1] != '"') return fail(n, "label value not quoted");
        std::string value;
        std::size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\') {
            if (++j == line.size()) break;
            if (line[j] == 'n')
              value += '\n';
            else if (line[j] == '\\' || line[j] == '"')
              value += line[j];
            else
              return fail(n, "bad escape in a label value");
          } else {
            value += line[j];
          }
        }
        if (j >= line.size()) return fail(n, "unterminated label value");
        if (!labels.emplace(key, value).second) return fail(n, "label " + key + " twice");
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) return fail(n, "unterminated labels");
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') return fail(n, "no value");
    std::string_view rest = line.substr(i + 1);
    const std::size_t sp = rest.find(' ');
    const auto value = detail::number(rest.substr(0, sp));
    if (!value) return fail(n, "bad value " + std::string(rest));
    if (sp != std::string_view::npos && !detail::number(rest.substr(sp + 1)))
      return fail(n, "bad timestamp " + std::string(rest.substr(sp + 1)));

    std::string suffix;
    const std::string family = family_of(name, suffix);
    if (!enter(n, family)) return out;
    sampled.insert(family);
    auto type = out.types.find(family);
    if (type != out.types.end() && type->second == "counter" && !(*value >= 0))
      return fail(n, "counter " + name + " is negative");
    if (type != out.types.end() && type->second == "histogram") {
      if (suffix.empty()) return fail(n, "histogram " + family + " has a plain sample");
      auto le = labels.find("le");
      std::map<std::string, std::string> rest_labels = labels;
      rest_labels.erase("le");
      Histogram& h = histograms[family][PrometheusText::series(family, rest_labels)];
      if (suffix == "_bucket") {
        if (le == labels.end()) return fail(n, "bucket without le");
        const auto bound = detail::number(le->second);
        if (!bound) return fail(n, "bad le " + le->second);
        if (!h.buckets.empty() && !(*bound > h.buckets.back().first)) return fail(n, "buckets out of order");
        if (!h.buckets.empty() && *value < h.buckets.back().second) return fail(n, "buckets not cumulative");
        h.buckets.emplace_back(*bound, *value);
      } else if (le != labels.end()) {
        return fail(n, "le on " + name);
      } else {
        (suffix == "_sum" ? h.sum : h.count) = *value;
      }
    }
    if (!out.samples.emplace(PrometheusText::series(name, labels), *value).second)
      return fail(n, "series " + PrometheusText::series(name, labels) + " twice");
  }
  for (const auto& [family, by_labels] : histograms)
    for (const auto& [labels, h] : by_labels) {
      if (h.buckets.empty() || !std::isinf(h.buckets.back().first)) return fail(n, labels + " has no +Inf bucket");
      if (!h.count || !h.sum) return fail(n, labels + " lacks _sum or _count");
      if (*h.count != h.buckets.back().second) return fail(n, labels + ": _count is not the +Inf bucket");
    }
  return out;
}

}  // namespace coinkit::test
