#!/usr/bin/env bash
# What hyper's read buffer costs `calltap serve --dry-run` under the wrk
# load of tools/ingest-vs-noop.sh (tools/wrk/deliveries.lua, 2 threads, 64
# connections, simulated deliveries of 19 KB on average, each made unique):
# the same binary with its read buffer at each size in SIZES, one after the
# other per round, optionally after the no-op receiver. `conn.rs` caps the
# buffer at `--max-header-bytes` (8 KiB by default, so that a connection
# waiting for the body budget holds little of its body), so each size is
# set through that flag (which also raises the header limit: irrelevant to
# this load). Prints deliveries/s, p99 and the server's CPU per delivery
# (user + system from /proc).
#
#   cargo build --release -p calltap
#   [SIZES="noop 8192 65536"] flock /work/measure.lock tools/read-buffer.sh [ROUNDS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECS=${2:-10}
CALLTAP=${CALLTAP:-target/release/calltap}
NOOP=${NOOP:-tools/noop-receiver/target/release/noop-receiver}
SIZES=${SIZES:-8192 65536}
. tools/lib/wrk.sh
wrk_setup read-buffer
echo "$(uptime)"
echo "| round | read buffer | deliveries/s | p99 ms | server CPU µs/delivery | load |"
echo "|---:|---|---:|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
  for size in $SIZES; do
    port=$(free_port)
    if [ "$size" = noop ]; then
      "$NOOP" "127.0.0.1:$port" &
    else
      "$CALLTAP" serve --listen "127.0.0.1:$port" --db "$WORK/$round-$size.db" --dry-run \
        --max-header-bytes "$size" 2>/dev/null &
    fi
    pid=$!
    await_server "$pid" "$port" "$size"
    before=$(ticks "$pid")
    run_wrk "$port" "$SECS"
    after=$(ticks "$pid")
    load=$(cut -d' ' -f1 /proc/loadavg)
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    echo "| $round | $size | $rate | $p99 | $(( (after - before) * 10000 / requests )) | $load |"
  done
done
