// The operator's text, as ElectrumX writes it: formatted_time ("1d 02h 03m"), and the tables
// electrumx_rpc prints for LocalRPC's sessions, groups and peers replies (coinkit-rpc).
#pragma once

#include <coinkit/rpc/python.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit::electrum {

// ElectrumX's util.formatted_time: days, hours and minutes, and the seconds only when fewer
// than three parts came before ("1d 02h 03m", "02h 03m 04s", "05s").
inline std::string formatted_time(std::chrono::seconds t, std::string_view sep = " ") {
  long long s = t.count() < 0 ? 0 : t.count();
  std::vector<std::string> parts;
  const struct {
    const char* format;
    long long unit;
  } units[] = {{"%lldd", 86400}, {"%02lldh", 3600}, {"%02lldm", 60}};
  char buf[32];
  for (const auto& u : units) {
    const long long value = s / u.unit;
    if (!parts.empty() || value) {
      std::snprintf(buf, sizeof buf, u.format, value);
      parts.emplace_back(buf);
    }
    s %= u.unit;
  }
  if (parts.size() < 3) {
    std::snprintf(buf, sizeof buf, "%02llds", s);
    parts.emplace_back(buf);
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : std::string()) + parts[i];
  return out;
}

namespace detail {

// Python's str.format alignment: '{:<w}' (left) or '{:>w}' (right), never truncating.
inline std::string aligned(std::string_view text, std::size_t width, bool left) {
  if (text.size() >= width) return std::string(text);
  const std::string pad(width - text.size(), ' ');
  return left ? std::string(text) + pad : pad + std::string(text);
}

inline long long integer(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return static_cast<long long>(v.get_uint64());
  if (v.is_double()) return static_cast<long long>(v.get_double());
  return 0;
}
inline std::string text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_null()) return "None";
  if (v.is_int64() || v.is_uint64()) return std::to_string(integer(v));
  return boost::json::serialize(v);
}

// One row of columns (text, width, left-aligned), joined by spaces as ElectrumX's formats are.
struct Column {
  std::string text;
  std::size_t width;
  bool left;
};
inline std::string row(const std::vector<Column>& columns) {
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ' ';
    out += aligned(columns[i].text, columns[i].width, columns[i].left);
  }
  return out;
}

}  // namespace detail

// electrumx_rpc's table of LocalRPC "sessions" (lib/text.py sessions_lines).
inline std::vector<std::string> sessions_lines(const boost::json::array& sessions) {
  using detail::Column;
  static constexpr std::size_t widths[] = {6, 5, 17, 5, 7, 7, 5, 5, 7, 7, 7, 7, 7, 9, 21};
  auto line = [&](const std::vector<std::string>& cells) {  // ID and Flags left-aligned, the rest right
    std::vector<Column> columns;
    for (std::size_t i = 0; i < cells.size(); ++i) columns.push_back({cells[i], widths[i], i < 2});
    return detail::row(columns);
  };
  std::vector<std::string> out{line({"ID", "Flags", "Client", "Proto", "Cost", "XCost", "Reqs", "Txs", "Subs", "Recv",
                                     "Recv KB", "Sent", "Sent KB", "Time", "Peer"})};
  for (const auto& s : sessions) {
    const boost::json::array& r = s.as_array();
    if (r.size() < 15) continue;
    using detail::integer;
    const double seconds = r[14].is_double() ? r[14].get_double() : static_cast<double>(integer(r[14]));
    out.push_back(
        line({detail::text(r[0]), detail::text(r[1]), detail::text(r[3]), detail::text(r[4]),
              rpc::with_commas(integer(r[5])), rpc::with_commas(integer(r[6])), rpc::with_commas(integer(r[7])),
              rpc::with_commas(integer(r[8])), rpc::with_commas(integer(r[9])), rpc::with_commas(integer(r[10])),
              rpc::with_commas(integer(r[11]) / 1024), rpc::with_commas(integer(r[12])),
              rpc::with_commas(integer(r[13]) / 1024),
              formatted_time(std::chrono::seconds(static_cast<long long>(seconds)), ""), detail::text(r[2])}));
  }
  return out;
}

