"""What the wallet reference scripts share: Debian's Electrum 4.3.4 run offline, with an event loop
(its wallets expect one) and a throwaway home; a JSON list of cases in on stdin, one result per
case out on stdout, each case naming its network."""
import json
import sys
import tempfile

from electrum import constants
from electrum.simple_config import SimpleConfig
from electrum.util import create_and_start_event_loop

NETWORKS = {"mainnet": constants.set_mainnet, "testnet": constants.set_testnet, "regtest": constants.set_regtest}


def run_cases(answer):
    """answer(case, config) -> the case's result, with the case's network set."""
    cases = json.load(sys.stdin)
    loop, stop_loop, loop_thread = create_and_start_event_loop()
    try:
        with tempfile.TemporaryDirectory() as home:
            config = SimpleConfig({"electrum_path": home, "offline": True})
            results = []
            for case in cases:
                NETWORKS[case["network"]]()
                results.append(answer(case, config))
    finally:  # (the loop's thread would keep a failed run alive)
        loop.call_soon_threadsafe(stop_loop.set_result, 1)
        loop_thread.join(timeout=10)
    json.dump(results, sys.stdout)
