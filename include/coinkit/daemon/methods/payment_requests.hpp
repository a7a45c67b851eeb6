// A wallet daemon's payment requests: add_request, get_request (and Bitcart's getrequest),
// list_requests, delete_request and clear_requests as Electrum 4.3 answers them, with Bitcart's
// sent_amount; and the new_payment event each time a request's status changes, driven by the
// wallet's history, new blocks and a timer at each expiration (never by polling).
#pragma once

#include <coinkit/core/amount.hpp>
#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/wallet/payment_request.hpp>
#include <coinkit/wallet/request_book.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace coinkit::daemon {

// Self: the daemon (wallet(call), wallets(), local_height(), watch_new_addresses, notify,
// io_context()); Self::Coin.
template <class Self>
class PaymentRequests {
 public:
  // Electrum's: a request on the first unused receiving address without an open request (past
  // the gap limit with `force`; false without it when none is left). `expiration` in seconds,
  // 0 for never.
  boost::json::value add_request(const rpc::Call& call, Amount amount, std::string memo, std::int64_t expiration,
                                 bool force) {
    auto& w = self().wallet(call);
    const double now = clock_now();
    auto slot = unused_receiving(w);
    if (!slot) {
      if (!force) return false;
      slot = w.create_new_address();
      self().watch_new_addresses(call, {*slot});
    }
    wallet::PaymentRequest r;
    r.address = w.address_text(*slot);
    const auto script = w.address(*slot).script();
    r.script.assign(script.begin(), script.end());
    r.amount = amount.units;
    r.message = std::move(memo);
    r.time = static_cast<std::int64_t>(now);
    r.expiry = expiration > 0 ? expiration : 0;
    r.height = self().local_height();
    auto& entry = w.requests().add(wallet::request_id(r), std::move(r), *slot);
    if (entry.request.expiry) expire_later(call.wallet().key(), entry.request.expiration());
    return export_request(w, entry, now, false);
  }

  // Electrum's get_request plus Bitcart's sent_amount; -32003 for an unknown id.
  boost::json::object get_request(const rpc::Call& call, std::string request_id) {
    auto& w = self().wallet(call);
    const auto* entry = w.requests().find(request_id);
    if (!entry) throw rpc::fault_error("Exception: Request not found");
    return export_request(w, *entry, clock_now(), true);
  }

  // Electrum's: every request in creation order, or those of one status.
  boost::json::array list_requests(const rpc::Call& call, bool pending, bool expired, bool paid) {
    auto& w = self().wallet(call);
    const double now = clock_now();
    std::optional<wallet::RequestStatus> only;
    if (pending)
      only = wallet::RequestStatus::unpaid;
    else if (expired)
      only = wallet::RequestStatus::expired;
    else if (paid)
      only = wallet::RequestStatus::paid;
    boost::json::array out;
    for (const auto& e : w.requests().entries())
      if (!only || status_of(w, e, now) == *only) out.push_back(export_request(w, e, now, false));
    return out;
  }

  bool delete_request(const rpc::Call& call, std::string request_id) {
    return self().wallet(call).requests().remove(request_id);
  }
  bool clear_requests(const rpc::Call& call) {
    self().wallet(call).requests().clear();
    return true;
  }

  // Electrum's get_unused_address: the first receiving address with no history and no open
  // request on it.
  template <class Wallet>
  std::optional<std::uint32_t> unused_receiving(const Wallet& w) {
    if (w.requests().empty()) return w.first_unused_receiving();
    // Electrum's get_request_by_addr: an address stays taken while a request on it is not
    // expired. Each request is looked at once, not once per address.
    const double now = clock_now();
    std::vector<std::uint32_t> taken;
    for (const auto& e : w.requests().entries())
      if (status_of(w, e, now) != wallet::RequestStatus::expired) taken.push_back(e.slot);
    return w.first_unused_receiving([&](std::uint32_t s) { return std::ranges::find(taken, s) != taken.end(); });
  }

  // What the daemon calls after a wallet's history moved (its key) or the chain did (null): each
  // request whose status changed is announced once, with Bitcart's new_payment.
  void check_requests(const std::string* key) {
    const double now = clock_now();
    if (key) {
      if (auto it = self().wallets().find(*key); it != self().wallets().end()) announce(it->first, *it->second, now);
      return;
    }
    for (const auto& [k, ptr] : self().wallets())
      if (!ptr->requests().empty()) announce(k, *ptr, now);
  }

