#!/usr/bin/python3
"""What Debian's Electrum 4.3.4 makes of an on-chain payment request: the independent reference of
coinkit's payment request tests. Reads a JSON list of {"network", "address", "amount" (satoshis),
"message", "time", "expiry", "now"[, "height", "received"]} on stdin, writes one JSON object per
entry on stdout: {"request_id", "URI", "status_str"} of Electrum's Invoice, its status unpaid,
seen at `now`; and with "received" (the outputs paid to its address: {"txid", "vout", "value",
"height", "confirmations"}), what Electrum's wallet makes of them: {"paid", "confirmations",
"tx_hashes" (sorted), "status"}, through the wallet's own _is_onchain_invoice_paid and
get_invoice_status on a stand-in for its database."""
import json
import sys
import threading
import types
from datetime import datetime

from electrum import constants, invoices, util
from electrum.invoices import PR_UNPAID, Invoice
from electrum.transaction import PartialTxOutput, TxOutpoint
from electrum.util import TxMinedInfo
from electrum.wallet import Abstract_Wallet

NETWORKS = {"mainnet": constants.set_mainnet, "testnet": constants.set_testnet, "regtest": constants.set_regtest}


class Received:
    """What Abstract_Wallet's request methods ask of a wallet, from the case's outputs."""
    lnworker = None
    _is_onchain_invoice_paid = Abstract_Wallet._is_onchain_invoice_paid
    is_onchain_invoice_paid = Abstract_Wallet.is_onchain_invoice_paid
    check_expired_status = Abstract_Wallet.check_expired_status
    get_invoice_status = Abstract_Wallet.get_invoice_status

    def __init__(self, outputs):
        self.lock, self.transaction_lock = threading.RLock(), threading.RLock()
        prevouts = {(TxOutpoint(txid=bytes.fromhex(o["txid"]), out_idx=o["vout"]), o["value"]) for o in outputs}
        mined = {o["txid"]: TxMinedInfo(height=o["height"], conf=o["confirmations"]) for o in outputs}
        self.db = types.SimpleNamespace(get_prevouts_by_scripthash=lambda scripthash: prevouts)
        self.adb = types.SimpleNamespace(get_tx_height=lambda txid: mined[txid])


def describe(case):
    NETWORKS[case["network"]]()
    outputs = [PartialTxOutput.from_address_and_value(case["address"], case["amount"])]
    req = Invoice(outputs=outputs, message=case["message"], time=case["time"], amount_msat=case["amount"] * 1000,
                  exp=case["expiry"], height=case.get("height", 0), bip70=None, lightning_invoice=None)
    now = datetime.fromtimestamp(case["now"])
    # get_status_str and has_expired ask for "now": the case's instead.
    invoices.age = lambda when, include_seconds=False: util.age(when, since_date=now, include_seconds=include_seconds)
    invoices.time = types.SimpleNamespace(time=lambda: case["now"])
    out = {"request_id": req.get_id(), "URI": req.get_bip21_URI(), "status_str": req.get_status_str(PR_UNPAID)}
    if "received" in case:
        wallet = Received(case["received"])
        paid, confirmations, tx_hashes = wallet._is_onchain_invoice_paid(req)
        out.update(paid=paid, confirmations=confirmations, tx_hashes=sorted(tx_hashes),
                   status=wallet.get_invoice_status(req))
    return out


def main():
    json.dump([describe(case) for case in json.load(sys.stdin)], sys.stdout)


if __name__ == "__main__":
    main()
