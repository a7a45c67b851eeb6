// RpcServer's HTTP, JSON-RPC and control methods, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/regtest/rpc_server.hpp>

namespace coinkit::regtest {

RpcServer::~RpcServer() {
  *alive_ = false;
  stop();
}

void RpcServer::start() {
  if (options_.password.empty())
    write_cookie();
  else
    user_ = options_.user, password_ = options_.password;
  http_.listen(options_.endpoint);
}

void RpcServer::stop() {
  http_.stop();
  if (!cookie_file_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(cookie_file_, ignored);
    cookie_file_.clear();
  }
}

std::string RpcServer::url() const {
  const auto ep = local_endpoint();
  return "http://" + ep.address().to_string() + ":" + std::to_string(ep.port()) + "/";
}

namespace {
// bitcoind's urlDecode: %XX escapes, everything else (a stray '%', '+') as it is.
inline std::string url_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

RpcServer::Reply RpcServer::execute(std::string_view body, std::optional<std::string> wallet) {
  // The wallet methods read the endpoint's wallet while this body runs.
  struct Endpoint {
    WalletMethods& methods;
    ~Endpoint() { methods.set_endpoint_wallet(std::nullopt); }
  } endpoint{*this};
  set_endpoint_wallet(std::move(wallet));
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return error_reply({}, rpc::Fault{rpc::parse_error_code, "Parse error"});
  if (v.is_object()) {
    rpc::BitcoindRequest req;
    if (auto e = rpc::parse_bitcoind_request(v, req)) return error_reply(req, *e);
    std::string out;
    const std::optional<rpc::Fault> err = call(req, out);
    if (req.notification()) return {net::http::status::no_content, {}};
    // 1.0: errors travel with an HTTP error status; 2.0: HTTP 200 and the error in the body.
    if (err && !req.v2) return error_reply(req, *err);
    return {net::http::status::ok, std::move(out) + "\n"};
  }
  if (v.is_array()) {
    // Batches never fail at the HTTP level; notifications get no entry.
    std::string out = "[";
    bool first = true;
    for (const json::value& e : v.get_array()) {
      rpc::BitcoindRequest req;
      std::string item;
      if (auto err = rpc::parse_bitcoind_request(e, req))
        rpc::envelope::error(item, req.id_or_null(), *err, req.style());
      else
        call(req, item);
      if (req.notification()) continue;
      if (!first) out += ',';
      first = false;
      out += item;
    }
    if (first && !v.get_array().empty()) return {net::http::status::no_content, {}};
    return {net::http::status::ok, out + "]\n"};
  }
  return error_reply({}, rpc::Fault{rpc::parse_error_code, "Top-level object parse error"});
}

net::HttpServerOptions RpcServer::http_options(const RpcServerOptions& o) {
  net::HttpServerOptions h;
  h.body_limit = o.body_limit;
  return h;
}

net::asio::awaitable<net::Response> RpcServer::handle(net::Request& req) {
  const std::string_view target = req.target();
  if (options_.rest && target.substr(0, 6) == "/rest/") co_return handle_rest(node_, req);
  const std::string_view path = target.substr(0, target.find('?'));
  // bitcoind serves JSON-RPC on "/" and "/wallet/<name>" only.
  if (path != "/" && path.substr(0, 8) != "/wallet/")
    co_return net::make_response(req, net::http::status::not_found, "", "text/html");
  if (req.method() != net::http::verb::post)
    co_return net::make_response(req, net::http::status::method_not_allowed,
                                 "JSONRPC server handles only POST requests", "text/html");
  const auto auth = req[net::http::field::authorization];
  if (auth.empty()) co_return unauthorized(req);
  if (!net::check_basic_auth(auth, user_, password_)) {
    net::asio::steady_timer timer(co_await net::asio::this_coro::executor, options_.auth_failure_delay);
    co_await timer.async_wait(net::asio::use_awaitable);
    co_return unauthorized(req);
  }
  std::optional<std::string> wallet;
  if (path.substr(0, 8) == "/wallet/") wallet = url_decode(path.substr(8));
  Reply r = execute(req.body(), std::move(wallet));
  net::Response res = net::make_response(req, r.status, std::move(r.body), "application/json");
  if (stop_requested_ && !stop_scheduled_) schedule_stop();
  co_return res;
}

net::Response RpcServer::unauthorized(const net::Request& req) {
  net::Response res = net::make_response(req, net::http::status::unauthorized, "", "text/html");
  res.set(net::http::field::www_authenticate, "Basic realm=\"jsonrpc\"");
  return res;
}

net::Response RpcServer::http_error(const net::Request& req, net::http::status status) {
  std::string message = status == net::http::status::payload_too_large
                            ? "Request body too large (limit " + std::to_string(options_.body_limit) + " bytes)"
                        : status == net::http::status::request_header_fields_too_large ? "Request header too large"
                                                                                       : "Malformed HTTP request";
  std::string body;
  rpc::envelope::error(body, nullptr, rpc::invalid_request_code, message, {rpc::JsonStyle::univalue, true});
  net::Response res = net::make_response(req, status, body + "\n");
  res.keep_alive(false);
  return res;
}

RpcServer::Reply RpcServer::error_reply(const rpc::BitcoindRequest& req, const rpc::Fault& e) {
  std::string body;
  rpc::envelope::error(body, req.id_or_null(), e, req.style());
  return {static_cast<net::http::status>(rpc::bitcoind_http_status(e.code)), body + "\n"};
}

std::optional<rpc::Fault> RpcServer::call(const rpc::BitcoindRequest& req, std::string& out) {
  const rpc::EnvelopeStyle style = req.style();
  const rpc::MethodInfo* m = Table::find(req.method);
  std::optional<rpc::Fault> fault;
  const std::size_t start = out.size();
  rpc::envelope::begin_result(out, style);
  if (!m)
    fault = rpc::Fault{rpc::method_not_found_code, "Method not found"};
  else
    fault = Table::call(*this, *m, rpc::Params::of(&req.params), dialect, out);
  if (fault) {
    out.resize(start);
    rpc::envelope::error(out, req.id_or_null(), *fault, style);
  } else {
    rpc::envelope::end_result(out, req.id_or_null(), style);
  }
  return fault;
}

void RpcServer::schedule_stop() {
  stop_scheduled_ = true;
  auto timer = std::make_shared<net::asio::steady_timer>(executor_, std::chrono::milliseconds(100));
  timer->async_wait([this, timer, alive = alive_](boost::system::error_code) {
    if (!*alive) return;
    if (on_stop_)
      on_stop_();
    else
      stop();
  });
}

void RpcServer::write_cookie() {
  if (options_.datadir.empty())
    throw std::invalid_argument("RpcServer: cookie authentication needs a datadir (or set a password)");
  const std::filesystem::path dir = options_.datadir / "regtest";
  std::filesystem::create_directories(dir);
  std::array<std::uint8_t, 32> secret{};
  secure_random(secret);
  user_ = "__cookie__";
  password_ = to_hex(secret);
  const std::filesystem::path tmp = dir / ".cookie.tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw std::filesystem::filesystem_error("cannot write the RPC cookie", tmp,
                                              std::make_error_code(std::errc::io_error));
    out << user_ << ':' << password_;
  }
  std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  cookie_file_ = dir / ".cookie";
  std::filesystem::rename(tmp, cookie_file_);
}

