// The tables electrumx_rpc prints for LocalRPC's sessions, groups and peers replies, as ElectrumX
// writes them (coinkit-rpc).
#pragma once

#include <coinkit/rpc/python.hpp>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit::electrum {

namespace detail {

inline long long integer(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return static_cast<long long>(v.get_uint64());
  if (v.is_double()) return static_cast<long long>(v.get_double());
  return 0;
}

// A column of ElectrumX's str.format rows: '{:<w}' (left) or '{:>w}' (right), never truncating,
// after a separator (a space, but groups' Recv follows its neighbour directly).
struct Column {
  std::size_t width;
  bool left;
  std::string_view before = " ";
};
inline std::string row(std::span<const Column> columns, const std::vector<std::string>& cells) {
  std::string out;
  for (std::size_t i = 0; i < cells.size() && i < columns.size(); ++i) {
    const Column& c = columns[i];
    if (i) out += c.before;
    const std::string pad(cells[i].size() < c.width ? c.width - cells[i].size() : 0, ' ');
    out += c.left ? cells[i] + pad : pad + cells[i];
  }
  return out;
}

}  // namespace detail

// electrumx_rpc's table of LocalRPC "sessions" (lib/text.py sessions_lines).
inline std::vector<std::string> sessions_lines(const boost::json::array& sessions) {
  static constexpr detail::Column columns[] = {{6, true},  {5, true},  {17, false}, {5, false}, {7, false},
                                               {7, false}, {5, false}, {5, false},  {7, false}, {7, false},
                                               {7, false}, {7, false}, {7, false},  {9, false}, {21, false}};
  auto line = [](const std::vector<std::string>& cells) { return detail::row(columns, cells); };
  std::vector<std::string> out{line({"ID", "Flags", "Client", "Proto", "Cost", "XCost", "Reqs", "Txs", "Subs", "Recv",
                                     "Recv KB", "Sent", "Sent KB", "Time", "Peer"})};
  for (const auto& s : sessions) {
    const boost::json::array& r = s.as_array();
    if (r.size() < 15) continue;
    using detail::integer;
    const double seconds = r[14].is_double() ? r[14].get_double() : static_cast<double>(integer(r[14]));
    out.push_back(
        line({rpc::python_str(r[0]), rpc::python_str(r[1]), rpc::python_str(r[3]), rpc::python_str(r[4]),
              rpc::with_commas(integer(r[5])), rpc::with_commas(integer(r[6])), rpc::with_commas(integer(r[7])),
              rpc::with_commas(integer(r[8])), rpc::with_commas(integer(r[9])), rpc::with_commas(integer(r[10])),
              rpc::with_commas(integer(r[11]) / 1024), rpc::with_commas(integer(r[12])),
              rpc::with_commas(integer(r[13]) / 1024),
              rpc::formatted_time(std::chrono::seconds(static_cast<long long>(seconds)), ""), rpc::python_str(r[2])}));
  }
  return out;
}

// electrumx_rpc's table of LocalRPC "groups" (lib/text.py groups_lines).
inline std::vector<std::string> groups_lines(const boost::json::array& groups) {
  using detail::integer;
  // '{:<14} {:>9} {:>8} {:>8} {:>6} {:>6} {:>8}{:>7} {:>9} {:>7} {:>9}': no space before Recv.
  static constexpr detail::Column columns[] = {{14, true}, {9, false}, {8, false}, {8, false},
                                               {6, false}, {6, false}, {8, false}, {7, false, ""},
                                               {9, false}, {7, false}, {9, false}};
  auto line = [](const std::vector<std::string>& cells) { return detail::row(columns, cells); };
  std::vector<std::string> out{
      line({"Name", "Sessions", "Cost", "Retained", "Reqs", "Txs", "Subs", "Recv", "Recv KB", "Sent", "Sent KB"})};
  for (const auto& g : groups) {
    const boost::json::array& r = g.as_array();
    if (r.size() < 11) continue;
    out.push_back(
        line({rpc::python_str(r[0]), rpc::with_commas(integer(r[1])), rpc::with_commas(integer(r[2])),
              rpc::with_commas(integer(r[3])), rpc::with_commas(integer(r[4])), rpc::with_commas(integer(r[5])),
              rpc::with_commas(integer(r[6])), rpc::with_commas(integer(r[7])), rpc::with_commas(integer(r[8]) / 1024),
              rpc::with_commas(integer(r[9])), rpc::with_commas(integer(r[10]) / 1024)}));
  }
  return out;
}

// electrumx_rpc's table of LocalRPC "peers" (lib/text.py peers_lines); `now` in Unix seconds.
inline std::vector<std::string> peers_lines(const boost::json::array& peers, double now) {
  static constexpr detail::Column columns[] = {{62, true}, {6, true},   {5, false}, {5, false},  {17, true},
                                               {4, false}, {4, false},  {8, false}, {11, false}, {11, false},
                                               {5, false}, {20, false}, {15, true}};
  auto line = [](const std::vector<std::string>& cells) { return detail::row(columns, cells); };
  auto when = [now](const boost::json::value& t) -> std::string {
    const double v = t.is_double() ? t.get_double() : static_cast<double>(detail::integer(t));
    if (t.is_null() || v == 0) return "Never";
    return rpc::formatted_time(std::chrono::seconds(static_cast<long long>(now - v)));
  };
  auto or_empty = [](const boost::json::value* v) {
    if (!v || v->is_null() || (v->is_bool() && !v->get_bool())) return std::string();
    if ((v->is_int64() || v->is_uint64()) && detail::integer(*v) == 0) return std::string();
    return rpc::python_str(*v);
  };
  auto value_text = [](const boost::json::value* v) { return v ? rpc::python_str(*v) : std::string("None"); };
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
