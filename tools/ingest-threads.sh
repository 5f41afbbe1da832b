#!/usr/bin/env bash
# Server CPU per delivery of `calltap serve` (durability full) under the wrk
# load of tools/ingest-vs-noop.sh, per thread (user and system, µs a
# delivery, from /proc/PID/task/*/stat before and after): the two runtime
# workers (HTTP), the blocking pool's threads (the projector's steps;
# `tokio-rt-worker` too, told apart by their low system time), the log
# writer and the WAL checkpointer. Prints the load average beside it.
#
#   cargo build --release -p calltap
#   [CALLTAP=path/to/calltap] tools/ingest-threads.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
CALLTAP=${CALLTAP:-target/release/calltap}
SECS=${1:-10}
WORK=$(mktemp -d /tmp/calltap-threads.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
"$CALLTAP" simulate --calls 20 --seed 17 --out "$WORK/corpus.jsonl" >/dev/null 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$CALLTAP" serve --listen "127.0.0.1:$port" --db "$WORK/t.db" --durability full 2>/dev/null &
pid=$!
until curl -s -o /dev/null -X POST -d '{}' "http://127.0.0.1:$port/webhook"; do sleep 0.05; done
snapshot() { for t in /proc/"$pid"/task/*; do echo "$(basename "$t") $(tr ' ' _ <"$t/comm") $(awk '{ print $14, $15 }' "$t/stat")"; done | sort; }
snapshot >"$WORK/before"
wrk -t2 -c64 -d"${SECS}s" -s tools/wrk/deliveries.lua "http://127.0.0.1:$port/webhook" -- "$WORK/corpus.jsonl" >"$WORK/wrk.txt"
snapshot >"$WORK/after"
load=$(cut -d' ' -f1-3 /proc/loadavg)
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
requests=$(awk '/requests in/ { print $1 }' "$WORK/wrk.txt")
echo "$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$WORK/wrk.txt") deliveries/s, load average $load"
echo "| thread | name | user µs/delivery | system µs/delivery |"
echo "|---:|---|---:|---:|"
join -a2 -e0 -o '2.1,2.2,1.3,1.4,2.3,2.4' "$WORK/before" "$WORK/after" | awk -v r="$requests" '
  { u = $5 - $3; s = $6 - $4; if (u + s > 0) printf "| %s | %s | %.1f | %.1f |\n", $1, $2, u * 10000 / r, s * 10000 / r; tu += u; ts += s }
  END { printf "| all | | %.1f | %.1f |\n", tu * 10000 / r, ts * 10000 / r }'
