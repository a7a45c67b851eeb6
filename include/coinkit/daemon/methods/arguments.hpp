// What a wallet daemon makes of its arguments that name chain things: an address, a txid, a coin,
// a raw transaction, a PSBT; each refused with the error Electrum gives (an invalid address is -32004).
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/chain/outpoint.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/coins/network.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/wallet/psbt.hpp>

#include <charconv>
#include <optional>
#include <string>

namespace coinkit::daemon {

// The scriptPubKey an address of this network pays to. A CashAddr network's refusal is Electron
// Cash's AddressError: a wrong checksum reads "invalid checksum in address" (-32004 in
// spec/bch.json); Electrum's is its BitcoinException (-32004 in spec/btc.json).
inline Bytes address_argument(const std::string& address, const Network& net) {
  auto script = to_script_pubkey(address, net.address);
  if (script) return std::move(*script);
  if (net.address.cashaddr_prefix.empty())
    throw rpc::fault_error("electrum.util.BitcoinException: invalid bitcoin address: " + address);
  const std::string why = script.error() == coinkit::address::error::cashaddr_checksum_mismatch
                              ? "invalid checksum in address: " + address
                              : script.error().message() + ": " + address;
  throw rpc::fault_error("electroncash.address.AddressError: invalid address: " + address + " (" + why + ")");
}

inline Txid txid_argument(const std::string& text) {
  auto id = Txid::try_from_hex(text);
  if (!id) throw rpc::fault_error("Exception: '" + text + "' is not a txid");
  return *id;
}

inline Transaction transaction_argument(const std::string& hex) {
  auto raw = try_from_hex(hex);
  if (!raw) throw rpc::fault_error("ValueError: the transaction is not hex");
  auto tx = Transaction::try_parse(*raw);
  if (!tx) throw rpc::fault_error("electrum.transaction.SerializationError: " + tx.error().message());
  return std::move(*tx);
}

// A coin, "txid:n", as Electrum's TxOutpoint.from_str reads it.
inline OutPoint coin_argument(const std::string& coin) {
  const auto colon = coin.find(':');
  if (colon == std::string::npos) throw rpc::fault_error("Exception: a coin is written txid:n, not " + coin);
  OutPoint out;
  out.txid = txid_argument(coin.substr(0, colon));
  const char* first = coin.data() + colon + 1;
  const char* last = coin.data() + coin.size();
  const auto [end, ec] = std::from_chars(first, last, out.index);
  if (ec != std::errc{} || end != last || first == last)
    throw rpc::fault_error("Exception: a coin is written txid:n, not " + coin);
  return out;
}

// A PSBT in base64 or hex, as Electrum's tx_from_any reads one; nullopt for text that does not
// begin as one (a raw transaction, then).
inline std::optional<wallet::Psbt> psbt_argument(const std::string& text) {
  auto refused = [](const std::string& why) {
    return rpc::fault_error("electrum.transaction.SerializationError: " + why);
  };
  result<Bytes> bytes = error_code{};
  if (text.starts_with("cHNidP")) {
    bytes = base64_decode(text);
  } else if (text.size() >= 10 && (text.starts_with("70736274ff") || text.starts_with("70736274FF"))) {
    bytes = try_from_hex(text);
  } else {
    return std::nullopt;
  }
  if (!bytes) throw refused("the PSBT is neither base64 nor hex");
  try {
    wallet::Psbt psbt = wallet::Psbt::decode(*bytes);
    (void)psbt.unsigned_tx();  // a version 2 PSBT whose inputs' lock times conflict has none
    return psbt;
  } catch (const wallet::PsbtError& e) {
    throw refused(std::string("bad PSBT: ") + e.what());
  }
}

}  // namespace coinkit::daemon
