// BasicWallet<Coin, Rules>: the wallet engine: the keys a wallet's text holds, receiving and
// change addresses grown by the gap limits, the history of each address, and whether it is
// synchronized with the server; ElectrumWallet<Coin> is it under Electrum 4.3's rules.
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/net/wake_list.hpp>
#include <coinkit/wallet/address_chains.hpp>
#include <coinkit/wallet/payment_request.hpp>
#include <coinkit/wallet/request_book.hpp>
#include <coinkit/wallet/restore.hpp>
#include <coinkit/wallet/wallet_fwd.hpp>
#include <coinkit/wallet/wallet_history.hpp>

#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace coinkit::wallet {

// The wallet programs whose rules a wallet follows (their daemons' methods differ too).
enum class WalletFamily { electrum, electron_cash };

// Electrum 4.3's: gap limits 20 and 10, addresses written in full (BIP39 on BIP84: coinkit's).
struct ElectrumRules {
  static constexpr WalletFamily family = WalletFamily::electrum;
  static constexpr GapLimits gap_limits{20, 10};
  static constexpr KeyTextRules key_text{};
  static constexpr bool cashaddr_without_prefix = false;
};

// Whether a wallet type follows Electron Cash's rules (its daemon answers Electron Cash's methods).
template <class Wallet>
inline constexpr bool is_electron_cash = Wallet::rules::family == WalletFamily::electron_cash;

// Rules: family, gap_limits, key_text (KeyTextRules), cashaddr_without_prefix (how the
// wallet writes its CashAddr addresses).
template <class Coin, class Rules>
class BasicWallet {
 public:
  using rules = Rules;
  static constexpr GapLimits gap_limits = Rules::gap_limits;

  // Reads the key text as Electrum's restore_wallet_from_text does (under Rules::key_text);
  // throws system_error (key_not_recognized, ...) for text that is no wallet of this network.
  BasicWallet(std::string_view text, const Network& net)
      : net_(&net), keys_(restore_keystore(text, net, Rules::key_text).value()), chains_(keys_, net, gap_limits) {
    add_slots();
    slots_.shrink_to_fit();  // most wallets never grow past their first addresses
    receiving_slots_.shrink_to_fit();
    change_slots_.shrink_to_fit();
    history_.shrink_to_fit();
  }
  BasicWallet(const BasicWallet&) = delete;
  BasicWallet& operator=(const BasicWallet&) = delete;

  const Network& network() const noexcept { return *net_; }
  const Keystore& keys() const noexcept { return keys_; }
  const AddressChains& chains() const noexcept { return chains_; }
  WalletHistory& history() noexcept { return history_; }
  const WalletHistory& history() const noexcept { return history_; }

  // ---- addresses -------------------------------------------------------------------------

  struct Slot {
    bool change;
    std::uint32_t index;
  };
  const WalletAddress& address(std::uint32_t slot) const {
    const Slot s = slots_[slot];
    return s.change ? chains_.change()[s.index] : chains_.receiving()[s.index];
  }
  std::string address_text(std::uint32_t slot) const { return address_text(address(slot)); }
  std::string address_text(const WalletAddress& a) const { return written(chains_.address(a)); }
  // The public key of an address of a deterministic keystore's chains.
  PublicKey public_key(const WalletAddress& a) const { return chains_.public_key(a.change, a.index); }
  // The address of any script as this wallet writes addresses.
  std::string script_address(ByteSpan script) const { return written(to_address_or_throw(script, net_->address)); }
  ScriptHash script_hash(std::uint32_t slot) const { return electrum_scripthash(address(slot).script()); }
  bool is_change(std::uint32_t slot) const { return slots_[slot].change && is_deterministic(keys_); }
  std::size_t slot_count() const noexcept { return slots_.size(); }
  std::uint64_t slots_emptied() const noexcept { return history_.slots_emptied(); }

  // The slot of an address of the chains.
  std::uint32_t slot_of(const WalletAddress& a) const {
    return a.change && is_deterministic(keys_) ? change_slots_[a.index] : receiving_slots_[a.index];
  }
  // The slot of an address of this wallet; nullopt if it is not the wallet's.
  std::optional<std::uint32_t> slot_of(std::string_view text) const {
    auto script = to_script_pubkey(text, net_->address);
    return script ? slot_of_script(*script) : std::nullopt;
  }
  // The slot whose address pays to `script`; nullopt if none.
  std::optional<std::uint32_t> slot_of_script(ByteSpan script) const {
    for (std::uint32_t slot = 0; slot < slots_.size(); ++slot)
      if (std::ranges::equal(address(slot).script(), script)) return slot;
    return std::nullopt;
  }

