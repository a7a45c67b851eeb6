#!/usr/bin/python3
"""Debian's Electrum 4.3.4 on signed messages: the independent reference of coinkit's
signed_message. Reads a JSON list on stdin of {"sign": {"secret" (hex), "compressed", "message"[,
"magic"]}}
or {"verify": {"network", "address", "signature" (base64), "message"}}; writes one object per
entry: {"signature"} as Electrum's ECPrivkey.sign_message makes it, or {"valid"} as
ecc.verify_message_with_address answers. A "magic" signs as Electrum's forks do, their msg_magic
with their own text (Electrum-LTC: "Litecoin Signed Message:\n")."""
import base64
import json
import sys

from electrum import constants, ecc
from electrum.bitcoin import var_int
from electrum.crypto import sha256d
from electrum.util import bfh

NETWORKS = {"mainnet": constants.set_mainnet, "testnet": constants.set_testnet, "regtest": constants.set_regtest}


def answer(case):
    if "sign" in case:
        c = case["sign"]
        key = ecc.ECPrivkey(bytes.fromhex(c["secret"]))
        if "magic" in c:
            magic = c["magic"].encode("utf8")

            def algo(message):
                return sha256d(bytes([len(magic)]) + magic + bfh(var_int(len(message))) + message)
            sig = key.sign_message(c["message"], c["compressed"], algo=algo)
        else:
            sig = key.sign_message(c["message"], c["compressed"])
        return {"signature": base64.b64encode(sig).decode("ascii")}
    c = case["verify"]
    NETWORKS[c["network"]]()
    sig = base64.b64decode(c["signature"])
    return {"valid": ecc.verify_message_with_address(c["address"], sig, c["message"].encode("utf8"))}


json.dump([answer(case) for case in json.load(sys.stdin)], sys.stdout)
