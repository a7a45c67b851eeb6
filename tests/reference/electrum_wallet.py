#!/usr/bin/python3
"""What Debian's Electrum 4.3.4 makes of a wallet's key text: the independent reference of
coinkit's wallet tests. Reads a JSON list of {"network", "text"[, "bip39_derivation"]} on stdin, writes one JSON object
per entry on stdout: {"ok", "error", "validatekey", "mpk", "txin_type", "receiving", "change"}, and
"fingerprint" (Bitcart's getfingerprint) for an extended key of the network.
Offline: no network, no file (restore_wallet_from_text with path=None)."""
from electrum import bip32, keystore
from electrum.wallet import restore_wallet_from_text
from electrum.util import BitcoinException

from offline_wallets import run_cases


def describe(text, config, bip39_derivation=None):
    out = {"validatekey": bool(keystore.is_master_key(text) or keystore.is_seed(text))}
    if keystore.is_bip32_key(text):
        out["fingerprint"] = bip32.root_fp_and_der_prefix_from_xkey(text)[0]
    try:
        if bip39_derivation:  # Electrum's own BIP39 keystore, restored from its xpub
            root_seed = keystore.bip39_to_seed(text, "")
            xtype = keystore.xtype_from_derivation(bip39_derivation)
            text = keystore.from_bip43_rootseed(root_seed, derivation=bip39_derivation, xtype=xtype).get_master_public_key()
        wallet = restore_wallet_from_text(text, path=None, config=config)["wallet"]
    except (Exception, BitcoinException) as e:
        out.update(ok=False, error=str(e))
        return out
    out.update(ok=True, error="", mpk=wallet.get_master_public_key(), txin_type=wallet.txin_type,
               receiving=list(wallet.get_receiving_addresses()), change=list(wallet.get_change_addresses()))
    return out


if __name__ == "__main__":
    run_cases(lambda case, config: describe(case["text"], config, case.get("bip39_derivation")))
