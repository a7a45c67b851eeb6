// A wallet daemon's payment requests: add_request, get_request (and Bitcart's getrequest),
// get_invoice, list_requests, delete_request, clear_requests and modifypaymenturl as Electrum 4.3
// and Bitcart answer them, with Bitcart's sent_amount; and the new_payment event each time a
// request's status changes, driven by the wallet's history, new blocks and a timer at each
// expiration (never by polling). Each change is on disk before the call returns. An Electron Cash
// wallet's daemon answers Electron Cash's instead (addrequest, getrequest, listrequests,
// rmrequest, clearrequests: one request per address, its request objects and statuses).
#pragma once

#include <coinkit/core/amount.hpp>
#include <coinkit/core/unix_time.hpp>
#include <coinkit/daemon/methods/arguments.hpp>
#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/python.hpp>
#include <coinkit/wallet/electron_cash_request.hpp>
#include <coinkit/wallet/electrum_wallet.hpp>
#include <coinkit/wallet/payment_request.hpp>
#include <coinkit/wallet/request_book.hpp>

#include <boost/asio/awaitable.hpp>
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
#include <type_traits>
#include <utility>
#include <vector>

namespace coinkit::daemon {

// Self: the daemon (wallet(call), wallets(), local_height(), watch_new_addresses, notify,
// io_context(), and save_request/erase_requests that keep the book on disk); Self::Coin.
template <class Self>
class PaymentRequests {
 public:
  // Electrum's: a request on the first unused receiving address without an open request (past
  // the gap limit with `force`; false without it when none is left). `expiration` in seconds,
  // 0 for never. The reply waits until the request is on disk.
  boost::asio::awaitable<boost::json::value> add_request(const rpc::Call& call, Amount amount, std::string memo,
                                                         std::int64_t expiration, bool force) {
    return make_request(call, amount, std::move(memo), expiration, force,
                        [this](const auto& w, const auto& e) { return export_request(w, e, unix_time(), false); });
  }

  // Electron Cash's addrequest, with Bitcart's sent_amount: a request on the first receiving
  // address that has neither history nor a request (expired or not); `expiration` null for
  // never. Without `force` and with no such address left it fails (Electron Cash answers False,
  // on which Bitcart's daemon fails).
  boost::asio::awaitable<boost::json::value> addrequest(const rpc::Call& call, Amount amount, std::string memo,
                                                        std::optional<std::int64_t> expiration, bool force) {
    return make_request(call, amount, std::move(memo), expiration.value_or(0), force,
                        [this](const auto& w, const auto& e) { return export_electron_cash(w, e, unix_time(), true); });
  }

  // Electrum's get_request plus Bitcart's sent_amount; -32003 for an unknown id.
  boost::json::object get_request(const rpc::Call& call, std::string request_id) {
    auto& w = self().wallet(call);
    const auto* entry = w.requests().find(request_id);
    if (!entry) throw rpc::fault_error("Exception: Request not found");
    return export_request(w, *entry, unix_time(), true);
  }

  // Bitcart's get_invoice: Electrum's get_formatted_request (no sent_amount); -32012 when unknown.
  boost::json::object get_invoice(const rpc::Call& call, std::string key) {
    auto& w = self().wallet(call);
    const auto* entry = w.requests().find(key);
    if (!entry) throw rpc::fault_error("Exception: Invoice not found");
    return export_request(w, *entry, unix_time(), false);
  }

  // Bitcart's modify_payment_url: the URI with its `amount` set (Python's urlparse, parse_qsl
  // and urlencode), unchanged for an amount of zero.
  std::string modifypaymenturl(std::string url, boost::json::value amount, boost::json::value divisibility) {
    (void)divisibility;  // for tokens' units; an on-chain URI's amount is in coins
    const std::string text = rpc::python_str(amount);
    const auto zero = wallet::decimal_is_zero(text);
    if (!zero) throw rpc::fault_error("Exception: [<class 'decimal.ConversionSyntax'>]");
    return *zero ? url : wallet::with_uri_param(url, "amount", text);
  }

  // Electrum's: every request in creation order, or those of one status.
  boost::json::array list_requests(const rpc::Call& call, bool pending, bool expired, bool paid) {
    auto& w = self().wallet(call);
    const double now = unix_time();
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
    auto& book = self().wallet(call).requests();
    if (!book.find(request_id)) return false;
    stored(self().erase_requests(call.wallet().key(), request_id));
    return book.remove(request_id);
  }
  bool clear_requests(const rpc::Call& call) {
    stored(self().erase_requests(call.wallet().key(), std::nullopt));
    self().wallet(call).requests().clear();
    return true;
  }

