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
WORK=$(mktemp -d /tmp/calltap-read-buffer.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
"$CALLTAP" simulate --calls 20 --seed 17 --out "$WORK/corpus.jsonl" >/dev/null 2>&1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
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
    until curl -s -o /dev/null -X POST -d '{}' "http://127.0.0.1:$port/webhook"; do
      kill -0 "$pid" 2>/dev/null || { echo "$size did not start" >&2; exit 1; }
      sleep 0.05
    done
    before=$(ticks "$pid")
    wrk -t2 -c64 -d"${SECS}s" --latency -s tools/wrk/deliveries.lua "http://127.0.0.1:$port/webhook" -- "$WORK/corpus.jsonl" >"$WORK/wrk.txt"
    after=$(ticks "$pid")
    load=$(cut -d' ' -f1 /proc/loadavg)
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    requests=$(awk '/requests in/ { print $1 }' "$WORK/wrk.txt")
    rate=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$WORK/wrk.txt")
    p99=$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.txt")
    echo "| $round | $size | $rate | $p99 | $(( (after - before) * 10000 / requests )) | $load |"
  done
done
