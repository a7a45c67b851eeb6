// A payment request as Electron Cash keeps one (one per address): its id, its URI, amounts as
// its format_satoshis writes them, what the chain says of it and the words for its status.
#pragma once

#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/wallet/payment_request.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace coinkit::wallet {

// make_payment_request's id: the first 10 hex digits of sha256d of the address in its legacy
// (storage) form followed by the time in decimal.
inline std::string electron_cash_request_id(std::string_view legacy_address, std::int64_t time) {
  const std::string text = std::string(legacy_address) + std::to_string(time);
  return to_hex(sha256d(as_bytes(text)).span().first(5));
}

// util.format_satoshis ("1.", "0.001"); with `is_diff`, a sign on every amount ("+0.5").
inline std::string electron_cash_amount(std::int64_t units, unsigned decimals = 8, bool is_diff = false) {
  std::string text = format_amount(units, decimals, amount_style::satoshis);
  return is_diff && units >= 0 ? "+" + text : text;
}

// get_payment_request's URI: "<prefix>:<address>", with "?amount=" when it asks for one (and
// nothing else: no message, no time).
inline std::string electron_cash_request_uri(const PaymentRequest& r, std::string_view prefix, unsigned decimals = 8) {
  std::string uri = std::string(prefix) + ":" + r.address;
  if (r.amount) uri += "?amount=" + electron_cash_amount(r.amount, decimals);
  return uri;
}

// get_payment_status: every output ever paid to the address counts, however old; the request
// is paid once they sum to its amount, with the confirmations of the least confirmed of them;
// tx_hashes names each output's transaction (one entry per output), most confirmed first.
inline RequestPayment electron_cash_request_payment(const PaymentRequest& r, std::span<const ReceivedOutput> received) {
  // (conf, value, txid hex) sorted as Python sorts the tuples; then the output's place
  std::vector<std::tuple<int, std::int64_t, std::string, std::size_t>> outputs;
  for (std::size_t i = 0; i < received.size(); ++i)
    outputs.emplace_back(received[i].confirmations, received[i].value, received[i].txid.to_hex(), i);
  std::sort(outputs.begin(), outputs.end(), std::greater<>());
  RequestPayment p;
  for (const auto& [confirmations, value, txid, i] : outputs) {
    p.received += value;
    p.tx_hashes.push_back(received[i].txid);
    if (p.received >= r.amount) {
      p.paid = true;
      p.confirmations = confirmations;  // no break: the last one counted decides
    }
  }
  return p;
}

// pr_tooltips: the words of a status, in requests and in new_payment.
constexpr std::string_view electron_cash_status_text(RequestStatus s) noexcept { return status_word(s, "Pending"); }

}  // namespace coinkit::wallet
