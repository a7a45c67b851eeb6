// ChainParams: what a regtest node needs to know of its coin, at run time (genesis, PoW, segwit,
// sighash), all read from the coin's policy.
#pragma once

#include <coinkit/chain/block.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/coins/genesis.hpp>
#include <coinkit/core/hex.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace coinkit::regtest {

struct ChainParams {
  std::string_view coin_name;
  std::string_view ticker;
  const Network* network = nullptr;  // the coin's regtest network
  bool segwit = true;
  SighashScheme sighash = SighashScheme::bitcoin;
  std::uint32_t fork_id = 0;
  int coinbase_maturity = 100;
  Hash256 (*pow_hash)(ByteSpan header) = nullptr;  // the block hash is always SHA256d
  bool canonical_tx_order = false;                 // BCH's CTOR: non-coinbase transactions sorted by txid
  std::uint32_t pow_bits = 0x207fffff;             // regtest: no retargeting (fPowNoRetargeting)
  int halving_interval = 150;                      // regtest's nSubsidyHalvingInterval
  Block genesis;

  const AddressFormat& address_format() const noexcept { return network->address; }
  bool forkid() const noexcept { return sighash == SighashScheme::forkid; }  // BCH's SIGHASH_FORKID
};

// A genesis block as Core's CreateGenesisBlock builds it: a coinbase with the coin's message
// paying its reward to its genesis key.
inline Block make_genesis_block(const GenesisParams& g) {
  MutableTransaction tx;
  tx.version = 1;
  TxIn& in = tx.inputs.emplace_back();
  const std::uint8_t bits_le[4] = {0xff, 0xff, 0x00, 0x1d};  // CScriptNum(486604799)
  const std::uint8_t four = 4;
  push_data(in.script_sig, ByteSpan(bits_le, 4));
  in.script_sig.push_back(1), in.script_sig.push_back(four);  // CScriptNum(4), pushed as one byte
  push_data(in.script_sig, as_bytes(g.message));
  tx.outputs.push_back(TxOut{g.reward, p2pk_script(from_hex(g.output_pubkey))});
  Block b;
  b.transactions.emplace_back(std::move(tx));
  b.header.version = g.version;
  b.header.merkle_root = b.merkle_root().root;
  b.header.time = g.time, b.header.bits = g.bits, b.header.nonce = g.nonce;
  return b;
}

template <CoinPolicy Coin>
ChainParams chain_params() {
  const Network* net = find_network<Coin>(NetworkId::regtest);
  if (!net) throw std::invalid_argument(std::string(Coin::name) + " has no regtest network");
  ChainParams p;
  p.coin_name = Coin::name;
  p.ticker = Coin::ticker;
  p.network = net;
  p.segwit = Coin::segwit;
  p.sighash = Coin::sighash;
  p.fork_id = Coin::fork_id;
  p.coinbase_maturity = Coin::coinbase_maturity;
  p.pow_hash = [](ByteSpan header) -> Hash256 { return Coin::pow_hash(header); };
  p.canonical_tx_order = Coin::canonical_tx_order;
  p.pow_bits = Coin::regtest_genesis.bits;
  p.genesis = make_genesis_block(Coin::regtest_genesis);
  if (p.genesis.hash() != net->genesis_hash)
    throw std::logic_error(std::string(Coin::name) + ": the regtest genesis block hashes to " +
                           p.genesis.hash().to_hex() + ", not to the network's " + net->genesis_hash.to_hex());
  return p;
}

}  // namespace coinkit::regtest
