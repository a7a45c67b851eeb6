// A wallet daemon's methods on the wallet's private keys, as Electrum 4.3 answers them: getseed,
// getprivatekeys, signmessage; and verifymessage, which needs no wallet.
#pragma once

#include <coinkit/core/base64.hpp>
#include <coinkit/daemon/methods/arguments.hpp>
#include <coinkit/keys/wif.hpp>
#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/wallet/keystore.hpp>
#include <coinkit/wallet/signed_message.hpp>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace coinkit::daemon {

// Self: the daemon (wallet(call), network()).
template <class Self>
class WalletKeys {
 public:
  // The words the wallet was made from.
  std::string getseed(const rpc::Call& call) {
    const auto& keys = self().wallet(call).keys();
    if (const auto* b = std::get_if<wallet::Bip32Keys>(&keys); b && !b->seed.empty() && b->xprv) return b->seed;
    if (const auto* o = std::get_if<wallet::OldKeys>(&keys); o && !o->seed.empty() && o->master) return o->seed;
    throw rpc::fault_error("Exception: This wallet has no seed words");
  }

  // Electrum's export_private_key: "<script type>:<WIF>" of one address, or a list for a list.
  boost::json::value getprivatekeys(const rpc::Call& call, boost::json::value address) {
    if (address.is_string()) return boost::json::string(private_key_of(call, std::string(address.get_string())));
    if (!address.is_array()) throw rpc::fault_error("Exception: address must be an address or a list of them");
    boost::json::array out;
    for (const auto& a : address.get_array()) {
      if (!a.is_string()) throw rpc::fault_error("Exception: address must be an address or a list of them");
      out.emplace_back(private_key_of(call, std::string(a.get_string())));
    }
    return out;
  }

  // Electrum's sign_message with the key of one of the wallet's addresses, in base64.
  std::string signmessage(const rpc::Call& call, std::string address, std::string message) {
    return wallet::sign_message(key_of(call, address).key, message, message_magic());
  }

  // Electrum's verifymessage: whether `signature` (base64) signs `message` for `address`.
  bool verifymessage(std::string address, std::string signature, std::string message) {
    auto sig = base64_decode(signature);
    if (!sig) throw rpc::fault_error("binascii.Error: Incorrect padding");
    return wallet::verify_message(address, *sig, message, self().network().address, message_magic());
  }

  static constexpr auto rpc_methods() {
    using S = WalletKeys;
    return rpc::methods(
        rpc::method<&S::getseed>("getseed", rpc::requires_wallet,
                                 "Get seed phrase. Print the generation seed of your wallet."),
        rpc::method<&S::getprivatekeys>("getprivatekeys", rpc::requires_wallet,
                                        "Get private keys of addresses. You may pass a single wallet address, or a "
                                        "list of wallet addresses.",
                                        rpc::arg("address")),
        rpc::method<&S::signmessage>("signmessage", rpc::requires_wallet,
                                     "Sign a message with a key. Use quotes if your message contains whitespaces",
                                     rpc::arg("address"), rpc::arg("message")),
        rpc::method<&S::verifymessage>("verifymessage", rpc::no_flags, "Verify a signature.", rpc::arg("address"),
                                       rpc::arg("signature"), rpc::arg("message")));
  }

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }

  // The coin's signed-message magic; Bitcoin's for coins that keep it.
  static std::string_view message_magic() {
    if constexpr (requires { Self::Coin::message_magic; })
      return Self::Coin::message_magic;
    else
      return "Bitcoin Signed Message:\n";
  }

  // The key of one of the wallet's addresses, with Electrum's errors in Electrum's order.
  wallet::SigningKey key_of(const rpc::Call& call, const std::string& address) {
    auto& w = self().wallet(call);
    if (wallet::is_watching_only(w.keys())) throw rpc::fault_error("Exception: This is a watching-only wallet");
    (void)address_argument(address, self().network());
    const auto slot = w.slot_of(address);
    if (!slot) throw rpc::fault_error("Exception: Address not in wallet. " + address);
    const auto& a = w.address(*slot);
    auto key = wallet::signing_key(w.keys(), a.change, a.index, a.script());
    if (!key) throw rpc::fault_error("Exception: " + key.error().message());
    return *key;
  }

  std::string private_key_of(const rpc::Call& call, const std::string& address) {
    const wallet::SigningKey k = key_of(call, address);
    return std::string(to_string(k.type)) + ":" + encode_wif(k.key, self().network().wif_prefix);
  }
};

}  // namespace coinkit::daemon
