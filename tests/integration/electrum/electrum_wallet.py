#!/usr/bin/env python3
"""The real Electrum wallet (Debian's electrum 4.3.x) against our Electrum server, fed by the
embedded regtest node: restore a fixed seed, get paid, see balance, history and unspent
outputs equal what the node paid, pay back through our server, and follow a reorg.

Usage: electrum_wallet.py <build dir>   (runs examples/regtest-node and examples/electrum-server)
"""
import base64, json, os, random, re, shutil, socket, subprocess, sys, tempfile, time, urllib.request
from decimal import Decimal

BUILD = sys.argv[1]
SEED = "electric enforce hover illegal vote snow whale copy argue dose pause must"
ELECTRUM = "/usr/bin/electrum"
work = tempfile.mkdtemp(prefix="coinkit-electrum-")
procs = []


def free_port():
    # Below the kernel's ephemeral ports, which any outgoing connection of a test running beside
    # may take before the server binds (tests/support/free_port.hpp).
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low = int(f.read().split()[0])
    for _ in range(200):
        port = random.randrange(10000, low) if low > 11000 else 0
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return s.getsockname()[1]
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port")


def wait_for(what, f, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            v = f()
            if v:
                return v
        except Exception:
            pass
        time.sleep(0.25)
    raise SystemExit("timed out waiting for " + what)


def cleanup():
    try:
        electrum("stop")
    except Exception:
        pass
    for p in procs:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
    shutil.rmtree(work, ignore_errors=True)


# --- the node ---------------------------------------------------------------------------------
node_log = open(os.path.join(work, "node.log"), "w+")
procs.append(subprocess.Popen([os.path.join(BUILD, "examples/regtest-node"), "-datadir=" + work + "/node",
                               "-rpcport=0", "-rpcuser=u", "-rpcpassword=p", "-rest"],
                              stdout=node_log, stderr=subprocess.STDOUT))
node_url = wait_for("the node's URL", lambda: re.search(r"http://[0-9.]+:[0-9]+", open(node_log.name).read()))
node_url = node_url.group(0)
AUTH = "Basic " + base64.b64encode(b"u:p").decode()


def rpc(method, *params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    req = urllib.request.Request(node_url, body, {"Authorization": AUTH, "Content-Type": "application/json"})
    reply = json.load(urllib.request.urlopen(req))
    if reply.get("error"):
        raise RuntimeError(f"{method}: {reply['error']}")
    return reply["result"]


miner = rpc("getnewaddress", "", "bech32")
rpc("generatetoaddress", 110, miner)

# --- our server -------------------------------------------------------------------------------
port = free_port()
env = dict(os.environ, COIN="Bitcoin", NET="regtest", DAEMON_URL=node_url.replace("http://", "http://u:p@"),
           DB_DIRECTORY=os.path.join(work, "db"), SERVICES=f"tcp://127.0.0.1:{port}", ALLOW_ROOT="1",
           DAEMON_POLL_INTERVAL_BLOCKS="200", DAEMON_POLL_INTERVAL_MEMPOOL="200")
server_log = open(os.path.join(work, "server.log"), "w+")
procs.append(subprocess.Popen([os.path.join(BUILD, "examples/electrum-server")], env=env,
                              stdout=server_log, stderr=subprocess.STDOUT))
wait_for("the server to listen", lambda: socket.create_connection(("127.0.0.1", port), 1).close() or True)

# --- the wallet -------------------------------------------------------------------------------
E = [ELECTRUM, "--regtest", "-D", os.path.join(work, "electrum")]


def electrum(*args, offline=False):
    cmd = E + (["--offline"] if offline else []) + list(args)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"electrum {' '.join(args)}: {out.stderr.strip() or out.stdout.strip()}")
    return out.stdout.strip()


def ejson(*args):
    return json.loads(electrum(*args))


def synced():
    return electrum("is_synchronized") == "true"


try:
    electrum("restore", SEED, offline=True)
    electrum("daemon", "-d", "--oneserver", "--server", f"127.0.0.1:{port}:t")
    electrum("load_wallet")
    wait_for("the wallet to connect and sync", synced)
    addresses = ejson("listaddresses")
    print("wallet has", len(addresses), "addresses; first", addresses[0])

    # The node pays four of the wallet's addresses, twice to the first, then mines.
    paid = {}
    amounts = [Decimal("1.25"), Decimal("0.5"), Decimal("0.031"), Decimal("2"), Decimal("0.7")]
    targets = [addresses[0], addresses[1], addresses[2], addresses[3], addresses[0]]
    txids = []
    for a, amt in zip(targets, amounts):
        txids.append(rpc("sendtoaddress", a, float(amt)))
        paid[a] = paid.get(a, Decimal(0)) + amt
    total = sum(amounts)
    wait_for("the unconfirmed payments", lambda: synced() and Decimal(ejson("getbalance").get("unconfirmed", "0")) == total)
    rpc("generatetoaddress", 1, miner)
    wait_for("the confirmed balance", lambda: synced() and Decimal(ejson("getbalance")["confirmed"]) == total)
    print("balance", ejson("getbalance"))

    history = ejson("onchain_history")["transactions"]
    got = sorted(t["txid"] for t in history)
    assert got == sorted(txids), f"history {got} != paid {sorted(txids)}"
    assert all(t["confirmations"] == 1 for t in history), history
    unspent = ejson("listunspent")
    assert len(unspent) == len(amounts), unspent
    assert sorted(Decimal(u["value"]) for u in unspent) == sorted(amounts), unspent
    for a, amt in paid.items():
        assert Decimal(ejson("getaddressbalance", a)["confirmed"]) == amt, (a, amt)
    print("history, unspent outputs and per-address balances equal what the node paid")

    # The wallet pays the node back, signed by Electrum, broadcast through our server.
    back = rpc("getnewaddress", "", "bech32")
    raw = electrum("payto", back, "1.1", "--feerate", "5")
    sent = electrum("broadcast", raw)
    wait_for("the node to see the wallet's payment", lambda: sent in rpc("getrawmempool"))
    rpc("generatetoaddress", 1, miner)
    tx = rpc("getrawtransaction", sent, True)
    assert tx["confirmations"] == 1
    assert any(abs(Decimal(str(o["value"])) - Decimal("1.1")) < Decimal("0.00000001") and
               o["scriptPubKey"].get("address") == back for o in tx["vout"]), tx["vout"]
    wait_for("the wallet to see its payment confirmed",
             lambda: synced() and any(t["txid"] == sent and t["confirmations"] == 1
                                      for t in ejson("onchain_history")["transactions"]))
    print("Electrum's payment", sent, "confirmed")

    # A reorg drops the block that confirmed a payment to the wallet: the payment returns to the
    # node's mempool and Electrum's history shows it unconfirmed; mined again, confirmed again.
    paid_again = rpc("sendtoaddress", addresses[4], 0.3)
    block = rpc("generatetoaddress", 1, miner)[0]
    wait_for("the new payment confirmed", lambda: synced() and any(
        t["txid"] == paid_again and t["confirmations"] == 1 for t in ejson("onchain_history")["transactions"]))
    rpc("invalidateblock", block)
    assert paid_again in rpc("getrawmempool")
    wait_for("Electrum's history to drop the confirmation", lambda: synced() and any(
        t["txid"] == paid_again and t["confirmations"] == 0 for t in ejson("onchain_history")["transactions"]))
    rpc("generatetoaddress", 2, miner)
    height = rpc("getblockcount")
    wait_for("the payment confirmed on the new branch", lambda: synced() and any(
        t["txid"] == paid_again and t["confirmations"] == 2 and t["height"] == height - 1
        for t in ejson("onchain_history")["transactions"]))
    print("the reorg was followed: history shows the payment at height", height - 1)
    print("PASS")
except BaseException as e:
    print("FAILED:", e)
    for log in (node_log.name, server_log.name):
        print("----", log)
        print(open(log).read()[-4000:])
    electrum_log = os.path.join(work, "electrum", "regtest", "logs")
    cleanup()
    sys.exit(1)
cleanup()
