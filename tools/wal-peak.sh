#!/bin/sh
# The WAL under load and after a clean stop: `calltap serve` (durability
# full) under wrk posting simulated deliveries, the -wal file's size sampled
# every 100 ms; then SIGTERM, and its size after. Also the server's CPU per
# stored delivery (utime + stime from /proc over the run).
#
#   tools/wal-peak.sh [SECONDS]     (default 20)
#
# Env: CALLTAP (default target/release/calltap), CALLS (simulated calls,
# default 20), WORK (scratch directory; removed).
set -eu
CALLTAP=${CALLTAP:-target/release/calltap}
SECONDS_=${1:-20}
CALLS=${CALLS:-20}
WORK=${WORK:-$(mktemp -d /tmp/calltap-wal.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT
HERE=$(cd "$(dirname "$0")" && pwd)

"$CALLTAP" simulate --calls "$CALLS" --out "$WORK/corpus.jsonl" 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$CALLTAP" serve --listen "127.0.0.1:$port" --db "$WORK/c.db" --durability full 2>/dev/null &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
before=$(ticks)
wrk -t2 -c64 -d"${SECONDS_}s" -s "$HERE/wrk/deliveries.lua" "http://127.0.0.1:$port/webhook" -- "$WORK/corpus.jsonl" >"$WORK/wrk.txt" &
wrk_pid=$!
peak=0
while kill -0 "$wrk_pid" 2>/dev/null; do
    size=$(stat -c %s "$WORK/c.db-wal" 2>/dev/null || echo 0)
    [ "$size" -gt "$peak" ] && peak=$size
    sleep 0.1
done
wait "$wrk_pid"
after=$(ticks)
kill -TERM "$pid"
wait "$pid"
left=$(stat -c %s "$WORK/c.db-wal" 2>/dev/null || echo absent)
hz=$(getconf CLK_TCK)
grep -E "Requests/sec|requests in|Non-2xx" "$WORK/wrk.txt"
echo "server CPU: $(( (after - before) * 1000 / hz )) ms over the run"
echo "WAL peak: $peak bytes; after SIGTERM: $left"
echo "database: $(stat -c %s "$WORK/c.db") bytes"
