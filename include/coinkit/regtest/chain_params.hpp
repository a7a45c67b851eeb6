// ChainParams: what a regtest node needs to know of its coin, at run time (genesis, PoW, segwit, sighash).
#pragma once

#include <coinkit/chain/block.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/coins/ltc.hpp>
#include <coinkit/core/hex.hpp>

#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <type_traits>

namespace coinkit::regtest {

// The hash a header's proof of work is checked on (the block hash is always SHA256d).
enum class PowHash { sha256d, scrypt };

struct ChainParams {
  std::string_view coin_name;
  std::string_view ticker;
  const Network* network = nullptr;  // the coin's regtest network
  bool segwit = true;
  SighashScheme sighash = SighashScheme::bitcoin;
  std::uint32_t fork_id = 0;
  int coinbase_maturity = 100;
  PowHash pow_hash = PowHash::sha256d;
  bool canonical_tx_order = false;      // BCH's CTOR: non-coinbase transactions sorted by txid
  std::uint32_t pow_bits = 0x207fffff;  // regtest: no retargeting (fPowNoRetargeting)
  int halving_interval = 150;           // regtest's nSubsidyHalvingInterval
  Block genesis;
};

// The regtest genesis block as Core's CreateGenesisBlock builds it: a coinbase with the
// coin's timestamp message paying 50 coins to its genesis key.
inline Block make_genesis_block(std::string_view timestamp, std::string_view pubkey_hex, std::uint32_t time,
                                std::uint32_t nonce, std::uint32_t bits) {
  MutableTransaction tx;
  tx.version = 1;
  TxIn& in = tx.inputs.emplace_back();
  const std::uint8_t bits_le[4] = {0xff, 0xff, 0x00, 0x1d};  // CScriptNum(486604799)
  const std::uint8_t four = 4;
  push_data(in.script_sig, ByteSpan(bits_le, 4));
  in.script_sig.push_back(1), in.script_sig.push_back(four);  // CScriptNum(4), pushed as one byte
  push_data(in.script_sig, as_bytes(timestamp));
  tx.outputs.push_back(TxOut{50'00000000, p2pk_script(from_hex(pubkey_hex))});
  Block b;
  b.transactions.emplace_back(std::move(tx));
  b.header.version = 1;
  b.header.merkle_root = b.merkle_root().root;
  b.header.time = time, b.header.bits = bits, b.header.nonce = nonce;
  return b;
}

// The genesis block of the regtest network whose hash is `expected`; throws for unknown ones.
inline Block regtest_genesis_block(const BlockHash& expected) {
  Block b;
  if (expected == BtcPolicy::networks[2].genesis_hash) {
    b = make_genesis_block(
        "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks",
        "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51e"
        "c112de5c384df7ba0b8d578a4c702b6bf11d5f",
        1296688602, 2, 0x207fffff);
  } else if (expected == LtcPolicy::networks[2].genesis_hash) {
    b = make_genesis_block("NY Times 05/Oct/2011 Steve Jobs, Apple\xe2\x80\x99s Visionary, Dies at 56",
                           "040184710fa689ad5023690c80f3a49c8f13f8d45b8c857fbcbc8bc4a8e4d3eb4b10f4d4604fa08dce601aaf0f"
                           "470216fe1b51850b4acf21b179c45070ac7b03a9",
                           1296688602, 0, 0x207fffff);
  } else {
    throw std::invalid_argument("regtest: no genesis block known for " + expected.to_hex());
  }
  if (b.hash() != expected) throw std::logic_error("regtest: genesis block does not hash to " + expected.to_hex());
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
  p.pow_hash = std::is_base_of_v<LtcPolicy, Coin> ? PowHash::scrypt : PowHash::sha256d;
  p.canonical_tx_order = Coin::sighash == SighashScheme::forkid;  // BCH: CTOR since November 2018
  p.genesis = regtest_genesis_block(net->genesis_hash);
  return p;
}

}  // namespace coinkit::regtest
