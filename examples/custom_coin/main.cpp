// custom-coin: a new coin is a policy struct that derives an existing one and changes what
// differs. Here Dogecoin: its genesis block built from the policy and checked against the real
// one (scrypt proof of work included), then its address for a key, written and read back.
#include <coinkit/address/address.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/core/ripemd160.hpp>
#include <coinkit/core/scrypt.hpp>
#include <coinkit/regtest/chain_params.hpp>

#include <iostream>

// --- the whole coin definition ---------------------------------------------------------
struct DogePolicy : coinkit::BtcPolicy {
  static constexpr std::string_view name = "Dogecoin", ticker = "DOGE";
  static constexpr bool segwit = false;
  static constexpr std::uint16_t daemon_port = 5010;
  static coinkit::Hash256 pow_hash(coinkit::ByteSpan header) { return coinkit::scrypt_1024_1_1(header); }
  // Dogecoin Core's chainparams.cpp: "Nintondo", 88 DOGE to this key; regtest's time and nonce.
  static constexpr std::string_view genesis_key =
      "040184710fa689ad5023690c80f3a49c8f13f8d45b8c857fbcbc8bc4a8e4d3eb4b10f4d4604fa08dce601aaf0f470216fe1b51850b4"
      "acf21b179c45070ac7b03a9";
  static constexpr coinkit::GenesisParams regtest_genesis = {
      .message = "Nintondo", .output_pubkey = genesis_key, .time = 1296688602, .nonce = 2, .reward = 88'00000000};
  static constexpr coinkit::ExtKeyVersion ext_keys[] = {{coinkit::TxinType::p2pkh, 0x02facafd, 0x02fac398}};
  static constexpr std::array<coinkit::Network, 1> networks = {
      {{coinkit::NetworkId::mainnet,
        coinkit::BlockHash::from_hex("1a91e3dace36e2be3bf030a65679fe821aa1d6ef92e7c9902eb318182c355691"),
        0xc0c0c0c0,
        {.p2pkh_prefix = 0x1e, .p2sh_prefix = 0x16},
        0x9e,
        ext_keys,
        {22556, 22555, 50001, 50002},
        3}}};  // SLIP-44: Dogecoin
};
static_assert(coinkit::CoinPolicy<DogePolicy>);
// ----------------------------------------------------------------------------------------

int main() {
  using namespace coinkit;
  const Network& doge = *find_network<DogePolicy>("mainnet");

  // Mainnet's genesis block: the regtest parameters with mainnet's time, nonce and target. Its
  // hash is the network's, and its scrypt proof of work meets the target 0x1e0ffff0.
  GenesisParams mainnet = DogePolicy::regtest_genesis;
  mainnet.time = 1386325540, mainnet.nonce = 99943, mainnet.bits = 0x1e0ffff0;
  const Block genesis = regtest::make_genesis_block(mainnet);
  const std::string pow = DogePolicy::pow_hash(genesis.header.serialize()).to_hex();  // as a number, big-endian
  const std::string target = "00000ffff0" + std::string(54, '0');                     // 0x1e0ffff0, expanded
  const bool pow_ok = pow <= target;  // equal-length hex strings compare as the numbers do
  std::cout << "genesis  " << genesis.hash() << (genesis.hash() == doge.genesis_hash ? " (Dogecoin's)" : " (WRONG)")
            << "\npow      " << pow << (pow_ok ? " meets" : " misses") << " the target\n";
  if (genesis.hash() != doge.genesis_hash || !pow_ok) {
    std::cerr << "custom-coin: the policy does not build Dogecoin's genesis block\n";
    return 1;
  }

  // The generator point's compressed public key stands in for a wallet key.
  const Bytes pubkey = from_hex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  const Bytes script = p2pkh_script(hash160(pubkey));
  const std::string address = to_address_or_throw(script, doge.address);
  std::cout << DogePolicy::name << " (" << DogePolicy::ticker << "), genesis " << doge.genesis_hash << "\n"
            << "address  " << address << "\n"
            << "script   " << to_hex(script) << "\n"
            << "electrum " << electrum_scripthash(script) << "\n";

  // Read back: the same script; and a Bitcoin address is refused on this network.
  const auto back = to_script_pubkey(address, doge.address);
  const auto bitcoin = to_script_pubkey("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", doge.address);
  if (!back || *back != script || address[0] != 'D' || bitcoin) {
    std::cerr << "custom-coin: address round trip failed\n";
    return 1;
  }
  std::cout << "a Bitcoin address on Dogecoin: " << bitcoin.error().message() << "\n";
  return 0;
}
