#!/usr/bin/env python3
"""The disk's floor for a durable commit: how long one small write plus
fdatasync takes on the file system the benchmarks' databases live on
(BENCHMARKS.md, "Pass-on": the floor under the answer latency at
`durability = "full"`, where every commit waits for such a sync).

Writes `--bytes` (default 4096, one WAL frame and a bit) and fdatasyncs
it, `--count` times, in `--dir` (default the system's temporary directory,
where tools/bench-forward.py puts its databases), and prints p50, p90, p99
and the maximum in ms, with the load average. Two ways, each run in turn:
`append` (the file grows with every write, so every sync also commits the
file's new size to the file system's journal: a WAL on its first pass) and
`overwrite` (the writes go round a file already written and synced, of
`--bytes` times 256, so the size never changes: a WAL that SQLite has
started over, as it does after each checkpoint).

    python3 tools/fsync-floor.py [--count 2000] [--bytes 4096] [--dir /tmp]
"""

import argparse
import os
import tempfile
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--bytes", type=int, default=4096)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--sync", choices=["fdatasync", "fsync"], default="fdatasync")
    args = parser.parse_args()
    sync = getattr(os, args.sync)
    block = os.urandom(args.bytes)
    for mode in ("append", "overwrite"):
        with tempfile.NamedTemporaryFile(dir=args.dir, prefix="fsync-floor.") as f:
            fd = f.fileno()
            if mode == "overwrite":
                os.write(fd, block * 256)
                os.fsync(fd)
            took = []
            load_before = os.getloadavg()[0]
            for i in range(args.count):
                started = time.perf_counter()
                if mode == "overwrite":
                    os.pwrite(fd, block, (i % 256) * args.bytes)
                else:
                    os.write(fd, block)
                sync(fd)
                took.append((time.perf_counter() - started) * 1000)
            load_after = os.getloadavg()[0]
        took.sort()

        def pct(p):
            return took[min(len(took) - 1, int(len(took) * p / 100))]

        print(
            f"{mode:9} {args.count} x write {args.bytes} B + {args.sync} in {args.dir}: "
            f"p50 {pct(50):.3f} ms, p90 {pct(90):.3f} ms, p99 {pct(99):.3f} ms, "
            f"max {took[-1]:.3f} ms, mean {sum(took) / len(took):.3f} ms "
            f"(load average {load_before:.2f} -> {load_after:.2f})"
        )


if __name__ == "__main__":
    main()
