#!/usr/bin/env python3
"""The NATS benchmarks of issue 13 (BENCHMARKS.md, "Pass-on").

1. Ingest throughput with NATS on (every committed delivery published to
   JetStream) against off: realistic deliveries (wrk,
   tools/wrk/deliveries.lua, 64 connections), each run on a fresh database
   and, when on, a fresh nats-server (JetStream, file storage, defaults).
   Rounds alternate off and on, so each ratio compares like with like.
2. The NATS outbox's drain rate: a backlog built while NATS is down, then
   the time from the stream being ready (`/readyz` 200) until the outbox
   has settled every delivery (`lag` 0 in `GET /api/v1/forward`).

CPU per delivery is read from /proc (user + system) of calltap and of
nats-server. Needs wrk, nats-server and a release build:

    cargo build --release -p calltap
    python3 tools/bench-nats.py [--seconds 10] [--rounds 2]
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = "bench-secret"
TICK = os.sysconf("SC_CLK_TCK")
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


# The most deliveries an outbox holds in memory (forward/outbox.rs).
OUTBOX_MAX_HELD = 50_000


def wait_for(what, check, limit=60):
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.02)
    sys.exit(f"timed out waiting for {what}")


def load():
    return os.getloadavg()[0]


class Procs:
    def __init__(self, work):
        self.work = work
        self.procs = []

    def start(self, name, args, env=None):
        log = open(os.path.join(self.work, f"{name}.log"), "w")
        p = subprocess.Popen(args, stdout=log, stderr=log, env={**os.environ, **(env or {})})
        self.procs.append(p)
        return p

    def stop(self, p):
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def stop_all(self):
        for p in self.procs:
            if p.poll() is None:
                self.stop(p)


def start_nats(procs, args, work, name, port):
    store = os.path.join(work, f"{name}-js")
    p = procs.start(
        name, [args.nats_server, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", store]
    )

    def up():
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True

    wait_for("nats-server", up)
    return p, store


def start_calltap(procs, args, work, name, nats_port=None, fast_retry=False):
    port = free_port()
    db = os.path.join(work, f"{name}.db")
    config = os.path.join(work, f"{name}.toml")
    text = f'[auth]\nvapi_secret = "{SECRET}"\n'
    if nats_port is not None:
        text += f'[nats]\nurl = "nats://127.0.0.1:{nats_port}"\n'
        if fast_retry:
            text += "attempt_timeout_ms = 1000\n[nats.retry]\nfirst_retry_ms = 10\nmax_retry_ms = 50\n"
    with open(config, "w") as f:
        f.write(text)
    p = procs.start(
        name,
        [args.calltap, "serve", "--listen", f"127.0.0.1:{port}", "--db", db, "--config", config],
        env={"RUST_LOG": "warn"},
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(name, lambda: status_of(f"{base}/healthz") == 200)
    return p, base, db


def wrk(url, script, args, connections, seconds):
    """Runs wrk; returns requests, requests/s, p50 and p99 in ms, non-2xx."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url, "--"]
        + args,
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    def latency(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "non2xx": int(bad.group(1)) if bad else 0,
    }


def nats_outbox(base):
    for d in get_json(f"{base}/api/v1/forward")["destinations"]:
        if d["name"] == "nats":
            return d
    sys.exit("no nats destination in /api/v1/forward")


def remove(*paths):
    for path in paths:
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        for suffix in ("", "-wal", "-shm", ".lock"):
            if os.path.exists(path + suffix) and not os.path.isdir(path + suffix):
                os.remove(path + suffix)