json::value RpcServer::getindexinfo(std::optional<std::string_view> index_name) {
  json::object o;
  if (!index_name || *index_name == "txindex")
    o["txindex"] = json::object{{"synced", true}, {"best_block_height", node_.height()}};
  return o;
}

json::value RpcServer::getnetworkinfo() {
  json::array networks;
  for (std::string_view name : {"ipv4", "ipv6", "onion", "i2p", "cjdns"})
    networks.emplace_back(json::object{{"name", name},
                                       {"limited", false},
                                       {"reachable", true},
                                       {"proxy", ""},
                                       {"proxy_randomize_credentials", false}});
  const MempoolInfo m = node_.mempool_info();
  json::object o;
  o["version"] = version;
  o["subversion"] = options_.subversion;
  o["protocolversion"] = 70016;
  o["localservices"] = "0000000000000409";
  o["localservicesnames"] = json::array{"NETWORK", "WITNESS", "NETWORK_LIMITED"};
  o["localrelay"] = true;
  o["timeoffset"] = 0;
  o["networkactive"] = true;
  o["connections"] = 0;
  o["connections_in"] = 0;
  o["connections_out"] = 0;
  o["networks"] = std::move(networks);
  o["relayfee"] = rpc::amount_value(m.min_relay_fee_sat_per_kvb);
  o["incrementalfee"] = rpc::amount_value(1000);
  o["localaddresses"] = json::array();
  o["warnings"] = json::array();
  return o;
}

json::value RpcServer::stop_method(std::optional<std::int64_t> /*wait*/) {
  stop_requested_ = true;
  return json::value(stopping_message);
}

json::value RpcServer::help(std::optional<std::string_view> command) {
  if (command) {
    const rpc::MethodInfo* m = Table::find(*command);
    if (!m) return json::value("help: unknown command: " + std::string(*command));
    return json::value(rpc::bitcoind_usage(*m) + "\n\n" + std::string(m->doc));
  }
  std::string s;
  for (const rpc::MethodInfo& m : Table::infos) s += rpc::bitcoind_usage(m) + "\n";
  return json::value(s);
}

}  // namespace coinkit::regtest
