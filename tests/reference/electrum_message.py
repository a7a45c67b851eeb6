#!/usr/bin/python3
"""Debian's Electrum 4.3.4 on signed messages: the independent reference of coinkit's
signed_message. Reads a JSON list on stdin of {"sign": {"secret" (hex), "compressed", "message"}}
or {"verify": {"network", "address", "signature" (base64), "message"}}; writes one object per
entry: {"signature"} as Electrum's ECPrivkey.sign_message makes it, or {"valid"} as
ecc.verify_message_with_address answers."""
import base64
import json
import sys

from electrum import constants, ecc

NETWORKS = {"mainnet": constants.set_mainnet, "testnet": constants.set_testnet, "regtest": constants.set_regtest}


def answer(case):
    if "sign" in case:
        c = case["sign"]
        sig = ecc.ECPrivkey(bytes.fromhex(c["secret"])).sign_message(c["message"], c["compressed"])
        return {"signature": base64.b64encode(sig).decode("ascii")}
    c = case["verify"]
    NETWORKS[c["network"]]()
    sig = base64.b64decode(c["signature"])
    return {"valid": ecc.verify_message_with_address(c["address"], sig, c["message"].encode("utf8"))}


json.dump([answer(case) for case in json.load(sys.stdin)], sys.stdout)
