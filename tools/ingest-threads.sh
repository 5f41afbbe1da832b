#!/usr/bin/env bash
# Server CPU per delivery of `calltap serve` (durability full) under the wrk
# load of tools/ingest-vs-noop.sh, per thread (user and system, µs a
# delivery, from /proc/PID/task/*/stat before and after): the two runtime
# workers (HTTP), the projector's computing (`calltap-project`, at
# SCHED_IDLE), the blocking pool's threads (the projector's row writes;
# `tokio-rt-worker` too, told apart by their small share of CPU), the log
# writer and the WAL checkpointer. Beside it, each thread's wait for a core
# (`run queue`, from /proc/PID/task/*/schedstat, µs a delivery): a thread
# that was ready to run but found both cores taken. On the log writer, the
# serial stage, that wait is throughput lost. And the bytes each thread read
# and wrote through system calls (/proc/PID/task/*/io: the writer's are its
# page reads and WAL frames), and the mean batch the writer committed (from
# /metrics). Prints the share of the machine's CPU left idle, wrk's own
# CPU a request, the load average, and how far the projector trails the
# log as the load ends (deliveries stored but not yet in call state: the
# projector computes on idle CPU, so a load that leaves none starves it).
# DURABILITY (default full) is passed to `serve`, and so is anything after
# the seconds.
#
#   cargo build --release -p calltap
#   [CALLTAP=path/to/calltap] [LOAD=fresh-calls] [DURABILITY=normal] tools/ingest-threads.sh [SECONDS [SERVE FLAGS...]]
set -euo pipefail
cd "$(dirname "$0")/.."
CALLTAP=${CALLTAP:-target/release/calltap}
SECS=${1:-10}
shift $(( $# > 0 ? 1 : 0 ))
source tools/lib/wrk.sh
wrk_setup threads
start_calltap --durability "${DURABILITY:-full}" "$@"
# tid, name, user and system ticks, ns on a run queue, bytes read and written.
snapshot() {
  for t in /proc/"$pid"/task/*; do
    echo "$(basename "$t") $(tr ' ' _ <"$t/comm") $(awk '{ print $14, $15 }' "$t/stat") $(cut -d' ' -f2 "$t/schedstat") $(awk '/^(rchar|wchar):/ { print $2 }' "$t/io" | paste -sd' ')"
  done | sort
}
# The writer's batches so far: how many, and the deliveries in them.
batches() { curl -s "http://127.0.0.1:$port/metrics" | awk '/^calltap_batch_size_count / { c = $2 } /^calltap_batch_size_sum / { s = $2 } END { print c, s }'; }
read -r batches0 batched0 <<<"$(batches)"
snapshot >"$WORK/before"
run_wrk "$port" "$SECS"
snapshot >"$WORK/after"
read -r batches1 batched1 <<<"$(batches)"
# Stored deliveries not yet projected (a fresh log's seqs are 1, 2, ...).
behind=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^calltap_deliveries_stored_total / { s = $2 } /^calltap_projection_position / { p = $2 } END { printf "%d", (s > p ? s - p : 0) }')
load=$(cut -d' ' -f1-3 /proc/loadavg)
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
echo "$rate deliveries/s, the machine idle $idle%, wrk $wrk_us µs a request, load average $load, $(awk -v b0="$batches0" -v b1="$batches1" -v d0="$batched0" -v d1="$batched1" \
  'BEGIN { b = b1 - b0; printf "%.1f deliveries a batch", (d1 - d0) / (b > 0 ? b : 1) }'), the projector $behind deliveries behind at the end"
echo "| thread | name | user µs/delivery | system µs/delivery | run queue µs/delivery | read B/delivery | written B/delivery |"
echo "|---:|---|---:|---:|---:|---:|---:|"
join -a2 -e0 -o '2.1,2.2,1.3,1.4,1.5,1.6,1.7,2.3,2.4,2.5,2.6,2.7' "$WORK/before" "$WORK/after" | awk -v r="$requests" '
  { u = $8 - $3; s = $9 - $4; q = ($10 - $5) / 1000; rd = $11 - $6; wr = $12 - $7
    if (u + s > 0) printf "| %s | %s | %.1f | %.1f | %.1f | %.0f | %.0f |\n", $1, $2, u * 10000 / r, s * 10000 / r, q / r, rd / r, wr / r
    tu += u; ts += s; tq += q; trd += rd; twr += wr }
  END { printf "| all | | %.1f | %.1f | %.1f | %.0f | %.0f |\n", tu * 10000 / r, ts * 10000 / r, tq / r, trd / r, twr / r }'
