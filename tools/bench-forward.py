#!/usr/bin/env python3
"""The pass-on benchmarks of issue 13 (BENCHMARKS.md, "Pass-on").

1. `tool-calls` answer latency through calltap (durability full: the
   commit is in every answer) to a fast local app, against the same app
   straight, at 8 and 64 connections (wrk, tools/wrk/tool-calls.lua).
2. The outbox's drain rate: a backlog of realistic deliveries built while
   the app is down, then the time from the app's start until the outbox has
   settled every delivery (`lag` 0 in `GET /api/v1/forward`).
3. Ingest throughput with forwarding on (to the running app) against off,
   realistic deliveries (wrk, tools/wrk/deliveries.lua), each a fresh db.

The fast local app that answers the questions is the protocol crate's axum
example (`crates/protocol/examples/tool_server.rs`) in release; the app
that takes the outbox's deliveries in 2 and 3 is `calltap serve --dry-run`
(checks the secret, parses the routing fields, answers 200 without
storing), because the example parses each 3-55 KB body whole into its
typed struct, at several times the outbox's own CPU. Every row is from
one run of this script, so the ratios compare like with like; CPU per
delivery is read from /proc (user + system) of calltap and of the app.

Needs wrk, curl-free (urllib), and release builds:

    cargo build --release -p calltap
    cargo build --release -p calltap-protocol --features axum --example tool_server
    python3 tools/bench-forward.py [--seconds 10] [--rounds 2]
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
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = "bench-secret"
TICK = os.sysconf("SC_CLK_TCK")


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


def wait_for(what, check, limit=30):
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"timed out waiting for {what}")


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


def start_app(procs, app, port):
    p = procs.start(
        f"app-{port}",
        [app, f"127.0.0.1:{port}"],
        env={"VAPI_AUTH": json.dumps({"type": "vapi-secret", "secret": SECRET})},
    )

    def up():
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True

    wait_for("the app", up)
    return p


def start_sink(procs, calltap, port):
    """`calltap serve --dry-run` on `port`: a fast app for the outbox."""
    p = procs.start(
        f"sink-{port}",
        # It takes deliveries at the app's path, /vapi, as the tool server does.
        [calltap, "serve", "--dry-run", "--listen", f"127.0.0.1:{port}", "--vapi-secret", SECRET, "--path", "/vapi"],
        env={"RUST_LOG": "warn"},
    )

    def healthy():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
            return r.status == 200

    wait_for("the sink", healthy)
    return p


def start_calltap(procs, calltap, work, name, forward_port=None, fast_retry=False, durability="full"):
    port = free_port()
    db = os.path.join(work, f"{name}.db")
    config = os.path.join(work, f"{name}.toml")
    text = f'durability = "{durability}"\n[auth]\nvapi_secret = "{SECRET}"\n'
    if forward_port is not None:
        text += f'[forward]\nurl = "http://127.0.0.1:{forward_port}/vapi"\n'
        text += f'[forward.auth]\nvapi_secret = "{SECRET}"\n'
        if fast_retry:
            text += "[forward.retry]\nfirst_retry_ms = 100\nmax_retry_ms = 200\n"
    with open(config, "w") as f:
        f.write(text)
    p = procs.start(
        name,
        [calltap, "serve", "--listen", f"127.0.0.1:{port}", "--db", db, "--config", config],
        env={"RUST_LOG": "warn"},
    )

    def healthy():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
            return r.status == 200

    wait_for(name, healthy)
    return p, f"http://127.0.0.1:{port}"


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


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

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests": requests,
        "rate": rate,
        "p50": latency(50),
        "p99": latency(99),
        "non2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def measured(pids, run):
    """Runs `run()` and adds the CPU µs per request of each named pid."""
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    result = run()
    for name, pid in pids.items():
        spent = cpu_seconds(pid) - before[name]
        result[f"cpu_{name}"] = spent * 1e6 / max(result["requests"], 1)
    return result


def load():
    return os.getloadavg()[0]


def latency_bench(procs, args, work):
    print("\n## tool-calls answer latency (wrk, tools/wrk/tool-calls.lua)\n")
    print(f"load average before: {load():.2f}\n")
    app_port = free_port()
    app = start_app(procs, args.app, app_port)
    calltap, base = start_calltap(procs, args.calltap, work, "latency", forward_port=app_port)
    # The same with `durability = "normal"` (no fsync per commit), paced
    # only: how much of what calltap adds is the commit's fsync.
    normal, normal_base = start_calltap(
        procs, args.calltap, work, "latency-normal", forward_port=app_port, durability="normal"
    )
    script = os.path.join(ROOT, "tools/wrk/tool-calls.lua")
    rows = []
    # Paced: each connection pauses after an answer (PAUSE_MS), so both
    # targets get about the same load, below calltap's saturation; then
    # flat out (pause 0), where latency is mostly queueing.
    plan = [(8, 10), (64, 40), (8, 0), (64, 0)]
    print("| round | connections | pause ms | target | answers/s | p50 ms | p99 ms | non-200 | calltap CPU µs/answer | app CPU µs/answer | load |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for rnd in range(1, args.rounds + 1):
        for conns, pause in plan:
            targets = [("app", f"http://127.0.0.1:{app_port}/vapi", calltap), ("calltap → app", f"{base}/", calltap)]
            if pause:
                targets.append(("calltap (normal) → app", f"{normal_base}/", normal))
            for target, url, server in targets:
                r = measured(
                    {"calltap": server.pid, "app": app.pid},
                    lambda: wrk(url, script, [SECRET, str(pause)], conns, args.seconds),
                )
                r.update(round=rnd, conns=conns, pause=pause, target=target, load=load())
                rows.append(r)
                print(
                    f"| {rnd} | {conns} | {pause} | {target} | {r['rate']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
                    f"{r['non2xx']} | {r['cpu_calltap']:.0f} | {r['cpu_app']:.0f} | {r['load']:.2f} |",
                    flush=True,
                )
    print("\nAdded by calltap (same round, connections and pause):\n")
    print("| round | connections | pause ms | through | p50 added ms | p99 added ms | throughput ratio |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for rnd in range(1, args.rounds + 1):
        for conns, pause in plan:
            same = [r for r in rows if r["round"] == rnd and r["conns"] == conns and r["pause"] == pause]
            direct = same[0]
            for through in same[1:]:
                print(
                    f"| {rnd} | {conns} | {pause} | {through['target']} | {through['p50'] - direct['p50']:.2f} | "
                    f"{through['p99'] - direct['p99']:.2f} | {through['rate'] / direct['rate']:.2f} |"
                )
    procs.stop(calltap)
    procs.stop(normal)
    procs.stop(app)


def forward_status(base):
    return get_json(f"{base}/api/v1/forward")["destinations"][0]


def drain_bench(procs, args, work, jsonl):
    print("\n## Outbox drain rate\n")
    script = os.path.join(ROOT, "tools/wrk/deliveries.lua")
    print("| round | backlog (deliveries) | ingest while the app was down /s | drain s | drained /s | calltap CPU µs/delivery drained | app CPU µs/delivery | load |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for rnd in range(1, args.rounds + 1):
        app_port = free_port()
        calltap, base = start_calltap(
            procs, args.calltap, work, f"drain-{rnd}", forward_port=app_port, fast_retry=True
        )
        built = wrk(f"{base}/", script, [jsonl, SECRET], 64, args.seconds)
        if built["non2xx"]:
            sys.exit(f"{built['non2xx']} deliveries refused while building the backlog")
        # Every committed delivery read by the outbox and failing.
        wait_for(
            "the backlog to be read",
            lambda: forward_status(base)["committed_seq"] >= built["requests"] - 1000
            and forward_status(base)["lag"] > 0,
        )
        time.sleep(0.5)
        backlog = forward_status(base)["lag"]
        cpu_before = cpu_seconds(calltap.pid)
        started = time.time()
        app = start_sink(procs, args.calltap, app_port)
        while forward_status(base)["lag"] > 0:
            time.sleep(0.02)
        took = time.time() - started
        cpu = (cpu_seconds(calltap.pid) - cpu_before) * 1e6 / backlog
        app_cpu = cpu_seconds(app.pid) * 1e6 / backlog
        print(
            f"| {rnd} | {backlog} | {built['rate']:.0f} | {took:.2f} | {backlog / took:.0f} | "
            f"{cpu:.0f} | {app_cpu:.0f} | {load():.2f} |",
            flush=True,
        )
        procs.stop(calltap)
        procs.stop(app)


def ingest_bench(procs, args, work, jsonl):
    print("\n## Ingest throughput, forwarding on vs off (wrk, tools/wrk/deliveries.lua, 64 connections)\n")
    script = os.path.join(ROOT, "tools/wrk/deliveries.lua")
    app_port = free_port()
    app = start_sink(procs, args.calltap, app_port)
    print("| round | forwarding | deliveries/s | p50 ms | p99 ms | non-200 | calltap CPU µs/delivery | outbox lag at the end | settled within | load |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    rates = {}
    for rnd in range(1, args.rounds + 1):
        for mode in ("off", "on"):
            name = f"ingest-{mode}-{rnd}"
            calltap, base = start_calltap(
                procs, args.calltap, work, name, forward_port=app_port if mode == "on" else None
            )
            r = measured({"calltap": calltap.pid}, lambda: wrk(f"{base}/", script, [jsonl, SECRET], 64, args.seconds))
            lag, settled = "-", "-"
            if mode == "on":
                lag = forward_status(base)["lag"]
                started = time.time()
                while forward_status(base)["lag"] > 0:
                    time.sleep(0.05)
                settled = f"{time.time() - started:.1f} s"
            rates[(rnd, mode)] = r["rate"]
            print(
                f"| {rnd} | {mode} | {r['rate']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non2xx']} | "
                f"{r['cpu_calltap']:.0f} | {lag} | {settled} | {load():.2f} |",
                flush=True,
            )
            procs.stop(calltap)
            os.remove(os.path.join(work, f"{name}.db"))
    print("\n| round | on / off |\n|---|---:|")
    for rnd in range(1, args.rounds + 1):
        print(f"| {rnd} | {rates[(rnd, 'on')] / rates[(rnd, 'off')]:.2f} |")
    procs.stop(app)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--calls", type=int, default=60, help="simulated calls in the deliveries file")
    parser.add_argument("--only", choices=["latency", "drain", "ingest"])
    parser.add_argument("--calltap", default=os.path.join(ROOT, "target/release/calltap"))
    parser.add_argument(
        "--app", default=os.path.join(ROOT, "target/release/examples/tool_server")
    )
    args = parser.parse_args()
    for binary in (args.calltap, args.app):
        if not os.path.exists(binary):
            sys.exit(f"{binary} is missing: see the build commands at the top of this script")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing (apt-get install -y wrk)")
    work = tempfile.mkdtemp(prefix="calltap-bench-forward.")
    procs = Procs(work)
    try:
        print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
        jsonl = os.path.join(work, "calls.jsonl")
        # Realistic deliveries, and no questions: the outbox's own traffic.
        subprocess.run(
            [args.calltap, "simulate", "--out", jsonl, "--calls", str(args.calls),
             "--tool-call-rate", "0", "--seed", "13"],
            check=True, capture_output=True,
        )
        if args.only in (None, "latency"):
            latency_bench(procs, args, work)
        if args.only in (None, "drain"):
            drain_bench(procs, args, work, jsonl)
        if args.only in (None, "ingest"):
            ingest_bench(procs, args, work, jsonl)
        print(f"\nuptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    finally:
        procs.stop_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
