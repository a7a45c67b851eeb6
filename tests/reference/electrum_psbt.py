#!/usr/bin/python3
"""Debian's Electrum 4.3.4 on the other side of a PSBT: the independent reference of coinkit's
unsigned payouts and signtransaction. Reads a JSON list of cases on stdin, writes one object per
case on stdout. Offline: wallets restored in memory (restore_wallet_from_text with path=None).

{"op": "sign", "network", "text" (seed or xprv), "psbt"}: the wallet's sign_transaction, then
  {"complete", "tx"}: tx.serialize(), the network transaction's hex once complete (else base64).
{"op": "make", "network", "text" (xpub: watching only), "coins": [{"tx" (hex), "vout"}],
  "outputs": [{"address", "value"}], "fee"}: make_unsigned_transaction over those coins, then
  {"psbt"}: the PSBT in base64, as Electrum hands it to a signer.
{"op": "deserialize", "network", "tx" (hex or PSBT)}: {"json": the deserialize command's answer}.
{"op": "serialize", "network", "jsontx"}: {"tx": the serialize command's answer}."""
import asyncio
import json

from electrum.commands import Commands
from electrum.transaction import PartialTxInput, PartialTxOutput, Transaction, TxOutpoint, tx_from_any
from electrum.wallet import restore_wallet_from_text

from offline_wallets import run_cases


def sign(wallet, case):
    tx = tx_from_any(case["psbt"])
    wallet.sign_transaction(tx, None)
    return {"complete": tx.is_complete(), "tx": tx.serialize()}


def make(wallet, case):
    coins = []
    for c in case["coins"]:
        prev = Transaction(c["tx"])
        txin = PartialTxInput(prevout=TxOutpoint(txid=bytes.fromhex(prev.txid()), out_idx=c["vout"]))
        txin.utxo = prev
        wallet.add_input_info(txin)
        coins.append(txin)
    outputs = [PartialTxOutput.from_address_and_value(o["address"], o["value"]) for o in case["outputs"]]
    tx = wallet.make_unsigned_transaction(coins=coins, outputs=outputs, fee=case["fee"])
    tx.add_info_from_wallet(wallet)
    assert not tx.is_complete()
    return {"psbt": tx.serialize()}


def deserialize(case):
    return {"json": json.loads(json.dumps(tx_from_any(case["tx"]).to_json()))}


def serialize(case, config):
    commands = Commands(config=config, network=None, daemon=None)
    return {"tx": asyncio.run(commands.serialize(case["jsontx"]))}


def answer(case, config):
    if case["op"] == "deserialize":
        return deserialize(case)
    if case["op"] == "serialize":
        return serialize(case, config)
    wallet = restore_wallet_from_text(case["text"], path=None, config=config)["wallet"]
    return {"sign": sign, "make": make}[case["op"]](wallet, case)


if __name__ == "__main__":
    run_cases(answer)