def ingest_bench(procs, args, work, jsonl):
    print("\n## Ingest throughput, NATS on vs off (wrk, tools/wrk/deliveries.lua, 64 connections)\n")
    script = os.path.join(ROOT, "tools/wrk/deliveries.lua")
    print(
        "| round | NATS | deliveries/s | p50 ms | p99 ms | non-200 | calltap CPU µs/delivery "
        "| nats-server CPU µs/delivery | NATS lag at the end | settled within | load |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rates = {}
    for rnd in range(1, args.rounds + 1):
        for mode in ("off", "on"):
            name = f"ingest-{mode}-{rnd}"
            nats, store, nats_port = None, None, None
            if mode == "on":
                nats_port = free_port()
                nats, store = start_nats(procs, args, work, f"nats-{name}", nats_port)
            calltap, base, db = start_calltap(procs, args, work, name, nats_port)
            if mode == "on":
                wait_for("the stream", lambda: status_of(f"{base}/readyz") == 200)
            pids = {"calltap": calltap.pid}
            if nats:
                pids["nats"] = nats.pid
            before = {k: cpu_seconds(pid) for k, pid in pids.items()}
            r = wrk(f"{base}/", script, [jsonl, SECRET], 64, args.seconds)
            lag, settled, nats_cpu = "-", "-", "-"
            if mode == "on":
                lag = nats_outbox(base)["lag"]
                started = time.time()
                while nats_outbox(base)["lag"] > 0:
                    time.sleep(0.05)
                settled = f"{time.time() - started:.1f} s"
            cpu = {k: (cpu_seconds(pid) - before[k]) * 1e6 / max(r["requests"], 1) for k, pid in pids.items()}
            if "nats" in cpu:
                nats_cpu = f"{cpu['nats']:.0f}"
            rates[(rnd, mode)] = r["rate"]
            print(
                f"| {rnd} | {mode} | {r['rate']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non2xx']} | "
                f"{cpu['calltap']:.0f} | {nats_cpu} | {lag} | {settled} | {load():.2f} |",
                flush=True,
            )
            procs.stop(calltap)
            if nats:
                procs.stop(nats)
                remove(store)
            remove(db)
    print("\n| round | on / off |\n|---|---:|")
    for rnd in range(1, args.rounds + 1):
        print(f"| {rnd} | {rates[(rnd, 'on')] / rates[(rnd, 'off')]:.2f} |")


def drain_bench(procs, args, work, jsonl):
    print("\n## NATS outbox drain rate (backlog built with NATS down)\n")
    script = os.path.join(ROOT, "tools/wrk/deliveries.lua")
    print(
        "| round | backlog (deliveries) | ingest while NATS was down /s | NATS start to ready s "
        "| drain s (from ready) | drained /s | calltap CPU µs/delivery drained "
        "| nats-server CPU µs/delivery | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rnd in range(1, args.rounds + 1):
        nats_port = free_port()
        name = f"drain-{rnd}"
        calltap, base, db = start_calltap(procs, args, work, name, nats_port, fast_retry=True)
        built = wrk(f"{base}/", script, [jsonl, SECRET], 64, args.seconds)
        if built["non2xx"]:
            sys.exit(f"{built['non2xx']} deliveries refused while building the backlog")
        # Every committed delivery read by the outbox, none delivered, or
        # as many as it holds at once (MAX_HELD in forward/outbox.rs): it
        # reads the rest from the log as it drains.
        wait_for(
            "the backlog to be read",
            lambda: nats_outbox(base)["pending"]
            >= min(nats_outbox(base)["committed_seq"], OUTBOX_MAX_HELD),
        )
        backlog = nats_outbox(base)["lag"]
        started = time.time()
        nats, store = start_nats(procs, args, work, f"nats-{name}", nats_port)
        wait_for("the stream", lambda: status_of(f"{base}/readyz") == 200)
        ready = time.time()
        cpu_before = cpu_seconds(calltap.pid)
        nats_before = cpu_seconds(nats.pid)
        while nats_outbox(base)["lag"] > 0:
            time.sleep(0.02)
        took = time.time() - ready
        cpu = (cpu_seconds(calltap.pid) - cpu_before) * 1e6 / backlog
        nats_cpu = (cpu_seconds(nats.pid) - nats_before) * 1e6 / backlog
        print(
            f"| {rnd} | {backlog} | {built['rate']:.0f} | {ready - started:.2f} | {took:.2f} | "
            f"{backlog / took:.0f} | {cpu:.0f} | {nats_cpu:.0f} | {load():.2f} |",
            flush=True,
        )
        procs.stop(calltap)
        procs.stop(nats)
        remove(store, db)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--calls", type=int, default=60, help="simulated calls in the deliveries file")
    parser.add_argument("--only", choices=["ingest", "drain"])
    parser.add_argument("--calltap", default=os.path.join(ROOT, "target/release/calltap"))
    parser.add_argument(
        "--nats-server", default=shutil.which("nats-server") or "/usr/sbin/nats-server"
    )
    args = parser.parse_args()
    for binary in (args.calltap, args.nats_server):
        if not os.path.exists(binary):
            sys.exit(f"{binary} is missing: see the top of this script")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing (apt-get install -y wrk)")
    work = tempfile.mkdtemp(prefix="calltap-bench-nats.")
    procs = Procs(work)
    try:
        print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
        jsonl = os.path.join(work, "calls.jsonl")
        # Realistic deliveries, no questions (no app answers them here).
        subprocess.run(
            [args.calltap, "simulate", "--out", jsonl, "--calls", str(args.calls),
             "--tool-call-rate", "0", "--seed", "13"],
            check=True, capture_output=True,
        )
        if args.only in (None, "ingest"):
            ingest_bench(procs, args, work, jsonl)
        if args.only in (None, "drain"):
            drain_bench(procs, args, work, jsonl)
        print(f"\nuptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    finally:
        procs.stop_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
