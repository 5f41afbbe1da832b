#!/usr/bin/env bash
# Server CPU per delivery of `calltap serve` (durability full) under the wrk
# load of tools/ingest-vs-noop.sh, per thread (user and system, µs a
# delivery, from /proc/PID/task/*/stat before and after): the two runtime
# workers (HTTP), the blocking pool's threads (the projector's steps;
# `tokio-rt-worker` too, told apart by their low system time), the log
# writer and the WAL checkpointer. Beside it, each thread's wait for a core
# (`run queue`, from /proc/PID/task/*/schedstat, µs a delivery): a thread
# that was ready to run but found both cores taken. On the log writer, the
# serial stage, that wait is throughput lost. Prints the load average.
#
#   cargo build --release -p calltap
#   [CALLTAP=path/to/calltap] [LOAD=fresh-calls] tools/ingest-threads.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
CALLTAP=${CALLTAP:-target/release/calltap}
SECS=${1:-10}
source tools/lib/wrk.sh
wrk_setup threads
port=$(free_port)
"$CALLTAP" serve --listen "127.0.0.1:$port" --db "$WORK/t.db" --durability full 2>/dev/null &
pid=$!
await_server "$pid" "$port" calltap
# tid, name, user and system ticks, ns on a run queue.
snapshot() {
  for t in /proc/"$pid"/task/*; do
    echo "$(basename "$t") $(tr ' ' _ <"$t/comm") $(awk '{ print $14, $15 }' "$t/stat") $(cut -d' ' -f2 "$t/schedstat")"
  done | sort
}
snapshot >"$WORK/before"
run_wrk "$port" "$SECS"
snapshot >"$WORK/after"
load=$(cut -d' ' -f1-3 /proc/loadavg)
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
echo "$rate deliveries/s, load average $load"
echo "| thread | name | user µs/delivery | system µs/delivery | run queue µs/delivery |"
echo "|---:|---|---:|---:|---:|"
join -a2 -e0 -o '2.1,2.2,1.3,1.4,1.5,2.3,2.4,2.5' "$WORK/before" "$WORK/after" | awk -v r="$requests" '
  { u = $6 - $3; s = $7 - $4; q = ($8 - $5) / 1000
    if (u + s > 0) printf "| %s | %s | %.1f | %.1f | %.1f |\n", $1, $2, u * 10000 / r, s * 10000 / r, q / r
    tu += u; ts += s; tq += q }
  END { printf "| all | | %.1f | %.1f | %.1f |\n", tu * 10000 / r, ts * 10000 / r, tq / r }'
