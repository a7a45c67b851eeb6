// PaymentRequest held against Debian's Electrum 4.3.4 (tests/reference/electrum_requests.py): the
// request id, the BIP21 URI and the status words of requests of every shape (no amount, the
// smallest and the largest, messages with spaces, symbols and non-ASCII text, every expiry Electrum
// offers and longer), seen at moments around each boundary of Electrum's age().
#include <coinkit/wallet/payment_request.hpp>

#include <coinkit/address/address.hpp>
#include <coinkit/coins/btc.hpp>

#include <support/electrum_reference.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using namespace coinkit;
using namespace coinkit::wallet;
namespace json = boost::json;

namespace {

struct Case {
  NetworkId network;
  PaymentRequest request;
  double now;
};

std::vector<Case> cases() {
  const std::pair<NetworkId, std::string> addresses[] = {
      {NetworkId::regtest, "bcrt1q40rrgjq3wnss5zcn68njnrawtjmqggr9pfhkx6"},
      {NetworkId::mainnet, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"},
      {NetworkId::mainnet, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
      {NetworkId::testnet, "2N2JD6wb56AfK4tfmM6PwdVmoYk2dCKf4Br"},
  };
  const std::int64_t amounts[] = {0, 1, 150'000'000, 2'100'000'000'000'000};
  const std::string messages[] = {"", "order 42", "café & ☕ a/b?c=d#e+f%", "~_.-"};
  const std::int64_t expiries[] = {0, 60, 600, 3600, 86400, 604800, 40 * 86400, 400 * 86400, 3 * 365 * 86400};
  // Seconds before the expiration: each side of every step of age() (half minutes round to even).
  const double before[] = {-3600.5, -0.25, 0.25,  29.5,   30,      31,      89.75,    90,       150,      2670,    2700,
                           5369,    5400,  86340, 172740, 2592000, 5184000, 31535999, 31536000, 63072000, 94608000};
  std::vector<Case> out;
  std::int64_t time = 1'700'000'000;
  std::size_t i = 0;
  for (const auto& [net, address] : addresses)
    for (std::int64_t amount : amounts)
      for (const std::string& message : messages)
        for (std::int64_t expiry : expiries) {
          PaymentRequest r;
          r.address = address;
          r.script = to_script_pubkey(address, find_network<BtcPolicy>(net)->address).value();
          r.amount = amount, r.message = message, r.time = time++, r.expiry = expiry;
          const double now =
              static_cast<double>(r.expiration() ? r.expiration() : r.time) - before[i++ % std::size(before)];
          out.push_back({net, r, now});
        }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(payment_request)

BOOST_AUTO_TEST_CASE(ids_uris_and_status_words_match_electrum) {
  const std::vector<Case> all = cases();
  json::array in;
  for (const Case& c : all)
    in.push_back(json::object{{"network", to_string(c.network)},
                              {"address", c.request.address},
                              {"amount", c.request.amount},
                              {"message", c.request.message},
                              {"time", c.request.time},
                              {"expiry", c.request.expiry},
                              {"now", c.now}});
  const json::array reference = test::electrum_reference("electrum_requests.py", in);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Case& c = all[i];
    const json::object& ref = reference[i].as_object();
    BOOST_TEST_CONTEXT(c.request.address << " " << c.request.amount << " \"" << c.request.message << "\" expiry "
                                         << c.request.expiry << " now " << std::fixed << c.now) {
      BOOST_TEST(request_id(c.request) == ref.at("request_id").as_string());
      BOOST_TEST(request_uri(c.request, "bitcoin") == ref.at("URI").as_string());
      BOOST_TEST(request_status_text(RequestStatus::unpaid, c.request, c.now) == ref.at("status_str").as_string());
    }
  }
}

// Random payments to a request's address (some mined before the request, some in the mempool,
// partial, too many, none): paid or not, its confirmations, the transactions and the status, as
// Electrum's wallet finds them.
BOOST_AUTO_TEST_CASE(payments_are_counted_as_electrums_wallet_counts_them) {
  std::mt19937_64 rng(20261205);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  const std::string address = "bcrt1q40rrgjq3wnss5zcn68njnrawtjmqggr9pfhkx6";
  const int tip = 110;
  std::vector<std::pair<PaymentRequest, std::vector<ReceivedOutput>>> all;
  json::array in;
  for (int i = 0; i < 400; ++i) {
    PaymentRequest r;
    r.address = address;
    r.script = to_script_pubkey(address, find_network<BtcPolicy>(NetworkId::regtest)->address).value();
    r.amount = pick(0, 3) == 0 ? 0 : pick(1, 10) * 1000;
    r.time = 1'700'000'000 + i, r.expiry = pick(0, 1) * 3600, r.height = 100;
    const double now = static_cast<double>(r.time) + (pick(0, 1) ? 10.5 : 7200.25);
    std::vector<ReceivedOutput> received;
    json::array outs;
    for (std::int64_t n = pick(0, 5), k = 0; k < n; ++k) {
      ReceivedOutput o;
      Bytes id(32);
      for (auto& b : id) b = static_cast<std::uint8_t>(pick(0, 255));
      o.txid = Txid::from_bytes(id).value();
      o.value = pick(1, 6) * 500;
      o.height = static_cast<int>(pick(0, 3) == 0 ? pick(-1, 0) : pick(95, tip));
      o.confirmations = o.height > 0 ? tip - o.height + 1 : 0;
      received.push_back(o);
      outs.push_back(json::object{{"txid", o.txid.to_hex()},
                                  {"vout", k},
                                  {"value", o.value},
                                  {"height", o.height},
                                  {"confirmations", o.confirmations}});
    }
    in.push_back(json::object{{"network", "regtest"},
                              {"address", address},
                              {"amount", r.amount},
                              {"message", ""},
                              {"time", r.time},
                              {"expiry", r.expiry},
                              {"now", now},
                              {"height", r.height},
                              {"received", std::move(outs)}});
    all.emplace_back(r, std::move(received));
  }
  const json::array reference = test::electrum_reference("electrum_requests.py", in);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& [r, received] = all[i];
    const json::object& ref = reference[i].as_object();
    BOOST_TEST_CONTEXT("case " << i << ": " << json::serialize(in[i])) {
      const RequestPayment p = request_payment(r, received);
      BOOST_TEST(p.paid == ref.at("paid").as_bool());
      BOOST_TEST((p.confirmations ? json::value(*p.confirmations) : json::value()) == ref.at("confirmations"));
      std::vector<std::string> hashes;
      for (const Txid& t : p.tx_hashes) hashes.push_back(t.to_hex());
      std::sort(hashes.begin(), hashes.end());
      json::array expected_hashes;
      for (const auto& h : hashes) expected_hashes.push_back(json::string(h));
      BOOST_TEST(expected_hashes == ref.at("tx_hashes").as_array());
      const double now = in[i].at("now").to_number<double>();
      BOOST_TEST(static_cast<int>(request_status(r, p, now)) == ref.at("status").to_number<int>());
    }
  }
}

// The two requests of bitcart-wire-examples.md (add_request on Bitcart's BTC daemon), as recorded.
BOOST_AUTO_TEST_CASE(bitcarts_recorded_requests) {
  const Network& regtest = *find_network<BtcPolicy>(NetworkId::regtest);
  PaymentRequest a;
  a.address = "bcrt1qxs5nctwlxvcsqk0qavpq7kf0ayxf6fmgnwfwky";
  a.script = to_script_pubkey(a.address, regtest.address).value();
  a.amount = 1'000'000, a.message = "order 42", a.time = 1795217290, a.expiry = 3600;
  BOOST_TEST(request_id(a) == "49e8823621");
  BOOST_TEST(
      request_uri(a, "bitcoin") ==
      "bitcoin:bcrt1qxs5nctwlxvcsqk0qavpq7kf0ayxf6fmgnwfwky?amount=0.01&message=order%2042&time=1795217290&exp=3600");
  BOOST_TEST(request_status_text(RequestStatus::unpaid, a, 1795217290.2) == "Expires in about 1 hour");
  PaymentRequest b = a;
  b.address = "bcrt1q2ctxvaz8wcxcg4jkxgfqhza4pd8tkhw8j2p86j";
  b.script = to_script_pubkey(b.address, regtest.address).value();
  b.amount = 200'000, b.message = "named", b.expiry = 900;
  BOOST_TEST(request_id(b) == "e2f7d8a3ca");
  BOOST_TEST(request_status_text(RequestStatus::unpaid, b, 1795217290.2) == "Expires in 15 minutes");
}

BOOST_AUTO_TEST_CASE(expiry_and_the_other_statuses) {
  PaymentRequest r;
  r.time = 1000, r.expiry = 60;
  BOOST_TEST(r.expiration() == 1060);
  BOOST_TEST(!r.expired_at(1060));  // Electrum: expired once the expiration is in the past
  BOOST_TEST(r.expired_at(1060.5));
  r.expiry = 0;
  BOOST_TEST(r.expiration() == 0);
  BOOST_TEST(!r.expired_at(1e12));
  BOOST_TEST(request_status_text(RequestStatus::unpaid, r, 2000) == "Unpaid");
  BOOST_TEST(request_status_text(RequestStatus::unconfirmed, r, 2000) == "Unconfirmed");
  BOOST_TEST(request_status_text(RequestStatus::paid, r, 2000) == "Paid");
  BOOST_TEST(request_status_text(RequestStatus::expired, r, 2000) == "Expired");
}

BOOST_AUTO_TEST_SUITE_END()

// Bitcart's modifypaymenturl is Python's urllib rewriting the query: held against that code run
// by Python itself, on URIs with every kind of parameter Electrum and wallets write.
BOOST_AUTO_TEST_SUITE(payment_url)

BOOST_AUTO_TEST_CASE(the_amount_is_set_as_bitcarts_python_sets_it) {
  const std::string urls[] = {
      "bitcoin:bcrt1qxs5nctwlxvcsqk0qavpq7kf0ayxf6fmgnwfwky?amount=0.01",
      "bitcoin:bcrt1qxs5nctwlxvcsqk0qavpq7kf0ayxf6fmgnwfwky",
      "BitCoin:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2?message=order%2042&time=1700000000&exp=3600&amount=2",
      "bitcoin:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2?label=caf%C3%A9+%26+tea&empty=&flag&amount=1&amount=3#frag",
      "litecoin:ltc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?message=a/b%3Fc%3Dd%25&r=https%3A%2F%2Fx.example%2Fi",
      "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a?amount=0.5&bad=%zz&pct=100%",
  };
  const std::string amounts[] = {"0.5", "0", "0.000", "1e-8", "-1", "21000000", "abc", "", "1.2.3", " 2 ", "NaN"};
  json::array in;
  std::vector<std::pair<std::string, std::string>> cases;
  for (const auto& url : urls)
    for (const auto& amount : amounts) {
      in.push_back(json::object{{"url", url}, {"amount", amount}});
      cases.emplace_back(url, amount);
    }
  const json::array reference = test::electrum_reference("bitcart_payment_url.py", in);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& [url, amount] = cases[i];
    const auto zero = decimal_is_zero(amount);
    BOOST_TEST_CONTEXT(url << " with " << amount) {
      if (reference[i].as_object().contains("error")) {
        BOOST_TEST(!zero.has_value());
        continue;
      }
      BOOST_TEST_REQUIRE(zero.has_value());
      const std::string ours = *zero ? url : with_uri_param(url, "amount", amount);
      BOOST_TEST(ours == std::string(reference[i].at("url").as_string()));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
