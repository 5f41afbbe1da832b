#!/usr/bin/env bash
# Why the two cores idle under the wrk load of tools/ingest-vs-noop.sh
# (tools/idle-parts.py): starts the server on a fresh database, runs wrk
# for SECONDS, records every context switch of the machine with
# `perf sched record -a` over the middle RECORD seconds, and reports each
# thread's share of a core, the time both cores idle, and who runs alone
# on one core while the other idles (a serial stage the rest waits for).
# Anything after RECORD is passed to `serve` (`--durability normal`).
#
#   cargo build --release -p calltap
#   apt-get install linux-perf
#   [CALLTAP=path/to/calltap] [LOAD=fresh-calls] tools/idle-parts.sh [SECONDS [RECORD [SERVE FLAGS...]]]
set -euo pipefail
cd "$(dirname "$0")/.."
CALLTAP=${CALLTAP:-target/release/calltap}
SECS=${1:-10}
RECORD=${2:-2}
shift $(( $# > 1 ? 2 : $# ))
source tools/lib/wrk.sh
wrk_setup idle-parts
start_calltap "$@"
# perf runs beside wrk, over the middle of its run.
(
  sleep $(( (SECS - RECORD) / 2 ))
  perf sched record -a -o "$WORK/sched.data" -- sleep "$RECORD" >/dev/null 2>&1
) &
recorder=$!
run_wrk "$port" "$SECS"
wait "$recorder"
# Each thread's user and system ticks, which tell the runtime's workers
# from the blocking pool's thread (the projector's row writes) by name alone
# they cannot be.
for t in /proc/"$pid"/task/*; do
  echo "$(basename "$t") $(awk '{ print $14, $15 }' "$t/stat")"
done >"$WORK/threads"
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
echo "$rate deliveries/s over wrk's $SECS s (idle $idle% by /proc/stat); perf sched over $RECORD s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
perf sched timehist -i "$WORK/sched.data" 2>/dev/null | python3 tools/idle-parts.py --threads "$WORK/threads"
