// coinkit-rpc: the operator's command for an Electrum server's LocalRPC (an rpc:// service), as
// electrumx_rpc is ElectrumX's: the same commands, arguments and output.
//   coinkit-rpc [-p PORT] [--host HOST] [--timeout SECONDS] COMMAND [ARGUMENTS]
// The port defaults to $RPC_PORT, else 8000; the host to localhost.
#include <coinkit/electrum/operator_text.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace json = boost::json;
using coinkit::electrum::groups_lines;
using coinkit::electrum::peers_lines;
using coinkit::electrum::sessions_lines;

namespace {

constexpr std::string_view usage =
    "usage: coinkit-rpc [-p PORT] [--host HOST] [--timeout SECONDS] COMMAND [ARGUMENTS]\n"
    "\n"
    "Sends a command to an Electrum server's LocalRPC (rpc:// in SERVICES) and prints the reply.\n"
    "  getinfo                       a summary of the server's state\n"
    "  sessions | groups | peers     client sessions, session groups, peer servers\n"
    "  log SESSION_ID...             toggle logging of sessions (or: all, new)\n"
    "  disconnect SESSION_ID...      disconnect sessions\n"
    "  query [-l LIMIT] ITEM...      history, UTXOs and balance of addresses or script hex\n"
    "  reorg [COUNT]                 simulate a reorg of COUNT blocks (3)\n"
    "  daemon_url [URL]              point the server at another node\n"
    "  add_peer 'HOST s50002 t'      add a peer\n"
    "  stop                          shut the server down cleanly\n"
    "The port defaults to $RPC_PORT, else 8000.\n";

// Python's json.dumps(value, indent=4, sort_keys=True), as electrumx_rpc prints results.
void pretty(std::string& out, const json::value& v, int depth) {
  const std::string pad(static_cast<std::size_t>(depth + 1) * 4, ' '), close(static_cast<std::size_t>(depth) * 4, ' ');
  if (v.is_object()) {
    const json::object& o = v.get_object();
    if (o.empty()) return void(out += "{}");
    std::vector<std::string_view> keys;
    for (const auto& kv : o) keys.push_back(kv.key());
    std::sort(keys.begin(), keys.end());
    out += "{\n";
    for (std::size_t i = 0; i < keys.size(); ++i) {
      out += pad;
      coinkit::rpc::write_json_string(out, keys[i]);
      out += ": ";
      pretty(out, o.at(keys[i]), depth + 1);
      out += i + 1 < keys.size() ? ",\n" : "\n";
    }
    out += close + "}";
  } else if (v.is_array()) {
    const json::array& a = v.get_array();
    if (a.empty()) return void(out += "[]");
    out += "[\n";
    for (std::size_t i = 0; i < a.size(); ++i) {
      out += pad;
      pretty(out, a[i], depth + 1);
      out += i + 1 < a.size() ? ",\n" : "\n";
    }
    out += close + "]";
  } else {
    coinkit::rpc::write_json(out, v);  // json.dumps' escapes (ensure_ascii) and float repr
  }
}

int fail(std::string_view message) {
  std::cerr << "coinkit-rpc: " << message << "\n\n" << usage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* env_port = std::getenv("RPC_PORT");
  std::string port = env_port && *env_port ? env_port : "8000", host = "localhost";
  int timeout = 30;
  std::size_t i = 0;
  for (; i < args.size() && args[i].starts_with("-"); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") return std::cout << usage, 0;
    if (i + 1 == args.size()) return fail(a + " needs a value");
    if (a == "-p" || a == "--port")
      port = args[++i];
    else if (a == "--host")
      host = args[++i];
    else if (a == "--timeout")
      timeout = std::atoi(args[++i].c_str());
    else
      return fail("unknown option " + a);
  }
  if (i == args.size()) return fail("no command");
  const std::string method = args[i++];
  std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());

  // The arguments by name, as electrumx_rpc's argparse sends them.
  json::object params;
  if (method == "getinfo" || method == "groups" || method == "peers" || method == "sessions" || method == "stop") {
    if (!rest.empty()) return fail(method + " takes no arguments");
  } else if (method == "log" || method == "disconnect") {
    if (rest.empty()) return fail(method + " needs session ids");
    json::array ids;
    for (const auto& id : rest) ids.emplace_back(id);
    params["session_ids"] = std::move(ids);
  } else if (method == "query") {
    long long limit = 1000;
    json::array items;
    for (std::size_t k = 0; k < rest.size(); ++k) {
      if ((rest[k] == "-l" || rest[k] == "--limit") && k + 1 < rest.size())
        limit = std::atoll(rest[++k].c_str());
      else
        items.emplace_back(rest[k]);
    }
    if (items.empty()) return fail("query needs addresses or script hex");
    params["limit"] = limit;
    params["items"] = std::move(items);
  } else if (method == "reorg") {
    if (rest.size() > 1) return fail("reorg takes one count");
    params["count"] = rest.empty() ? 3 : std::atoll(rest[0].c_str());
  } else if (method == "daemon_url") {
    if (rest.size() > 1) return fail("daemon_url takes one URL");
    params["daemon_url"] = rest.empty() ? "" : rest[0];
  } else if (method == "add_peer") {
    if (rest.size() != 1) return fail("add_peer takes one peer, e.g. 'a.domain.name s995 t'");
    params["real_name"] = rest[0];
  } else {
    return fail("unknown command " + method);
  }

  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  try {
    asio::ip::tcp::resolver resolver(io);
    asio::connect(socket, resolver.resolve(host, port));
  } catch (const std::exception&) {
    std::cout << "cannot connect - is the server not running, or is " << port << " the wrong RPC port?\n";
    return 1;
  }
  timeval tv{timeout, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  try {
    const std::string request =
        json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", 0}, {"method", method}, {"params", params}}) + "\n";
    asio::write(socket, asio::buffer(request));
    asio::streambuf buffer;
    asio::read_until(socket, buffer, '\n');
    std::string line{asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data())};
    const json::value reply = json::parse(line.substr(0, line.find('\n')));
    if (const json::value* error = reply.as_object().if_contains("error")) {
      std::cout << "error making request: (" << json::serialize(error->at("code")) << ", '"
                << error->at("message").as_string().c_str() << "')\n";
      return 1;
    }
    const json::value& result = reply.at("result");
    std::vector<std::string> lines;
    if (method == "query") {
      for (const auto& l : result.as_array()) lines.emplace_back(l.as_string());
    } else if (method == "sessions") {
      lines = sessions_lines(result.as_array());
    } else if (method == "groups") {
      lines = groups_lines(result.as_array());
    } else if (method == "peers") {
      lines = peers_lines(result.as_array(), static_cast<double>(std::time(nullptr)));
    } else {
      std::string out;
      pretty(out, result, 0);
      lines.push_back(std::move(out));
    }
    for (const auto& l : lines) std::cout << l << '\n';
    return 0;
  } catch (const std::exception& e) {
    std::cout << "error making request: " << e.what() << '\n';
    return 1;
  }
}