  static constexpr auto rpc_methods() {
    using S = PaymentRequests;
    return rpc::methods(
        rpc::method<&S::add_request>("add_request", rpc::requires_wallet,
                                     "Create a payment request, using the first unused address of the wallet.",
                                     rpc::arg("amount"), rpc::arg("memo", ""), rpc::arg("expiration", 3600),
                                     rpc::arg("force", false)),
        rpc::method<&S::get_request>("get_request", rpc::requires_wallet, "Return a payment request.",
                                     rpc::arg("request_id")),
        rpc::method<&S::get_request>("getrequest", rpc::requires_wallet, "Return a payment request (get_request).",
                                     rpc::arg("request_id")),
        rpc::method<&S::list_requests>("list_requests", rpc::requires_wallet, "List the payment requests you made.",
                                       rpc::arg("pending", false), rpc::arg("expired", false), rpc::arg("paid", false)),
        rpc::method<&S::delete_request>("delete_request", rpc::requires_wallet, "Remove an incoming payment request.",
                                        rpc::arg("request_id")),
        rpc::method<&S::clear_requests>("clear_requests", rpc::requires_wallet, "Remove all payment requests."));
  }

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }

  static double clock_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  static boost::json::string decimal(std::int64_t units) {
    return boost::json::string(
        format_amount(units, static_cast<unsigned>(Self::Coin::decimals), amount_style::decimal));
  }

  template <class Wallet>
  wallet::RequestPayment payment_of(const Wallet& w, const wallet::RequestBook::Entry& e) {
    return wallet::request_payment(e.request, w.received(e.slot, self().local_height()));
  }
  template <class Wallet>
  wallet::RequestStatus status_of(const Wallet& w, const wallet::RequestBook::Entry& e, double now) {
    return wallet::request_status(e.request, payment_of(w, e), now);
  }
  static boost::json::array hashes_json(const wallet::RequestPayment& p) {
    boost::json::array out;
    for (const Txid& t : p.tx_hashes) out.emplace_back(t.to_hex());
    return out;
  }

  // Each request of the wallet whose status changed, announced once.
  template <class Wallet>
  void announce(const std::string& key, Wallet& w, double now) {
    for (auto& e : w.requests().entries()) {
      const auto payment = payment_of(w, e);
      const auto status = wallet::request_status(e.request, payment, now);
      if (status == e.announced) continue;
      e.announced = status;
      self().notify(key, boost::json::object{{"event", "new_payment"},
                                             {"address", e.id},  // Bitcart's BTC daemon: the request's id
                                             {"status", static_cast<int>(status)},
                                             {"status_str", wallet::request_status_text(status, e.request, now)},
                                             {"tx_hashes", hashes_json(payment)},
                                             {"sent_amount", decimal(payment.received)}});
    }
  }

  // Electrum's export_request, keys in its order; get_request adds Bitcart's sent_amount.
  template <class Wallet>
  boost::json::object export_request(const Wallet& w, const wallet::RequestBook::Entry& e, double now,
                                     bool sent_amount) {
    const auto& r = e.request;
    const auto payment = payment_of(w, e);
    const auto status = wallet::request_status(r, payment, now);
    boost::json::object out{
        {"is_lightning", false},
        {"amount_BTC", format_amount(r.amount, static_cast<unsigned>(Self::Coin::decimals), amount_style::satoshis)},
        {"message", r.message},
        {"timestamp", r.time},
        {"expiration", r.expiration()},
        {"status", static_cast<int>(status)},
        {"status_str", wallet::request_status_text(status, r, now)},
        {"request_id", e.id},
        {"tx_hashes", hashes_json(payment)},
        {"amount_sat", r.amount},
        {"address", r.address},
        {"URI", wallet::request_uri(r, uri_scheme(), static_cast<unsigned>(Self::Coin::decimals))}};
    if (payment.confirmations) out.emplace("confirmations", *payment.confirmations);
    if (sent_amount) out.emplace("sent_amount", decimal(payment.received));
    return out;
  }

  static std::string_view uri_scheme() {
    if constexpr (requires { Self::Coin::uri_scheme; })
      return Self::Coin::uri_scheme;
    else
      return "bitcoin";
  }

  // One timer for the daemon, at the next expiration (of any wallet's request): the request turns
  // expired then, without a poll. (Callbacks, not coroutines: GCC 12 mishandles a std::string
  // parameter of a coroutine.)
  void expire_later(const std::string& key, std::int64_t expiration) {
    if (stopped_) return;
    expirations_.emplace(expiration, key);
    if (!timer_) timer_ = std::make_unique<boost::asio::steady_timer>(self().io_context());
    if (expirations_.begin()->first == expiration) arm();
  }
  void arm() {
    // Just past the expiration, as Electrum compares (expired once it is in the past).
    const double wait = static_cast<double>(expirations_.begin()->first) + 1 - clock_now();
    timer_->expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(std::max(wait, 0.0) * 1000)));
    timer_->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped_) return;
      const double now = clock_now();
      while (!expirations_.empty() && static_cast<double>(expirations_.begin()->first) < now) {
        const std::string key = expirations_.begin()->second;
        expirations_.erase(expirations_.begin());
        check_requests(&key);
      }
      if (!expirations_.empty()) arm();
    });
  }

  std::set<std::pair<std::int64_t, std::string>> expirations_;  // (when, wallet key)
  std::unique_ptr<boost::asio::steady_timer> timer_;
  bool stopped_ = false;

 public:
  // The daemon is stopping: no timer keeps its I/O running.
  void stop_requests() {
    stopped_ = true;
    if (timer_) timer_->cancel();
    expirations_.clear();
  }
};

}  // namespace coinkit::daemon
