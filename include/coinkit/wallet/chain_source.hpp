// ChainSource: what the wallet engine asks of the chain, whoever answers: an Electrum server
// over a socket (ElectrumSource) or an Electrum server's index in the same process (IndexSource).
// The answers are only claims: the Synchronizer checks them (statuses, txids, SPV) before a
// wallet believes them.
#pragma once

#include <coinkit/chain/block_header.hpp>
#include <coinkit/chain/hashes.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/rpc/fault.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <concepts>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace coinkit::wallet {

// One entry of a script's history as the server has it.
struct HistoryItem {
  Txid txid;
  int height = 0;  // > 0 mined; 0 in the mempool; -1 in the mempool with unconfirmed parents
  bool operator==(const HistoryItem&) const = default;
};

// A transaction's merkle branch in its block: siblings from the leaf up, internal byte order.
struct TxProof {
  std::vector<Hash256> branch;
  std::size_t pos = 0;
};

// What a server says of one script without a wallet (getaddressbalance, getaddressunspent).
struct ScriptBalance {
  std::int64_t confirmed = 0;
  std::int64_t unconfirmed = 0;  // the mempool's delta, may be negative
};
struct ScriptCoin {
  Txid txid;
  std::uint32_t vout = 0;
  std::int64_t value = 0;
  int height = 0;
};

// A transaction with what the server knows of its place: 0 confirmations in the mempool; and
// the server's whole verbose answer (bitcoind's getrawtransaction object), which Bitcart's BCH
// daemon passes on as it is.
struct ServerTransaction {
  Bytes raw;
  int confirmations = 0;
  boost::json::object verbose;
};

struct TipHeader {
  std::uint32_t height = 0;
  BlockHeader header;
};

// What a source tells the engine, on the engine's strand.
struct ChainEvents {
  std::function<void()> reconnected;  // subscriptions were lost: make them again
  std::function<void(const TipHeader&)> tip;
  std::function<void(const ScriptHash&, const std::optional<Hash256>& status)> status;
};

template <class T>
using Answer = boost::asio::awaitable<rpc::Outcome<T>>;

template <class S>
concept ChainSource = requires(S& s, const ScriptHash& sh, const Txid& txid, int height, std::uint32_t n,
                               ChainEvents events, const std::string& why, const Bytes& raw,
                               std::function<void(const std::string&)> log) {
  s.listen(std::move(events));
  s.reject(why);  // the server lied: drop it (and reconnect, to it or to another)
  s.stop();
  s.set_log(std::move(log));
  { s.connected() } -> std::convertible_to<bool>;
  { s.describe() } -> std::convertible_to<std::string>;  // "the Electrum server host:port:t", for errors
  { s.host() } -> std::convertible_to<std::string>;      // getinfo's "server"
  { s.subscribe_headers() } -> std::same_as<Answer<TipHeader>>;
  { s.subscribe(sh) } -> std::same_as<Answer<std::optional<Hash256>>>;
  { s.history(sh) } -> std::same_as<Answer<std::vector<HistoryItem>>>;
  { s.transaction(txid) } -> std::same_as<Answer<Bytes>>;
  { s.transaction_info(txid) } -> std::same_as<Answer<ServerTransaction>>;
  { s.estimate_fee(height) } -> std::same_as<Answer<std::optional<std::int64_t>>>;
  { s.proof(txid, height) } -> std::same_as<Answer<TxProof>>;
  { s.headers(n, n) } -> std::same_as<Answer<std::vector<BlockHeader>>>;
  { s.balance(sh) } -> std::same_as<Answer<ScriptBalance>>;
  { s.unspent(sh) } -> std::same_as<Answer<std::vector<ScriptCoin>>>;
  { s.broadcast(raw) } -> std::same_as<Answer<Txid>>;
};

}  // namespace coinkit::wallet
