#!/usr/bin/env python3
"""Where `calltap serve`'s CPU goes, in µs a delivery, by thread and part.

Reads `perf script -F comm,tid,ip,sym` output of a `perf record -e cpu-clock
--call-graph dwarf -F HZ` of the server (tools/perf-parts.sh records one)
and puts every sample in one thread group (the HTTP runtime workers, the
projector, the log writer, the checkpointer) and in the first part of that
group whose marker appears anywhere in its stack (the parts are tried in the
order listed, so a sample of blake3 inside the cut counts as blake3); a
thread's group is the one most of its samples show the marker of. A
sample is 1/HZ s of CPU, so a part's µs a delivery is its samples / HZ /
deliveries.

Why not `perf report --children --tid`: with dwarf stacks it gave the
projector's thread 11.7% of all samples in `unixWrite`, where counting the
samples whose stack holds it gave 0.5%.

    perf script -i perf.data -F comm,tid,ip,sym | tools/perf-parts.py --hz 700 --deliveries 99488
"""

import argparse
import collections
import re
import sys

# (group, the marker of its threads, parts): each part is (name, marker); the
# first part whose marker is in a sample's stack names it.
GROUPS = [
    ("HTTP runtime workers", "scheduler::multi_thread::worker::run", [
        ("the one pass (DeliveryView and spans)", "view_and_spans"),
        ("blake3 (dedup key, new pieces' names)", "blake3"),
        ("the cut (pieces looked up, recipe)", "body::cut"),
        ("kept headers", "kept_headers"),
        ("submitting to the writer, awaiting its commit", "ingest::commit"),
        ("rest of the handler (body copy, auth, budget)", "Handler<"),
        ("writing the response (writev)", "writev"),
        ("reading the request (recv)", "__libc_recv"),
        ("hyper: parsing the head", "poll_read_head"),
        ("hyper: the rest", "Dispatcher"),
        ("parked, waking, timers", "park"),
        ("the rest", ""),
    ]),
    ("projector", "Projector", [
        ("typed parse of the skeleton", "from_envelope_of_type"),
        ("call event from the message (pieces resolved)", "calls::convert"),
        ("folding into the call state", "CallState::apply"),
        ("writing the rows (SQLite)", "write_batch"),
        ("serialising details", "serialize"),
        ("the rest of the call event (skeleton)", "call_event"),
        ("the rest", ""),
    ]),
    ("log writer", "calltap-writer", [
        ("backstop checkpoint", "wal_checkpoint"),
        ("fsync", "unixSync"),
        ("WAL frame writes", "unixWrite"),
        ("page reads", "unixRead"),
        ("page cache truncated (at each commit; whole after another connection wrote)", "pcache1Truncate"),
        ("delta encoding", "delta::encode"),
        ("SQLite: B-trees and the rest", "sqlite3_step"),
        ("the rest", ""),
    ]),
    ("checkpointer", "calltap-checkpo", [
        ("writing the database file", "unixWrite"),
        ("reading the WAL", "unixRead"),
        ("fsync", "unixSync"),
        ("the rest", ""),
    ]),
]


def samples(lines):
    """Yields (comm and tid line, frames) per sample of `perf script`."""
    head, frames = None, []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if head is not None:
                yield head, frames
            head, frames = None, []
        elif head is None:
            head = line
        else:
            parts = line.strip().split(" ", 1)
            frames.append(re.sub(r"\+0x[0-9a-f]+$", "", parts[-1]))
    if head is not None:
        yield head, frames


def thread_of(head):
    """The tid of a sample's first line (`comm tid`)."""
    return head.split()[-1] if head.split() else ""


def main():
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--hz", type=float, required=True, help="perf record's -F")
    args.add_argument("--deliveries", type=int, required=True, help="deliveries served while perf recorded")
    opts = args.parse_args()
    us = 1e6 / opts.hz / opts.deliveries
    # A thread's group is the one whose marker most of its samples show:
    # samples inside hand-written assembly (blake3's) unwind no further, so
    # a sample alone cannot always tell which thread it ran on.
    # The HTTP workers last, and also by their threads' name: in a build
    # with LTO the scheduler's loop is inlined out of their stacks, and the
    # blocking pool's threads, which write the projector's rows, share it.
    detect = GROUPS[1:] + [(GROUPS[0][0], GROUPS[0][1], None), (GROUPS[0][0], "tokio-rt-worker", None)]
    taken = list(samples(sys.stdin))
    votes = collections.defaultdict(collections.Counter)
    for head, frames in taken:
        stack = head + "\n" + "\n".join(frames)
        group = next((g for g, marker, _ in detect if marker in stack), None)
        votes[thread_of(head)][group] += 1
    group_of = {tid: vote.most_common(1)[0][0] for tid, vote in votes.items()}
    parts_of = {group: parts for group, _, parts in GROUPS}
    counts = collections.Counter()
    for head, frames in taken:
        group = group_of[thread_of(head)]
        if group is None:
            counts[("other threads", "")] += 1
            continue
        stack = "\n".join(frames)
        part = next(name for name, mark in parts_of[group] if mark in stack)
        counts[(group, part)] += 1
    print("| thread | part | µs a delivery |")
    print("|---|---|---:|")
    total = 0.0
    for group, _, parts in GROUPS + [("other threads", "", [("", "")])]:
        in_group = sum(counts[(group, name)] for name, _ in parts) * us
        if in_group == 0:
            continue
        total += in_group
        print(f"| **{group}** | | **{in_group:.1f}** |")
        for name, _ in parts:
            if counts[(group, name)] and name:
                print(f"| | {name} | {counts[(group, name)] * us:.1f} |")
    print(f"| **all** | | **{total:.1f}** |")


if __name__ == "__main__":
    main()