// electrumx_rpc's table of LocalRPC "groups" (lib/text.py groups_lines).
inline std::vector<std::string> groups_lines(const boost::json::array& groups) {
  using detail::Column;
  using detail::integer;
  // '{:<14} {:>9} {:>8} {:>8} {:>6} {:>6} {:>8}{:>7} {:>9} {:>7} {:>9}': no space before Recv.
  auto line = [](const std::vector<std::string>& c) {
    return detail::row({{c[0], 14, true},
                        {c[1], 9, false},
                        {c[2], 8, false},
                        {c[3], 8, false},
                        {c[4], 6, false},
                        {c[5], 6, false},
                        {c[6], 8, false}}) +
           detail::row({{c[7], 7, false}, {c[8], 9, false}, {c[9], 7, false}, {c[10], 9, false}});
  };
  std::vector<std::string> out{
      line({"Name", "Sessions", "Cost", "Retained", "Reqs", "Txs", "Subs", "Recv", "Recv KB", "Sent", "Sent KB"})};
  for (const auto& g : groups) {
    const boost::json::array& r = g.as_array();
    if (r.size() < 11) continue;
    out.push_back(
        line({detail::text(r[0]), rpc::with_commas(integer(r[1])), rpc::with_commas(integer(r[2])),
              rpc::with_commas(integer(r[3])), rpc::with_commas(integer(r[4])), rpc::with_commas(integer(r[5])),
              rpc::with_commas(integer(r[6])), rpc::with_commas(integer(r[7])), rpc::with_commas(integer(r[8]) / 1024),
              rpc::with_commas(integer(r[9])), rpc::with_commas(integer(r[10]) / 1024)}));
  }
  return out;
}

// electrumx_rpc's table of LocalRPC "peers" (lib/text.py peers_lines); `now` in Unix seconds.
inline std::vector<std::string> peers_lines(const boost::json::array& peers, double now) {
  using detail::Column;
  auto line = [](const std::vector<std::string>& c) {
    static constexpr std::size_t widths[] = {62, 6, 5, 5, 17, 4, 4, 8, 11, 11, 5, 20, 15};
    static constexpr bool left[] = {true,  true,  false, false, true,  false, false,
                                    false, false, false, false, false, true};
    std::vector<Column> columns;
    for (std::size_t i = 0; i < c.size(); ++i) columns.push_back({c[i], widths[i], left[i]});
    return detail::row(columns);
  };
  auto when = [now](const boost::json::value& t) -> std::string {
    const double v = t.is_double() ? t.get_double() : static_cast<double>(detail::integer(t));
    if (t.is_null() || v == 0) return "Never";
    return formatted_time(std::chrono::seconds(static_cast<long long>(now - v)));
  };
  auto or_empty = [](const boost::json::value* v) {
    if (!v || v->is_null() || (v->is_bool() && !v->get_bool())) return std::string();
    if ((v->is_int64() || v->is_uint64()) && detail::integer(*v) == 0) return std::string();
    return detail::text(*v);
  };
  auto value_text = [](const boost::json::value* v) { return v ? detail::text(*v) : std::string("None"); };
  std::vector<std::string> out{line({"Host", "Status", "TCP", "SSL", "Server", "Min", "Max", "Pruning", "Last Good",
                                     "Last Try", "Tries", "Source", "IP Address"})};
  for (const auto& p : peers) {
    if (!p.is_object()) continue;
    const auto& item = p.get_object();
    const auto* features = item.if_contains("features");
    const auto* host_name = item.if_contains("host");
    if (!features || !features->is_object() || !host_name || !host_name->is_string()) continue;
    const std::string name(host_name->get_string());
    const auto& f = features->get_object();
    const boost::json::value* hosts = f.if_contains("hosts");
    const boost::json::value* host = hosts && hosts->is_object() ? hosts->get_object().if_contains(name) : nullptr;
    const boost::json::object empty;
    const boost::json::object& h = host && host->is_object() ? host->get_object() : empty;
    const std::string server = or_empty(f.if_contains("server_version"));
    const std::string source = or_empty(item.if_contains("source"));
    out.push_back(
        line({name.substr(0, 62), or_empty(item.if_contains("status")), or_empty(h.if_contains("tcp_port")),
              or_empty(h.if_contains("ssl_port")), server.empty() ? "unknown" : server,
              value_text(f.if_contains("protocol_min")), value_text(f.if_contains("protocol_max")),
              or_empty(f.if_contains("pruning")),
              when(item.contains("last_good") ? item.at("last_good") : boost::json::value()),
              when(item.contains("last_try") ? item.at("last_try") : boost::json::value()),
              value_text(item.if_contains("try_count")), source.substr(0, 20), or_empty(item.if_contains("ip_addr"))}));
  }
  return out;
}

}  // namespace coinkit::electrum