  // Electrum's coins and get_balance over the wallet's addresses, or over one (`only`).
  std::vector<WalletCoin> coins(std::optional<std::uint32_t> only = std::nullopt) const {
    return history_.coins(script_of(), only);
  }
  WalletBalance balance(int local_height, std::optional<std::uint32_t> only = std::nullopt) const {
    return history_.balance(local_height, script_of(), only);
  }

  // Rolls the chains forward by the gap limits (an address whose history is confirmed 3 deep
  // counts as old, as address_is_old does) and returns the slots of the new addresses.
  std::vector<std::uint32_t> roll_gap_limit(int local_height) {
    chains_.synchronize([&](const WalletAddress& a) { return is_old(a, local_height); });
    return add_slots();
  }

  // Derives addresses until each chain has at least these many (a stored wallet's chains, which
  // createnewaddress may have taken past the gap limit); returns the new slots.
  std::vector<std::uint32_t> extend_to(std::uint32_t receiving, std::uint32_t change) {
    if (!is_deterministic(keys_)) return {};
    while (chains_.receiving().size() < receiving) chains_.add_address(false);
    while (chains_.change().size() < change) chains_.add_address(true);
    return add_slots();
  }

  // createnewaddress (or add_request with force): one more receiving address past the limit.
  std::uint32_t create_new_address() {
    chains_.add_address(false);
    return add_slots().back();
  }

  // Electrum's get_unused_address: the first receiving address without history and not
  // `reserved` (by a payment request); nullopt when all are used.
  template <class Reserved>
  std::optional<std::uint32_t> first_unused_receiving(Reserved&& reserved, std::uint32_t from = 0) const {
    for (std::uint32_t slot = from; slot < slots_.size(); ++slot)
      if (!is_change(slot) && !history_.is_used(slot) && !reserved(slot)) return slot;
    return std::nullopt;
  }
  std::optional<std::uint32_t> first_unused_receiving() const {
    return first_unused_receiving([](std::uint32_t) { return false; });
  }

  // Outputs ever paid to the slot's address, with their transactions' places (a payment
  // request's view of the chain).
  std::vector<ReceivedOutput> received(std::uint32_t slot, int local_height) const {
    std::vector<ReceivedOutput> out;
    for (const WalletCoin& c : coins(slot))  // spent or not: every payment counts
      if (const WalletTx* t = history_.transaction(c.outpoint.txid))
        out.push_back({c.outpoint.txid, c.value, t->height, confirmations(*t, local_height)});
    return out;
  }

  // ---- spending ------------------------------------------------------------------------------

  // Electrum's local transactions: made or added here and not yet in the server's history.
  // Their inputs are not offered again; the server's history, once it lists one, takes over.
  bool add_local(Transaction tx) {
    if (history_.transaction(tx.txid()) || local_transaction(tx.txid())) return false;
    local_.push_back(std::move(tx));
    return true;
  }
  bool remove_local(const Txid& id) {
    return std::erase_if(local_, [&](const Transaction& t) { return t.txid() == id; }) > 0;
  }
  const Transaction* local_transaction(const Txid& id) const {
    auto it = std::ranges::find_if(local_, [&](const Transaction& t) { return t.txid() == id; });
    return it == local_.end() ? nullptr : &*it;
  }
  const std::vector<Transaction>& local_transactions() const noexcept { return local_; }
  // A transaction of the server's history for the wallet, else a local one; null if neither.
  const Transaction* known_transaction(const Txid& id) const {
    if (const WalletTx* t = history_.transaction(id)) return &t->tx;
    return local_transaction(id);
  }

  // The local transactions the server's history now lists, forgotten here (the history takes
  // over); their txids, for the caller to forget on disk too.
  std::vector<Txid> forget_listed_locals() {
    std::vector<Txid> listed;
    std::erase_if(local_, [&](const Transaction& t) {
      const bool in_history = history_.transaction(t.txid()) != nullptr;
      if (in_history) listed.push_back(t.txid());
      return in_history;
    });
    return listed;
  }

  // Electrum's freeze and freeze_utxo: addresses (by slot) and coins no new transaction spends.
  void set_frozen(std::uint32_t slot, bool frozen) {
    if (frozen)
      frozen_slots_.insert(slot);
    else
      frozen_slots_.erase(slot);
  }
  void set_frozen(const OutPoint& coin, bool frozen) {
    if (frozen)
      frozen_coins_.insert(coin);
    else
      frozen_coins_.erase(coin);
  }
  bool is_frozen(std::uint32_t slot) const { return frozen_slots_.contains(slot); }
  bool is_frozen(const OutPoint& coin) const { return frozen_coins_.contains(coin); }

