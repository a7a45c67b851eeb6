// A wallet daemon's key tools that need no wallet: validatekey, validateaddress, make_seed,
// create, restore and convert_xkey, as Electrum 4.3's commands answer them, and Bitcart's
// getfingerprint; an Electron Cash wallet's daemon adds addressconvert, make_electrum_seed,
// check_electrum_seed and check_seed, and makes standard seeds (no segwit).
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/daemon/methods/arguments.hpp>
#include <coinkit/keys/electrum_seed.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/wallet/electrum_wallet.hpp>
#include <coinkit/wallet/restore.hpp>

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace coinkit::daemon {

// Where a wallet of this key would be, as Electrum's replies name a path: a digest of the key,
// never the key text (Bitcart names wallet files after the key, seeds included).
inline std::string wallet_id(std::string_view key) { return "wallet_" + sha256(as_bytes(key)).to_hex().substr(0, 16); }

// Self: the daemon (network(), config(), wallet loading).
template <class Self>
class KeyTools {
 public:
  bool validatekey(std::string key) { return wallet::is_master_key_or_seed(key, self().network()); }

  bool validateaddress(std::string address) { return to_script_pubkey(address, self().network().address).has_value(); }

  std::string make_seed(std::int64_t nbits, std::string language, std::string seed_type) {
    (void)language;  // Electrum makes English seeds whatever the language asked
    if (nbits < 128 || nbits > 512) throw rpc::fault_error("Exception: nbits must be between 128 and 512");
    return electrum_seed::make(seed_type_of(seed_type), static_cast<std::size_t>(nbits));
  }

  boost::json::object create(std::optional<std::string> passphrase, std::optional<std::string> password,
                             bool encrypt_file, std::optional<std::string> seed_type,
                             std::optional<std::string> wallet_path) {
    (void)password, (void)encrypt_file;
    if (passphrase && !passphrase->empty())
      throw rpc::fault_error("Exception: seed extensions (passphrases) are not supported: keep the seed alone");
    const std::string seed = electrum_seed::make(seed_type_of(seed_type.value_or(default_seed_type())));
    return {{"seed", seed},
            {"path", path_of(seed, wallet_path)},
            {"msg",
             "Please keep your seed in a safe place; if you lose it, you will not be able to restore your "
             "wallet."}};
  }

  boost::json::object restore(std::string text, std::optional<std::string> passphrase,
                              std::optional<std::string> password, bool encrypt_file,
                              std::optional<std::string> wallet_path) {
    (void)password, (void)encrypt_file;
    if (passphrase && !passphrase->empty())
      throw rpc::fault_error("Exception: seed extensions (passphrases) are not supported: keep the seed alone");
    auto keys = wallet::restore_keystore(text, self().network(), Self::Wallet::rules::key_text);
    if (!keys) throw rpc::fault_error("Exception: " + keys.error().message());
    return {{"path", path_of(text, wallet_path)},
            {"msg",
             "This wallet was restored offline. It may contain more addresses than displayed. Start a daemon "
             "and use load_wallet to sync its history."}};
  }

  std::string convert_xkey(std::string xkey, std::string xtype) {
    const auto& versions = self().network().ext_key_versions;
    auto decoded = decode_ext_key(xkey, versions);
    if (!decoded) throw rpc::fault_error("Exception: xkey should be a master public/private key");
    const auto type = txin_type_of(xtype);
    if (!type) throw rpc::fault_error("KeyError: '" + xtype + "'");
    auto out = std::visit([&](const auto& k) { return k.to_base58(versions, *type); }, decoded->key);
    if (!out) throw rpc::fault_error("KeyError: '" + xtype + "'");
    return *out;
  }

  // Bitcart's: the root fingerprint of a master key in hex (null when its depth hides it).
  boost::json::value getfingerprint(std::string xpub) {
    auto decoded = decode_ext_key(xpub, self().network().ext_key_versions);
    if (!decoded) throw rpc::fault_error("Exception: xkey should be a master public/private key");
    const auto fp = root_fingerprint(decoded->key);
    if (!fp) return nullptr;
    return boost::json::string(to_hex(*fp));
  }

  // Electron Cash's: the address in both of its forms, CashAddr with its prefix and legacy.
  boost::json::object addressconvert(std::string address) {
    const Bytes script = address_argument(address, self().network());
    const auto& format = self().network().address;
    return {{"cashaddr", to_address_or_throw(script, format)},
            {"legacy", to_address_or_throw(script, format, AddressStyle::legacy)}};
  }
  // Electron Cash's: a standard Electrum seed (its only kind); `entropy`, a custom entropy to
  // multiply in, is not supported beyond 1.
  std::string make_electrum_seed(std::int64_t nbits, std::int64_t entropy, boost::json::value language) {
    (void)language;
    if (entropy != 1) throw rpc::fault_error("Exception: custom entropy is not supported");
    return make_seed(nbits, "en", "standard");
  }
  // Whether the text is an Electrum standard seed (Electron Cash's check_electrum_seed).
  bool check_electrum_seed(std::string seed, std::int64_t entropy, boost::json::value language) {
    (void)language;
    if (entropy != 1) throw rpc::fault_error("Exception: custom entropy is not supported");
    return electrum_seed::try_seed_type(seed) == ElectrumSeedType::standard;
  }
  std::string check_seed(boost::json::value seed, boost::json::value entropy, boost::json::value language) {
    (void)seed, (void)entropy, (void)language;
    throw rpc::fault_error("NotImplementedError: check_seed has been removed.  Use check_electrum_seed instead.");
  }

  static constexpr auto rpc_methods() {
    using S = KeyTools;
    if constexpr (electron_cash())
      return rpc::combine(
          common_methods("standard"),
          rpc::methods(
              rpc::method<&S::addressconvert>("addressconvert", rpc::no_flags,
                                              "Convert an address to CashAddr and to legacy form.",
                                              rpc::arg("address")),
              rpc::method<&S::make_electrum_seed>("make_electrum_seed", rpc::no_flags, "Create an Electrum seed.",
                                                  rpc::arg("nbits", 132), rpc::arg("entropy", 1),
                                                  rpc::arg("language", nullptr)),
              rpc::method<&S::check_electrum_seed>("check_electrum_seed", rpc::no_flags,
                                                   "Whether the text is an Electrum seed.", rpc::arg("seed"),
                                                   rpc::arg("entropy", 1), rpc::arg("language", nullptr)),
              rpc::method<&S::check_seed>("check_seed", rpc::no_flags, "Removed: use check_electrum_seed.",
                                          rpc::arg("seed"), rpc::arg("entropy", 1), rpc::arg("language", nullptr))));
    else
      return common_methods(default_seed_type());
  }

 private:
  static constexpr bool electron_cash() { return wallet::is_electron_cash<typename Self::Wallet>; }
  // Electrum makes segwit seeds; a coin without segwit (and Electron Cash) can only use standard ones.
  static constexpr const char* default_seed_type() {
    return electron_cash() || !Self::Coin::segwit ? "standard" : "segwit";
  }

  static constexpr auto common_methods(const char* seed_type) {
    using S = KeyTools;
    return rpc::methods(
        rpc::method<&S::validatekey>("validatekey", rpc::no_flags,
                                     "Whether the text is a master key or a seed a wallet can be made from.",
                                     rpc::arg("key")),
        rpc::method<&S::validateaddress>("validateaddress", rpc::no_flags,
                                         "Check that an address is valid on this network.", rpc::arg("address")),
        rpc::method<&S::make_seed>("make_seed", rpc::no_flags, "Create a seed.", rpc::arg("nbits", 132),
                                   rpc::arg("language", "en"), rpc::arg("seed_type", seed_type)),
        rpc::method<&S::create>("create", rpc::no_flags, "Create a new wallet from a new seed.",
                                rpc::arg("passphrase", std::nullopt), rpc::arg("password", std::nullopt),
                                rpc::arg("encrypt_file", true), rpc::arg("seed_type", std::nullopt),
                                rpc::arg("wallet_path", std::nullopt)),
        rpc::method<&S::restore>(
            "restore", rpc::no_flags, "Restore a wallet from text: a seed, a master key, addresses or private keys.",
            rpc::arg("text"), rpc::arg("passphrase", std::nullopt), rpc::arg("password", std::nullopt),
            rpc::arg("encrypt_file", true), rpc::arg("wallet_path", std::nullopt)),
        rpc::method<&S::convert_xkey>("convert_xkey", rpc::no_flags, "Convert xtype of a master key. e.g. xpub -> ypub",
                                      rpc::arg("xkey"), rpc::arg("xtype")),
        rpc::method<&S::getfingerprint>("getfingerprint", rpc::no_flags,
                                        "The root fingerprint of a master key (hex), null when it is not known.",
                                        rpc::arg("xpub")));
  }

  Self& self() noexcept { return static_cast<Self&>(*this); }

  static ElectrumSeedType seed_type_of(std::string_view name) {
    if (electron_cash() && name != "standard")
      throw rpc::fault_error("Exception: Unknown seed type: " + std::string(name) +
                             " (Bitcoin Cash has standard seeds)");
    for (auto t : {ElectrumSeedType::standard, ElectrumSeedType::segwit})
      if (to_string(t) == name) return t;
    throw rpc::fault_error("Exception: Unknown seed type: " + std::string(name));
  }

  // Electrum's xtype names: "standard" is p2pkh.
  static std::optional<TxinType> txin_type_of(std::string_view xtype) {
    if (xtype == "standard") return TxinType::p2pkh;
    for (auto t : {TxinType::p2wpkh_p2sh, TxinType::p2wpkh, TxinType::p2wsh_p2sh, TxinType::p2wsh})
      if (to_string(t) == xtype) return t;
    return std::nullopt;
  }

  std::string path_of(std::string_view key, const std::optional<std::string>& wallet_path) {
    if (wallet_path && !wallet_path->empty()) return *wallet_path;
    const std::string& data = self().config().data_path;
    return (data.empty() ? std::string() : data + "/") + "wallets/" + wallet_id(key);
  }
};

}  // namespace coinkit::daemon
