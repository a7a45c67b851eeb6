#!/usr/bin/python3
"""Independent check of coinkit's regtest node with Debian's python3-bitcoinlib (module `bitcoin`).

Starts the regtest-node program on a free port, makes the faucet spend outputs of every address
type, then:
  * deserializes every block the node serves, from getblock verbosity 0 and from REST, and checks
    hashes, merkle roots and (CheckBlock) the block's structure;
  * verifies the signature of every input the faucet signed: legacy and P2SH with bitcoinlib's
    script interpreter (VerifyScript); segwit v0 with its BIP143 SignatureHash (witness, amount)
    and its ECDSA verification; taproot key path with the BIP341 signature message and a BIP340
    verification written here from the BIPs' specifications (python-bitcoinlib 0.11 has neither),
    so it shares no code with coinkit's C++.
  * stops the node by RPC, restarts it on the same datadir (the chain must still be there), and
    stops it with SIGTERM.
Usage: check_regtest_node.py <path to regtest-node>
"""

import base64
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import bitcoin
import bitcoin.core
import bitcoin.core.script as script
import bitcoin.core.scripteval as scripteval
from bitcoin.core import CBlock, CTransaction, Hash160, b2lx, lx, x
from bitcoin.core.key import CPubKey

bitcoin.SelectParams("regtest")

USER, PASSWORD = "checker", "secret"


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


class Node:
    def __init__(self, program, datadir):
        self.proc = subprocess.Popen(
            [program, "-datadir=" + datadir, "-rpcport=0", "-rpcuser=" + USER, "-rpcpassword=" + PASSWORD, "-rest"],
            stdout=subprocess.PIPE, text=True)
        self.url = None
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith("RPC URL: "):
                self.url = line[len("RPC URL: "):].strip()
                break
        if not self.url:
            self.proc.kill()
            fail("regtest-node did not print its RPC URL")
        self.auth = "Basic " + base64.b64encode((USER + ":" + PASSWORD).encode()).decode()
        self.next_id = 0

    def rpc(self, method, *params):
        self.next_id += 1
        body = json.dumps({"method": method, "params": list(params), "id": self.next_id}).encode()
        req = urllib.request.Request(self.url, data=body, headers={"Authorization": self.auth,
                                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                reply = json.loads(r.read(), parse_float=str)
        except urllib.error.HTTPError as e:
            reply = json.loads(e.read())
        if reply["error"] is not None:
            raise RuntimeError("%s: %s" % (method, reply["error"]))
        return reply["result"]

    def rest(self, path):
        with urllib.request.urlopen(self.url + "rest/" + path, timeout=60) as r:
            return r.read()

    def wait(self, timeout=20):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("regtest-node did not stop within %d s" % timeout)


def to_sats(value_text):
    whole, _, frac = value_text.partition(".")
    return int(whole) * 100_000_000 + int((frac + "00000000")[:8])


def make_spends(node):
    """Faucet transactions paying, then spending, every address type."""
    mine_to = node.rpc("getnewaddress")
    node.rpc("generatetoaddress", 110, mine_to)
    addresses = [node.rpc("getnewaddress", "", t) for t in ("legacy", "p2sh-segwit", "bech32", "bech32m")]
    for round_ in range(3):
        for a in addresses:
            node.rpc("sendtoaddress", a, "1.%d" % (round_ + 1))
        node.rpc("sendmany", "", {addresses[0]: "0.5", addresses[1]: "0.25", addresses[2]: "0.125"})
        node.rpc("generatetoaddress", 1, mine_to)
    # Sweep: every faucet output becomes an input, whatever its type.
    balance = node.rpc("getbalance")
    node.rpc("sendtoaddress", addresses[2], balance, "", "", True)
    node.rpc("generatetoaddress", 1, mine_to)
    # And some unconfirmed spends, seen through the mempool.
    for a in addresses:
        node.rpc("sendtoaddress", a, "0.01")


def check_blocks(node):
    """Every block by getblock 0 and by REST; returns {txid: CTransaction} of the whole chain."""
    txs = {}
    height = node.rpc("getblockcount")
    for h in range(height + 1):
        block_hash = node.rpc("getblockhash", h)
        raw = x(node.rpc("getblock", block_hash, 0))
        if node.rest("block/%s.bin" % block_hash) != raw:
            fail("REST and getblock differ for block %d" % h)
        block = CBlock.deserialize(raw)
        if b2lx(block.GetHash()) != block_hash:
            fail("block %d hashes to %s, not %s" % (h, b2lx(block.GetHash()), block_hash))
        if block.calc_merkle_root() != block.hashMerkleRoot:
            fail("block %d: merkle root mismatch" % h)
        if block.serialize() != raw:
            fail("block %d does not reserialize to the same bytes" % h)
        try:
            bitcoin.core.CheckBlock(block, fCheckPoW=True, fCheckMerkleRoot=True)
        except bitcoin.core.ValidationError as e:
            fail("block %d fails CheckBlock: %s" % (h, e))
        for tx in block.vtx:
            txs[b2lx(tx.GetTxid())] = tx
    headers = node.rest("headers/%d/%s.bin" % (height + 1, node.rpc("getblockhash", 0)))
    if len(headers) != 80 * (height + 1):
        fail("REST headers: %d bytes for %d blocks" % (len(headers), height + 1))
    return height + 1, txs


# --- BIP340 verification and the BIP341 key-path signature message -----------------------------
SECP_P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F
SECP_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
SECP_G = (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
          0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)


def tagged_hash(tag, data):
    t = hashlib.sha256(tag.encode()).digest()
    return hashlib.sha256(t + t + data).digest()


def point_add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and a[1] != b[1]:
        return None
    if a == b:
        lam = 3 * a[0] * a[0] * pow(2 * a[1], SECP_P - 2, SECP_P) % SECP_P
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], SECP_P - 2, SECP_P) % SECP_P
    x3 = (lam * lam - a[0] - b[0]) % SECP_P
    return (x3, (lam * (a[0] - x3) - a[1]) % SECP_P)


