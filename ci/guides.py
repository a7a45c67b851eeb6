#!/usr/bin/env python3
"""Guides as tests: the commands a page of docs/ shows are run, and its code is what is built.

  ci/guides.py extract GUIDE OUTDIR
      Writes each ```cpp block of GUIDE to OUTDIR under the file name its first line gives
      (`// dogecoin.hpp: ...`); a block without one is an error (the page shows nothing unbuilt).
  ci/guides.py run GUIDE [--path DIR] [--ports NAME,...] [--env NAME=VALUE ...]
      Runs GUIDE's ```sh blocks in a fresh directory, DIR first on PATH, each NAME set to a free
      port on 127.0.0.1; whatever the blocks leave running is stopped at the end.

How blocks are checked (run_guide, which ci/demo-stack also uses for its guides): the ```sh blocks
run in order in one bash session (`set -euo pipefail`); a block fails the run if a command fails,
if a JSON-RPC reply it prints is an error (unless its first line is `# expect an error`), or if
the ```json block the guide shows right after it has other keys, value kinds or error codes than
the last JSON the block printed. A block whose first line is `# not run` is left alone.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time


class GuideFailure(Exception):
    pass


def last_json(text):
    """The JSON value that ends the text (a reply, after whatever the block echoed before it)."""
    decoder = json.JSONDecoder()
    for i, c in enumerate(text):
        if c in '{["':
            try:
                value, end = decoder.raw_decode(text, i)
            except ValueError:
                continue
            if not text[end:].strip():
                return value
    return None


def same_shape(shown, printed):
    """The guide's reply and the real one: the same keys all the way down, values of the same
    kind, and the same error codes (ids, txids and times differ from run to run)."""
    if isinstance(shown, dict):
        return (isinstance(printed, dict) and shown.keys() == printed.keys() and
                all(same_shape(v, printed[k]) for k, v in shown.items()) and
                ("code" not in shown or shown["code"] == printed["code"]))
    if isinstance(shown, list):
        return isinstance(printed, list) and (not shown or not printed or same_shape(shown[0], printed[0]))
    number = (int, float)
    if isinstance(shown, bool) or isinstance(printed, bool):
        return type(shown) is type(printed)
    return isinstance(printed, number) if isinstance(shown, number) else type(shown) is type(printed)


def stop_group(p):
    """Stops the session's process group: the shell and what its blocks left in the background."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            return
        until = time.time() + wait
        while time.time() < until:
            try:
                os.killpg(p.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


def run_guide(path, exports, cwd, timeout=600):
    """Runs the guide's ```sh blocks in one bash session; checks each block's output."""
    print(f"\n== the commands of {os.path.relpath(path)}", flush=True)
    text = open(path).read()
    blocks = re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M)
    # The reply a block documents: the ```json block right after it, if any.
    replies = re.findall(r"^```sh\n.*?^```\n(?:\n```json\n(.*?)^```)?", text, re.S | re.M)
    script = ["set -euo pipefail"]
    expectations = []
    for i, block in enumerate(blocks):
        first = block.split("\n", 1)[0].strip()
        if first == "# not run":
            continue
        expectations.append((i, first == "# expect an error", block, replies[i] if i < len(replies) else ""))
        script += [f"printf '\\n@@block {i}\\n'", block]  # (a reply without a final newline ends before it)
    p = subprocess.Popen(["bash", "-c", "\n".join(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=dict(os.environ, **exports), cwd=cwd, start_new_session=True)
    try:
        stdout, stderr = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_group(p)
        stdout, stderr = p.communicate()
        raise GuideFailure(f"{path}: the commands did not finish within {timeout} s\n{stdout[-2000:]}"
                           f"{stderr[-2000:]}")
    finally:
        stop_group(p)
    outputs = dict(re.findall(r"^@@block (\d+)\n(.*?)(?=^@@block |\Z)", stdout, re.S | re.M))
    for i, expect_error, block, documented in expectations:
        text = outputs.get(str(i))
        if text is None:
            raise GuideFailure(f"{path}: block {i + 1} did not run (an earlier command failed):\n{block}\n"
                               f"{stderr[-2000:]}")
        errors = re.findall(r'"error": ?\{', text)
        if bool(errors) != expect_error:
            raise GuideFailure(f"{path}: block {i + 1} {'gave no' if expect_error else 'gave an'} error:\n"
                               f"{block}\n--- output:\n{text[-2000:]}")
        if documented:
            shown, printed = json.loads(documented), last_json(text)
            if not same_shape(shown, printed):
                raise GuideFailure(f"{path}: block {i + 1} prints a reply of another shape than the guide shows:\n"
                                   f"guide: {documented}\nprinted: {text[-2000:]}")
    if p.returncode != 0:
        raise GuideFailure(f"{path}: exit status {p.returncode}\n{stdout[-1000:]}\n{stderr[-2000:]}")
    if os.environ.get("DEMO_VERBOSE"):
        print(stdout)
    print(f"   {len(expectations)} blocks of commands ran as written", flush=True)


def extract(path, outdir):
    blocks = re.findall(r"^```cpp\n(.*?)^```", open(path).read(), re.S | re.M)
    names = set()
    os.makedirs(outdir, exist_ok=True)
    for block in blocks:
        m = re.match(r"// ([\w.-]+):", block)
        if not m:
            raise GuideFailure(f"{path}: a cpp block does not name its file (// NAME: ...):\n{block[:200]}")
        name = m.group(1)
        if name in names:
            raise GuideFailure(f"{path}: two cpp blocks are {name}")
        names.add(name)
        target = os.path.join(outdir, name)
        if not os.path.exists(target) or open(target).read() != block:  # unchanged: no rebuild
            with open(target, "w") as f:
                f.write(block)


def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def main(argv):
    if len(argv) >= 3 and argv[0] == "extract":
        extract(argv[1], argv[2])
        return 0
    if len(argv) < 2 or argv[0] != "run":
        print(__doc__, file=sys.stderr)
        return 2
    guide, exports, rest = argv[1], {}, argv[2:]
    while rest:
        option, value, rest = rest[0], rest[1], rest[2:]
        if option == "--path":
            exports["PATH"] = os.path.abspath(value) + os.pathsep + os.environ.get("PATH", "")
        elif option == "--ports":
            names = value.split(",")
            exports.update(zip(names, map(str, free_ports(len(names)))))
        elif option == "--env":
            name, _, v = value.partition("=")
            exports[name] = v
        else:
            print(f"unknown option {option}\n{__doc__}", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="coinkit-guide-") as work:
        try:
            run_guide(guide, exports, work)
        except GuideFailure:
            for log in sorted(f for f in os.listdir(work) if f.endswith(".log")):
                print(f"--- {log} (last lines)\n" + "".join(open(os.path.join(work, log)).readlines()[-15:]),
                      file=sys.stderr)
            raise
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except GuideFailure as e:
        print(f"guide failed: {e}", file=sys.stderr)
        sys.exit(1)
