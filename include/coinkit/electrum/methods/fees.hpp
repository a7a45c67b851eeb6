// The Electrum protocol's fee and mempool methods: mempool.get_fee_histogram (from the mempool
// mirror), blockchain.estimatefee, blockchain.relayfee and mempool.get_info (through the node).
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/electrum/session.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/params.hpp>
#include <coinkit/rpc/python.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace coinkit::electrum {

namespace detail {

// bitcoind's fee estimation buckets (ElectrumX's bucket_estimatefee_block_target), so clients
// asking for many targets share few cache entries.
inline std::int64_t fee_bucket(std::int64_t n) noexcept {
  if (n <= 1) return 1;
  if (n <= 12) return n;
  if (n == 25) return n;
  if (n <= 48) return n / 2 * 2;
  if (n <= 1008) return n / 24 * 24;
  return 1008;
}

}  // namespace detail

// Self: the service (ElectrumService), with index() and node_call().
template <class Self>
class FeeMethods {
 public:
  rpc::Outcome<void> fee_histogram(Session&, rpc::JsonText& j) {
    const auto hist = self().index().mempool().fee_histogram();
    j.raw("[");
    for (std::size_t i = 0; i < hist.size(); ++i) {
      if (i) j.raw(", ");
      j.raw("[").real(hist[i].first).raw(", ").num(static_cast<std::int64_t>(hist[i].second)).raw("]");
    }
    j.raw("]");
    return {};
  }

  boost::asio::awaitable<rpc::Outcome<void>> estimatefee(Session& s, rpc::JsonText& j, std::int64_t number,
                                                         const boost::json::value* mode) {
    if (mode && !mode->is_null() &&
        !(mode->is_string() && (mode->get_string() == "CONSERVATIVE" || mode->get_string() == "ECONOMICAL")))
      co_return Self::error_of(code::bad_request, "unknown estimatefee mode: " + rpc::python_str(*mode));
    const std::int64_t target = detail::fee_bucket(number);
    const std::string mode_name = mode && mode->is_string() ? std::string(mode->get_string()) : std::string();
    auto& index = self().index();
    const auto tip = index.header(index.height());
    {
      std::lock_guard lock(fee_mutex_);
      auto it = fee_cache_.find({target, mode_name});
      if (it != fee_cache_.end() && tip && it->second.tip == *tip) {
        write_fee(j, it->second.feerate);
        co_return rpc::Outcome<void>{};
      }
    }
    s.cost().bump(2.0);  // a miss asks the node
    boost::json::array params = rpc::params_of(target);
    if (!mode_name.empty()) params.emplace_back(mode_name);
    auto r = co_await self().node_call(std::string_view("estimatesmartfee"), std::move(params));
    if (auto* e = std::get_if<rpc::Fault>(&r)) co_return std::move(*e);
    const boost::json::value& v = std::get<boost::json::value>(r);
    const boost::json::value* rate = v.is_object() ? v.get_object().if_contains("feerate") : nullptr;
    const std::optional<double> feerate =
        rate && rate->is_number() ? std::optional(rate->to_number<double>()) : std::nullopt;
    if (tip) {
      std::lock_guard lock(fee_mutex_);
      fee_cache_[{target, mode_name}] = {*tip, feerate};
    }
    write_fee(j, feerate);
    co_return rpc::Outcome<void>{};
  }

  boost::asio::awaitable<rpc::Outcome<void>> relayfee(Session&, rpc::JsonText& j) {
    auto r = co_await self().node_call(std::string_view("getnetworkinfo"), {});
    if (auto* e = std::get_if<rpc::Fault>(&r)) co_return std::move(*e);
    const boost::json::value& info = std::get<boost::json::value>(r);
    const boost::json::value* fee = info.is_object() ? info.get_object().if_contains("relayfee") : nullptr;
    if (!fee || !fee->is_number())
      co_return Self::error_of(code::daemon_error, "daemon error: getnetworkinfo has no relayfee");
    j.real(fee->to_number<double>());
    co_return rpc::Outcome<void>{};
  }

  boost::asio::awaitable<rpc::Outcome<void>> mempool_info(Session&, rpc::JsonText& j) {
    auto r = co_await self().node_call(std::string_view("getmempoolinfo"), {});
    if (auto* e = std::get_if<rpc::Fault>(&r)) co_return std::move(*e);
    const boost::json::value& info = std::get<boost::json::value>(r);
    j.raw("{");
    bool first = true;
    for (std::string_view k : mempool_info_keys) {
      const boost::json::value* v = info.is_object() ? info.get_object().if_contains(k) : nullptr;
      j.key(k, first).value(v ? *v : boost::json::value());
      first = false;
    }
    j.raw("}");
    co_return rpc::Outcome<void>{};
  }

  static constexpr auto rpc_methods() {
    using rpc::arg;
    using M = FeeMethods;
    return rpc::methods(
        rpc::method<&M::fee_histogram>("mempool.get_fee_histogram", rpc::cost(1.0)),
        rpc::method<&M::estimatefee>("blockchain.estimatefee", rpc::waits | rpc::cost(0.1), arg("number"),
                                     arg("mode", nullptr)),
        rpc::method<&M::relayfee>("blockchain.relayfee", rpc::waits | rpc::until(1, 6) | rpc::cost(1.0)),
        rpc::method<&M::mempool_info>("mempool.get_info", rpc::waits | rpc::since(1, 6) | rpc::cost(1.0)));
  }

 private:
  static constexpr std::string_view mempool_info_keys[] = {"mempoolminfee", "minrelaytxfee", "incrementalrelayfee"};

  struct CachedFee {
    Bytes tip;
    std::optional<double> feerate;
  };

  Self& self() noexcept { return static_cast<Self&>(*this); }

  static void write_fee(rpc::JsonText& j, const std::optional<double>& feerate) {
    if (feerate)
      j.real(*feerate);
    else
      j.raw("-1");  // no estimate: the integer -1, as the protocol says
  }

  std::mutex fee_mutex_;
  std::map<std::pair<std::int64_t, std::string>, CachedFee> fee_cache_;
};

}  // namespace coinkit::electrum
