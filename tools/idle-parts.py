#!/usr/bin/env python3
"""Who keeps the cores busy, and who runs alone while one idles.

Reads `perf sched timehist` (one line per context switch: when a task was
switched out, on which CPU, and how long it had run) of a machine-wide
`perf sched record -a` (tools/idle-parts.sh records one), rebuilds each
CPU's timeline, and prints: each thread's share of one core; the share of
the time every CPU idled at once; and, for the time exactly one CPU
idled, which thread ran on the other. A thread that often runs alone is a
serial stage the rest of the pipeline waits for: the idle core is what
that wait costs.

    perf sched timehist -i sched.data | tools/idle-parts.py [--threads FILE]

With --threads (lines of `tid user-ticks system-ticks` of the server's
threads), each `tokio-rt-worker` is named for what it does: the runtime's
workers are the busiest, the blocking pool's threads, where the projector
writes its rows, take under a quarter of the busiest one's CPU. The
projector computes on a thread of its own, named.
"""

import argparse
import collections
import re
import sys

LINE = re.compile(r"\s*([\d.]+)\s+\[(\d+)\]\s+(.+?)\s{2,}[\d.]+\s+[\d.]+\s+([\d.]+)")


def timelines(lines):
    """Per CPU, the (start, end, task) of each run, in seconds."""
    runs = collections.defaultdict(list)
    for line in lines:
        match = LINE.match(line)
        if not match:
            continue
        end, cpu, task, ran_ms = match.groups()
        end, ran = float(end), float(ran_ms) / 1e3
        runs[int(cpu)].append((end - ran, end, task.strip()))
    for cpu in runs:
        runs[cpu].sort()
    return runs


def is_idle(task):
    return task.startswith("<idle>")


def overlap(a, b):
    """The time two sorted lists of (start, end) intervals share."""
    i = j = 0
    shared = []
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if end > start:
            shared.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return shared


# calltap's thread names (15 bytes at most, as the kernel keeps them) and
# what they are.
ROLES = {
    "calltap-writer": "the log writer",
    "calltap-checkpo": "the checkpointer",
    "calltap-project": "the projector's computing (SCHED_IDLE)",
}


def roles(path):
    """Per tid, what the server's thread does, from its user and system ticks:
    the runtime's workers are the busy ones, the blocking pool's threads
    (the projector's row writes) take a small fraction of their CPU."""
    busy = {}
    with open(path) as lines:
        for line in lines:
            tid, user, system = line.split()
            busy[tid] = int(user) + int(system)
    most = max(busy.values(), default=0)
    return {
        tid: "an HTTP runtime worker" if ticks * 4 >= most else "the projector's row writes (the blocking pool)"
        for tid, ticks in busy.items()
    }


def label(task, named):
    """`comm[tid/pid]` with what the thread does, when known."""
    match = re.match(r"(.+)\[(\d+)(?:/\d+)?\]$", task)
    if not match:
        return task
    comm, tid = match.groups()
    if comm in ROLES:
        return f"{ROLES[comm]} [{tid}]"
    if comm == "tokio-rt-worker" and tid in named:
        return f"{named[tid]} [{tid}]"
    return task


def main():
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--threads", help="`tid user system` ticks of the server's threads")
    opts = args.parse_args()
    named = roles(opts.threads) if opts.threads else {}
    runs = timelines(sys.stdin)
    if len(runs) != 2:
        sys.exit(f"made for two CPUs; the record has {len(runs)}")
    # The first and last switches of each CPU bound the span every CPU covers.
    start = max(r[0][1] for r in runs.values())
    end = min(r[-1][1] for r in runs.values())
    span = end - start
    clipped = {
        cpu: [(max(s, start), min(e, end), t) for s, e, t in r if e > start and s < end]
        for cpu, r in runs.items()
    }
    busy = collections.Counter()
    for r in clipped.values():
        for s, e, task in r:
            busy[task] += e - s
    print(f"over {span * 1e3:.0f} ms of two CPUs")
    print("| thread | share of one core |")
    print("|---|---:|")
    for task, time in busy.most_common(10):
        print(f"| {label(task, named)} | {time / span * 100:.1f}% |")
    idle = {cpu: [(s, e) for s, e, t in r if is_idle(t)] for cpu, r in clipped.items()}
    both = sum(e - s for s, e in overlap(idle[0], idle[1]))
    one_idle = sum(e - s for r in idle.values() for s, e in r) - 2 * both
    print(f"\nboth CPUs idle {both / span * 100:.1f}% of the time; one idle {one_idle / span * 100:.1f}%")
    print("\n| running alone while the other CPU idles | share of the time |")
    print("|---|---:|")
    alone = collections.Counter()
    for cpu, gaps in idle.items():
        other = [(s, e, t) for s, e, t in clipped[1 - cpu] if not is_idle(t)]
        for s, e in overlap(gaps, [(s, e) for s, e, _ in other]):
            # The other CPU's run that holds this stretch names the thread.
            task = next(t for os, oe, t in other if os <= s and e <= oe)
            alone[task] += e - s
    for task, time in alone.most_common(8):
        print(f"| {label(task, named)} | {time / span * 100:.1f}% |")


if __name__ == "__main__":
    main()