def point_mul(point, k):
    result = None
    for i in range(256):
        if (k >> i) & 1:
            result = point_add(result, point)
        point = point_add(point, point)
    return result


def lift_x(x_bytes):
    x_int = int.from_bytes(x_bytes, "big")
    if x_int >= SECP_P:
        return None
    y_sq = (pow(x_int, 3, SECP_P) + 7) % SECP_P
    y = pow(y_sq, (SECP_P + 1) // 4, SECP_P)
    if pow(y, 2, SECP_P) != y_sq:
        return None
    return (x_int, y if y % 2 == 0 else SECP_P - y)


def schnorr_verify(msg, pubkey, sig):
    """BIP340 Verify(pk, m, sig)."""
    point = lift_x(pubkey)
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    if point is None or r >= SECP_P or s >= SECP_N:
        return False
    e = int.from_bytes(tagged_hash("BIP0340/challenge", sig[:32] + pubkey + msg), "big") % SECP_N
    r_point = point_add(point_mul(SECP_G, s), point_mul(point, SECP_N - e))
    return r_point is not None and r_point[1] % 2 == 0 and r_point[0] == r


def compact_size(n):
    if n < 0xfd:
        return bytes([n])
    if n <= 0xffff:
        return b"\xfd" + n.to_bytes(2, "little")
    return b"\xfe" + n.to_bytes(4, "little")


def taproot_key_path_sighash(tx, i, prevouts, hash_type):
    """BIP341 SigMsg(hash_type, ext_flag=0) for a key-path spend without annex, tagged TapSighash."""
    sha = lambda b: hashlib.sha256(b).digest()  # noqa: E731
    out_type, anyone = hash_type & 3, hash_type & 0x80
    msg = bytes([0, hash_type]) + tx.nVersion.to_bytes(4, "little") + tx.nLockTime.to_bytes(4, "little")
    if not anyone:
        msg += sha(b"".join(t.prevout.serialize() for t in tx.vin))
        msg += sha(b"".join(o.nValue.to_bytes(8, "little") for o in prevouts))
        msg += sha(b"".join(compact_size(len(o.scriptPubKey)) + bytes(o.scriptPubKey) for o in prevouts))
        msg += sha(b"".join(t.nSequence.to_bytes(4, "little") for t in tx.vin))
    if out_type not in (2, 3):  # not SIGHASH_NONE or SIGHASH_SINGLE
        msg += sha(b"".join(o.serialize() for o in tx.vout))
    msg += bytes([0])  # spend_type: key path, no annex
    if anyone:
        o = prevouts[i]
        msg += (tx.vin[i].prevout.serialize() + o.nValue.to_bytes(8, "little") + compact_size(len(o.scriptPubKey)) +
                bytes(o.scriptPubKey) + tx.vin[i].nSequence.to_bytes(4, "little"))
    else:
        msg += i.to_bytes(4, "little")
    if out_type == 3:
        msg += sha(tx.vout[i].serialize())
    return tagged_hash("TapSighash", msg)


def verify_p2tr(tx, i, prevouts, witness):
    if len(witness) != 1 or len(witness[0]) not in (64, 65):
        raise ValueError("taproot key-path witness expected")
    sig = witness[0]
    hash_type = sig[64] if len(sig) == 65 else 0
    if len(sig) == 65 and hash_type == 0:
        raise ValueError("explicit SIGHASH_DEFAULT byte is invalid (BIP341)")
    output_key = bytes(prevouts[i].scriptPubKey)[2:]
    if not schnorr_verify(taproot_key_path_sighash(tx, i, prevouts, hash_type), output_key, sig[:64]):
        raise ValueError("BIP340 signature does not verify")


def verify_input(tx, i, prevouts):
    """Returns the spend's type; raises on a bad signature. `prevouts`: the outputs every input spends."""
    txin = tx.vin[i]
    prev_out = prevouts[i]
    spk = prev_out.scriptPubKey
    amount = prev_out.nValue
    witness = tx.wit.vtxinwit[i].scriptWitness.stack if i < len(tx.wit.vtxinwit) else []
    flags = (scripteval.SCRIPT_VERIFY_P2SH,)
    if spk.is_p2sh():
        scripteval.VerifyScript(txin.scriptSig, spk, tx, i, flags)  # the P2SH layer
        redeem = script.CScript(list(txin.scriptSig)[-1])
        if not redeem.is_witness_v0_keyhash():
            raise ValueError("unexpected P2SH redeem script " + redeem.hex())
        verify_p2wpkh(tx, i, bytes(redeem)[2:], witness, amount)
        return "p2sh-p2wpkh"
    if spk.is_witness_v0_keyhash():
        verify_p2wpkh(tx, i, bytes(spk)[2:], witness, amount)
        return "p2wpkh"
    if len(spk) == 34 and spk[0] == script.OP_1 and spk[1] == 32:
        verify_p2tr(tx, i, prevouts, witness)
        return "p2tr"
    scripteval.VerifyScript(txin.scriptSig, spk, tx, i, flags)
    p2pkh = len(spk) == 25 and spk[0] == script.OP_DUP and spk[1] == script.OP_HASH160 and spk[24] == script.OP_CHECKSIG
    return "p2pkh" if p2pkh else "other"


def verify_p2wpkh(tx, i, program, witness, amount):
    if len(witness) != 2:
        raise ValueError("p2wpkh witness must hold a signature and a key")
    sig, pubkey = witness
    if Hash160(pubkey) != program:
        raise ValueError("witness key does not hash to the program")
    script_code = script.CScript([script.OP_DUP, script.OP_HASH160, program, script.OP_EQUALVERIFY,
                                  script.OP_CHECKSIG])
    sighash = script.SignatureHash(script_code, tx, i, sig[-1], amount=amount,
                                   sigversion=script.SIGVERSION_WITNESS_V0)
    if not CPubKey(pubkey).verify(sighash, sig[:-1]):
        raise ValueError("BIP143 signature does not verify")


def check_spends(node, txs):
    mempool = {t: CTransaction.deserialize(x(node.rpc("getrawtransaction", t))) for t in node.rpc("getrawmempool")}
    if not mempool:
        fail("no unconfirmed faucet spends in the mempool")
    all_txs = dict(txs)
    all_txs.update(mempool)
    counts = {}
    inputs = 0
    tampered = set()
    for txid, tx in all_txs.items():
        if tx.is_coinbase():
            continue
        prevouts = []
        for i, txin in enumerate(tx.vin):
            prev = all_txs.get(b2lx(txin.prevout.hash))
            if prev is None:
                fail("%s:%d spends unknown %s" % (txid, i, b2lx(txin.prevout.hash)))
            prevouts.append(prev.vout[txin.prevout.n])
        for i in range(len(tx.vin)):
            inputs += 1
            try:
                kind = verify_input(tx, i, prevouts)
            except Exception as e:  # noqa: BLE001 - any failure is a failed check
                fail("%s input %d: %s" % (txid, i, e))
            counts[kind] = counts.get(kind, 0) + 1
            # The check must be able to fail: the same input of a transaction with another lock
            # time (a different signature hash, legacy and BIP143 alike) must not verify.
            if kind in ("p2wpkh", "p2pkh", "p2sh-p2wpkh", "p2tr") and kind not in tampered:
                mutable = bitcoin.core.CMutableTransaction.from_tx(tx)
                mutable.nLockTime ^= 1
                try:
                    verify_input(CTransaction.from_tx(mutable), i, prevouts)
                except Exception:  # noqa: BLE001
                    tampered.add(kind)
                else:
                    fail("a %s spend verified for a transaction it did not sign" % kind)
    for kind in ("p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr"):
        if counts.get(kind, 0) == 0:
            fail("no %s spend was checked (counts: %s)" % (kind, counts))
    if sum(counts.values()) != inputs:
        fail("classified %d of %d inputs" % (sum(counts.values()), inputs))
    if tampered != {"p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr"}:
        fail("the negative control ran only for %s" % sorted(tampered))
    return inputs, counts


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    program = sys.argv[1]
    datadir = tempfile.mkdtemp(prefix="coinkit-bitcoinlib-")
    try:
        node = Node(program, datadir)
        try:
            make_spends(node)
            n_blocks, txs = check_blocks(node)
            inputs, counts = check_spends(node, txs)
            tip = node.rpc("getbestblockhash")
            height = node.rpc("getblockcount")
            if node.rpc("stop") != "Bitcoin Core stopping":
                fail("stop did not answer as bitcoind")
        except Exception:
            node.proc.kill()
            raise
        if node.wait() != 0:
            fail("regtest-node exited non-zero after stop")
        print("blocks deserialized (getblock 0 and REST): %d; inputs: %d, signatures verified by type: %s"
              % (n_blocks, inputs, counts))

        node = Node(program, datadir)  # the chain survives the restart
        try:
            if node.rpc("getblockcount") != height or node.rpc("getbestblockhash") != tip:
                fail("chain not restored after restart")
        finally:
            node.proc.send_signal(signal.SIGTERM)
        if node.wait() != 0:
            fail("regtest-node exited non-zero after SIGTERM")
        if os.path.exists(os.path.join(datadir, "regtest", ".cookie")):
            fail("a cookie file was left behind")
        print("restart: height %d and tip kept; SIGTERM stop clean" % height)
        return 0
    finally:
        shutil.rmtree(datadir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
