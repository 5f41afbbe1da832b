#!/usr/bin/env bash
# Where `calltap serve`'s CPU goes under the wrk load of
# tools/ingest-vs-noop.sh, in µs a delivery by thread and part
# (tools/perf-parts.py): starts the server on a fresh database, runs wrk
# for SECONDS, and records the server with perf (cpu-clock, dwarf stacks,
# 700 Hz) over the middle RECORD seconds, counting the deliveries received
# meanwhile from /metrics. Anything after RECORD is passed to `serve`
# (`--dry-run`, `--durability normal`).
#
#   cargo build --release -p calltap
#   apt-get install linux-perf
#   [CALLTAP=path/to/calltap] [LOAD=fresh-calls] tools/perf-parts.sh [SECONDS [RECORD [SERVE FLAGS...]]]
set -euo pipefail
cd "$(dirname "$0")/.."
CALLTAP=${CALLTAP:-target/release/calltap}
SECS=${1:-16}
RECORD=${2:-8}
shift $(( $# > 1 ? 2 : $# ))
HZ=700
source tools/lib/wrk.sh
wrk_setup perf-parts
start_calltap "$@"
received() { curl -s "http://127.0.0.1:$port/metrics" | awk '/^calltap_deliveries_received_total / { print $2 }'; }
# perf and the /metrics reads run beside wrk, over the middle of its run.
(
  sleep $(( (SECS - RECORD) / 2 ))
  received >"$WORK/before"
  perf record -q -e cpu-clock --call-graph dwarf,32768 -F "$HZ" -p "$pid" -o "$WORK/perf.data" -- sleep "$RECORD" 2>/dev/null
  received >"$WORK/after"
) &
recorder=$!
run_wrk "$port" "$SECS"
wait "$recorder"
before=$(cat "$WORK/before"); after=$(cat "$WORK/after")
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
echo "$rate deliveries/s over wrk's $SECS s; $((after - before)) deliveries while perf recorded $RECORD s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
perf script -i "$WORK/perf.data" -F comm,tid,ip,sym 2>/dev/null | python3 tools/perf-parts.py --hz "$HZ" --deliveries "$((after - before))"