  // Electron Cash's getrequest (and get_request), by the request's address in any form, with
  // Bitcart's sent_amount.
  boost::json::object getrequest(const rpc::Call& call, std::string address) {
    auto& w = self().wallet(call);
    const auto* entry = w.requests().find(request_key(w, address));
    if (!entry) throw rpc::fault_error("BaseException: Request not found");
    return export_electron_cash(w, *entry, unix_time(), true);
  }
  // Electron Cash's: receiving addresses first, each chain in order; `pending`, `expired` or
  // `paid` keep only the requests of that status (an unconfirmed one is in none of them).
  boost::json::array listrequests(const rpc::Call& call, bool pending, bool expired, bool paid) {
    auto& w = self().wallet(call);
    const double now = unix_time();
    std::vector<const wallet::RequestBook::Entry*> sorted;
    for (const auto& e : w.requests().entries()) sorted.push_back(&e);
    std::ranges::stable_sort(sorted, {}, [&](const wallet::RequestBook::Entry* e) {
      const auto& a = w.address(e->slot);
      return std::pair(a.change, a.index);
    });
    boost::json::array out;
    for (const auto* e : sorted) {
      const auto status = status_of(w, *e, now);
      if ((pending && status != wallet::RequestStatus::unpaid) ||
          (expired && status != wallet::RequestStatus::expired) || (paid && status != wallet::RequestStatus::paid))
        continue;
      out.push_back(export_electron_cash(w, *e, now, false));
    }
    return out;
  }
  bool rmrequest(const rpc::Call& call, std::string address) {
    return delete_request(call, request_key(self().wallet(call), address));
  }
  boost::json::value clearrequests(const rpc::Call& call) {
    clear_requests(call);
    return nullptr;
  }

  // A wallet came back from disk with its requests: those still open expire on time again.
  template <class Wallet>
  void requests_restored(const std::string& key, const Wallet& w) {
    const double now = unix_time();
    for (const auto& e : w.requests().entries())
      if (e.request.expiry && !e.request.expired_at(now)) expire_later(key, e.request.expiration());
  }

  // Electrum's get_unused_address: the first receiving address with no history and no open
  // request on it.
  template <class Wallet>
  std::optional<std::uint32_t> unused_receiving(const Wallet& w) {
    return w.requests().first_unheld(w, unix_time(), wallet::is_electron_cash<Wallet>);
  }

  // What the daemon calls after a wallet's history moved (its key) or the chain did (null): each
  // request whose status changed is announced once, with Bitcart's new_payment.
  void check_requests(const std::string* key) {
    const double now = unix_time();
    if (key) {
      if (auto it = self().wallets().find(*key); it != self().wallets().end()) announce(it->first, *it->second, now);
      return;
    }
    for (const auto& [k, ptr] : self().wallets())
      if (!ptr->requests().empty()) announce(k, *ptr, now);
  }

