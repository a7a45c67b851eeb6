#!/usr/bin/python3
"""Debian's Electrum 4.3.4 signing a transaction: the independent reference of coinkit's
sign_input. Reads a JSON list of {"network", "version", "locktime", "inputs": [{"txid", "vout",
"value", "type" (p2pkh, p2wpkh, p2wpkh-p2sh), "secret" (hex), "compressed", "sequence"}],
"outputs": [{"script" (hex), "value"}]} on stdin; writes one {"hex"} per case: the transaction
Electrum's PartialTransaction.sign makes, serialized."""
import json
import sys

from electrum import bitcoin, constants, ecc
from electrum.transaction import PartialTransaction, PartialTxInput, PartialTxOutput, TxOutpoint, TxOutput

NETWORKS = {"mainnet": constants.set_mainnet, "testnet": constants.set_testnet, "regtest": constants.set_regtest}


def sign(case):
    NETWORKS[case["network"]]()
    inputs, keypairs = [], {}
    for i in case["inputs"]:
        secret = bytes.fromhex(i["secret"])
        pubkey = ecc.ECPrivkey(secret).get_public_key_bytes(compressed=i["compressed"])
        txin = PartialTxInput(prevout=TxOutpoint(txid=bytes.fromhex(i["txid"]), out_idx=i["vout"]))
        txin.script_type = i["type"]
        txin.pubkeys = [pubkey]
        txin.num_sig = 1
        txin.nsequence = i["sequence"]
        address = bitcoin.pubkey_to_address(i["type"], pubkey.hex())
        txin.witness_utxo = TxOutput(scriptpubkey=bytes.fromhex(bitcoin.address_to_script(address)), value=i["value"])
        inputs.append(txin)
        keypairs[pubkey.hex()] = (secret, i["compressed"])
    outputs = [PartialTxOutput(scriptpubkey=bytes.fromhex(o["script"]), value=o["value"]) for o in case["outputs"]]
    tx = PartialTransaction.from_io(inputs, outputs, locktime=case["locktime"], version=case["version"], BIP69_sort=False)
    tx.sign(keypairs)
    assert tx.is_complete()
    return {"hex": tx.serialize()}


json.dump([sign(case) for case in json.load(sys.stdin)], sys.stdout)