  // The coins a new transaction may spend: unspent, mature, not frozen, not spent by a local
  // transaction.
  std::vector<WalletCoin> spendable_coins(int local_height) const {
    boost::unordered_flat_set<OutPoint, std::hash<OutPoint>> spent;
    for (const Transaction& t : local_)
      for (const TxIn& in : t.inputs()) spent.insert(in.prevout);
    std::vector<WalletCoin> out = coins();
    std::erase_if(out, [&](const WalletCoin& c) {
      const bool immature = c.coinbase && (c.height <= 0 || local_height - c.height + 1 < coinbase_maturity);
      return c.spent_by || immature || spent.contains(c.outpoint) || is_frozen(c.slot) || is_frozen(c.outpoint);
    });
    return out;
  }

  // Electrum's get_change_addresses_for_new_transaction: the first change address without
  // history that no local transaction pays; an imported wallet's change goes back to `fallback`
  // (the address of a coin it spends).
  std::uint32_t change_slot(std::uint32_t fallback) const {
    if (!is_deterministic(keys_)) return fallback;
    auto paid_locally = [&](std::uint32_t slot) {
      for (const Transaction& t : local_)
        for (const TxOut& o : t.outputs())
          if (std::ranges::equal(o.script_pubkey, address(slot).script())) return true;
      return false;
    };
    for (std::uint32_t slot : change_slots_)
      if (!history_.is_used(slot) && !paid_locally(slot)) return slot;
    return change_slots_.empty() ? fallback : change_slots_.front();
  }

  RequestBook& requests() noexcept { return requests_; }
  const RequestBook& requests() const noexcept { return requests_; }

  // ---- confirmations ---------------------------------------------------------------------

  // Electrum's get_tx_height(txid).conf: counted from the local tip for verified transactions,
  // 0 for the rest.
  static int confirmations(const WalletTx& t, int local_height) {
    if (!t.verified) return 0;
    return std::max(local_height - t.height + 1, 0);
  }

  // ---- synchronization -------------------------------------------------------------------

  // Address updates in flight; the wallet is synchronized when none is and the chains are long
  // enough.
  int& updates_in_flight() noexcept { return in_flight_; }
  bool synchronized() const noexcept { return synchronized_; }
  void set_synchronized(bool s) {
    synchronized_ = s;
    if (s) synced_.wake_all();
  }
  net::WakeList& sync_waiters() noexcept { return synced_; }

 private:
  // Electron Cash writes a CashAddr address without its prefix (to_ui_string).
  static std::string written(std::string text) {
    if constexpr (Rules::cashaddr_without_prefix)
      if (const auto colon = text.find(':'); colon != std::string::npos) text.erase(0, colon + 1);
    return text;
  }

  auto script_of() const {
    return [this](std::uint32_t slot) { return address(slot).script(); };
  }

  bool is_old(const WalletAddress& a, int local_height) const {
    const auto& known = a.change && is_deterministic(keys_) ? change_slots_ : receiving_slots_;
    if (a.index >= known.size()) return false;  // just derived by this roll: no history yet
    for (const HistoryItem& item : history_.history(known[a.index]))
      if (const WalletTx* t = history_.transaction(item.txid); t && confirmations(*t, local_height) >= 3) return true;
    return false;
  }

  // Slots for the chains' addresses that have none yet, receiving first.
  std::vector<std::uint32_t> add_slots() {
    std::vector<std::uint32_t> added;
    auto add = [&](bool change, std::span<const WalletAddress> chain, std::vector<std::uint32_t>& slot_of) {
      while (slot_of.size() < chain.size()) {
        added.push_back(history_.add_slot());
        slot_of.push_back(added.back());
        slots_.push_back({change, static_cast<std::uint32_t>(slot_of.size() - 1)});
      }
    };
    add(false, chains_.receiving(), receiving_slots_);
    if (is_deterministic(keys_)) add(true, chains_.change(), change_slots_);
    return added;
  }

  const Network* net_;
  Keystore keys_;
  AddressChains chains_;
  WalletHistory history_;
  boost::unordered_flat_set<std::uint32_t> frozen_slots_;
  boost::unordered_flat_set<OutPoint, std::hash<OutPoint>> frozen_coins_;
  RequestBook requests_;
  std::vector<Transaction> local_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> receiving_slots_, change_slots_;  // the slot of each chain's addresses
  int in_flight_ = 0;
  bool synchronized_ = false;
  net::WakeList synced_;
};

}  // namespace coinkit::wallet