  static constexpr auto rpc_methods() {
    using S = PaymentRequests;
    if constexpr (wallet::is_electron_cash<typename Self::Wallet>) {
      return rpc::methods(
          rpc::method<&S::addrequest>("addrequest", rpc::requires_wallet,
                                      "Create a payment request, using the first unused address of the wallet.",
                                      rpc::arg("amount"), rpc::arg("memo", ""), rpc::arg("expiration", std::nullopt),
                                      rpc::arg("force", false)),
          rpc::method<&S::getrequest>("getrequest", rpc::requires_wallet, "Return a payment request.", rpc::arg("key")),
          rpc::method<&S::getrequest>("get_request", rpc::requires_wallet, "Return a payment request (getrequest).",
                                      rpc::arg("key")),
          rpc::method<&S::modifypaymenturl>("modifypaymenturl", rpc::no_flags, "Set the amount of a payment URI.",
                                            rpc::arg("url"), rpc::arg("amount"), rpc::arg("divisibility", nullptr)),
          rpc::method<&S::listrequests>("listrequests", rpc::requires_wallet, "List the payment requests you made.",
                                        rpc::arg("pending", false), rpc::arg("expired", false),
                                        rpc::arg("paid", false)),
          rpc::method<&S::rmrequest>("rmrequest", rpc::requires_wallet, "Remove a payment request.",
                                     rpc::arg("address")),
          rpc::method<&S::clearrequests>("clearrequests", rpc::requires_wallet, "Remove all payment requests."));
    } else {
      return rpc::methods(
          rpc::method<&S::add_request>("add_request", rpc::requires_wallet,
                                       "Create a payment request, using the first unused address of the wallet.",
                                       rpc::arg("amount"), rpc::arg("memo", ""), rpc::arg("expiration", 3600),
                                       rpc::arg("force", false)),
          rpc::method<&S::get_request>("get_request", rpc::requires_wallet, "Return a payment request.",
                                       rpc::arg("request_id")),
          rpc::method<&S::get_request>("getrequest", rpc::requires_wallet, "Return a payment request (get_request).",
                                       rpc::arg("request_id")),
          rpc::method<&S::get_invoice>("get_invoice", rpc::requires_wallet, "Return a payment request by its key.",
                                       rpc::arg("key")),
          rpc::method<&S::modifypaymenturl>("modifypaymenturl", rpc::no_flags, "Set the amount of a payment URI.",
                                            rpc::arg("url"), rpc::arg("amount"), rpc::arg("divisibility", nullptr)),
          rpc::method<&S::list_requests>("list_requests", rpc::requires_wallet, "List the payment requests you made.",
                                         rpc::arg("pending", false), rpc::arg("expired", false),
                                         rpc::arg("paid", false)),
          rpc::method<&S::delete_request>("delete_request", rpc::requires_wallet, "Remove an incoming payment request.",
                                          rpc::arg("request_id")),
          rpc::method<&S::clear_requests>("clear_requests", rpc::requires_wallet, "Remove all payment requests."));
    }
  }

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }

  // A request on the first unused receiving address (a new one with `force`), its reply made by
  // `reply(wallet, entry)`; false (Electrum) or an error (Electron Cash) when none is left. (Not
  // a coroutine: the request is made at the call, and GCC 12 mishandles a coroutine's std::string
  // parameter.)
  template <class Reply>
  boost::asio::awaitable<boost::json::value> make_request(const rpc::Call& call, Amount amount, std::string memo,
                                                          std::int64_t expiration, bool force, Reply&& reply) {
    auto& w = self().wallet(call);
    const double now = unix_time();
    auto slot = unused_receiving(w);
    const bool grown = !slot;
    if (!slot) {
      if (!force) {
        if constexpr (wallet::is_electron_cash<std::remove_cvref_t<decltype(w)>>)
          throw rpc::fault_error(
              "Exception: Unable to find an unused address. Try running with the --force option to create new "
              "addresses.");
        return refused();
      }
      slot = w.create_new_address();
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
    auto made = std::make_shared<Made>();
    made->key = call.wallet().key();
    made->id = request_key(w, r);
    made->replaces = w.requests().find(made->id) != nullptr;
    auto& entry = w.requests().add(made->id, std::move(r), *slot);
    // On its way to the disk first: the rest is done while the disk writes.
    auto write = self().store_request(made->key, entry, grown);
    if (grown) self().watch_new_addresses(call, {*slot}, false);  // stored with the request
    if (entry.request.expiry) expire_later(made->key, entry.request.expiration());
    made->reply = reply(w, entry);
    return stored(std::move(write), std::move(made));
  }

  // What a wallet's book keys a request by: Electrum's request id, or (Electron Cash) its address.
  template <class Wallet>
  static std::string request_key(const Wallet&, const wallet::PaymentRequest& r) {
    if constexpr (wallet::is_electron_cash<Wallet>)
      return r.address;
    else
      return wallet::request_id(r);
  }
  // An address argument as Electron Cash reads it (CashAddr with or without its prefix, or
  // legacy), written as the wallet writes its addresses: as given when a request has it, else
  // CashAddr without the prefix, else (an imported address kept as it was given) found by script.
  template <class Wallet>
  std::string request_key(const Wallet& w, const std::string& address) {
    if (w.requests().find(address)) return address;
    const Bytes script = address_argument(address, self().network());
    if (std::string text = w.script_address(script); w.requests().find(text)) return text;
    if (auto slot = w.slot_of_script(script)) return w.address_text(*slot);
    return address;  // no address of the wallet: no request either
  }

  // A request made, waiting for the disk.
  struct Made {
    std::string key, id;
    bool replaces = false;
    boost::json::object reply;
  };
  static boost::asio::awaitable<boost::json::value> refused() { co_return false; }
  boost::asio::awaitable<boost::json::value> stored(boost::asio::awaitable<result<void>> write,
                                                    std::shared_ptr<Made> made) {
    const result<void> r = co_await std::move(write);
    if (!r) {
      // Not on disk: not made (unless it replaced one that is).
      if (auto it = self().wallets().find(made->key); it != self().wallets().end() && !made->replaces)
        it->second->requests().remove(made->id);
      throw rpc::fault_error("Exception: the request could not be saved: " + r.error().message());
    }
    co_return std::move(made->reply);
  }

  static void stored(const result<void>& r) {
    if (!r) throw rpc::fault_error("Exception: the requests could not be saved: " + r.error().message());
  }
  static boost::json::string decimal(std::int64_t units) {
    return boost::json::string(
        format_amount(units, static_cast<unsigned>(Self::Coin::decimals), amount_style::decimal));
  }

  template <class Wallet>
  wallet::RequestPayment payment_of(const Wallet& w, const wallet::RequestBook::Entry& e) {
    const auto received = w.received(e.slot, self().local_height());
    if constexpr (wallet::is_electron_cash<Wallet>)
      return wallet::electron_cash_request_payment(e.request, received);
    else
      return wallet::request_payment(e.request, received);
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
      // Kept, so that a restarted daemon announces only what changed while it was down (a
      // failed write is logged by the daemon: the event still goes out).
      self().update_request(key, e);
      // Bitcart's: the BTC daemon's address is the request's id, the BCH daemon's the address
      // (Electron Cash's words for the status, and sent_amount with eight decimals).
      constexpr bool electron_cash = wallet::is_electron_cash<Wallet>;
      self().notify(key, boost::json::object{
                             {"event", "new_payment"},
                             {"address", e.id},
                             {"status", static_cast<int>(status)},
                             {"status_str", electron_cash ? std::string(wallet::electron_cash_status_text(status))
                                                          : wallet::request_status_text(status, e.request, now)},
                             {"tx_hashes", hashes_json(payment)},
                             {"sent_amount", electron_cash ? fixed(payment.received) : decimal(payment.received)}});
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
        {amount_key(), format_amount(r.amount, static_cast<unsigned>(Self::Coin::decimals), amount_style::satoshis)},
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

  // Electron Cash's get_payment_request and _format_request, keys in their order, with Bitcart's
  // sent_amount (getrequest, addrequest). No token request here: tokenreq false.
  template <class Wallet>
  boost::json::object export_electron_cash(const Wallet& w, const wallet::RequestBook::Entry& e, double now,
                                           bool sent_amount) {
    const auto& r = e.request;
    const auto payment = payment_of(w, e);
    const auto status = wallet::request_status(r, payment, now);
    const Network& net = self().network();
    constexpr unsigned decimals = static_cast<unsigned>(Self::Coin::decimals);
    boost::json::object out{{"time", r.time},
                            {"amount", r.amount},
                            {"exp", r.expiry ? boost::json::value(r.expiry) : boost::json::value(nullptr)},
                            {"address", r.address},
                            {"memo", r.message},
                            {"id", wallet::electron_cash_request_id(
                                       to_address_or_throw(r.script, net.address, AddressStyle::legacy), r.time)},
                            {"tokenreq", false},
                            {"category_id", nullptr},
                            {"URI", wallet::electron_cash_request_uri(r, net.address.cashaddr_prefix, decimals)},
                            {"status", wallet::electron_cash_status_text(status)},
                            {"tx_hashes", hashes_json(payment)}};
    if (payment.confirmations) out.emplace("confirmations", *payment.confirmations);
    out.emplace("amount (" + std::string(Self::Coin::ticker) + ")", wallet::electron_cash_amount(r.amount, decimals));
    if (sent_amount) out.emplace("sent_amount", fixed(payment.received));
    return out;
  }
  // Bitcart's format_satoshis: eight decimals always ("0.00100000").
  static boost::json::string fixed(std::int64_t units) {
    return boost::json::string(format_amount(units, static_cast<unsigned>(Self::Coin::decimals), amount_style::fixed));
  }

  // Electrum's "amount_BTC"; its forks name their coin ("amount_LTC").
  static std::string amount_key() { return std::string("amount_") + std::string(Self::Coin::ticker); }

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
    const double wait = static_cast<double>(expirations_.begin()->first) + 1 - unix_time();
    timer_->expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(std::max(wait, 0.0) * 1000)));
    timer_->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped_) return;
      const double now = unix_time();
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
