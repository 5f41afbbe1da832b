#!/usr/bin/env bash
# The overload campaign against a real `calltap serve` (durability full):
#
#   1. a burst of BURST calls at once (default 10,000): 0 × 503 wanted;
#   2. the sustainable rate, measured: SUSTAIN calls (default 400), 64 at
#      a time, as fast as the server answers;
#   3. 3 × that rate, for SECONDS (default 60), at most IN_FLIGHT (env,
#      default BURST) requests in flight (the sender's own limit: past it
#      the sender waits): the excess must get 503 (with Retry-After),
#      memory must stay within its budget. A refusal needs about the
#      sustainable rate × the wait budget in flight (`--queue-max-wait-ms`),
#      so IN_FLIGHT and the budget are chosen together;
#   4. right after, the closed-loop run of step 2 again, for about 5 s:
#      its throughput against step 2's;
#   5. nothing acknowledged lost: the deliveries the simulator saw
#      acknowledged, against the rows in the log.
#
#   tools/overload.sh [BURST] [SECONDS] [SUSTAIN] [-- SERVE_ARGS...]
#
# Prints each step's simulator report, the server's peak resident set
# (VmHWM) after each step, the 503s it counted, and the load average.
# CALLTAP_BIN picks the binary (default target/release/calltap).
set -euo pipefail
cd "$(dirname "$0")/.."
burst=${1:-10000}
seconds=${2:-60}
sustain=${3:-400}
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
. tools/lib/serve.sh
start_serve overload "$@"

metric() { curl -fs "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1==m {print $2}'; }
status() {
  echo "  server: $(memory);" \
    "503 overloaded so far: $(metric calltap_overloaded_total); stored so far: $(metric calltap_deliveries_stored_total);" \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
}
acked_total=0
sim() {  # sim NAME ARGS... : runs the simulator, prints its report, adds up acks
  local name=$1; shift
  echo "== $name: simulate $*"
  local out
  out=$("$bin" simulate --to "http://127.0.0.1:$port/" --no-progress "$@" 2>&1 || true)
  echo "$out" | sed 's/^/  /'
  local acked
  acked=$(sed -n 's/^deliveries: *[0-9]* sent, \([0-9]*\) acked.*/\1/p' <<<"$out")
  acked_total=$(( acked_total + ${acked:-0} ))
  rate=$(sed -n 's/^throughput: *\([0-9.]*\) deliveries.*/\1/p' <<<"$out")
  status
}

sim "1. burst" --calls "$burst" --concurrency "$burst" --max-speed --seed 1
sim "2. sustainable" --calls "$sustain" --concurrency 64 --max-speed --seed 2
sustainable=${rate%.*}
over=$(( sustainable * 3 ))
# About 40 deliveries per call: enough calls to last SECONDS at 3x.
calls=$(( over * seconds / 40 ))
in_flight=${IN_FLIGHT:-$burst}
sim "3. overload at 3 x $sustainable = $over/s for ~${seconds} s" --calls "$calls" --concurrency "$in_flight" --max-speed --rate "$over" --seed 3
after_calls=$(( sustainable * 5 / 40 ))
sim "4. right after: closed loop for ~5 s" --calls "$after_calls" --concurrency 64 --max-speed --seed 4
echo "== 5. acknowledged vs stored"
stored=$(metric calltap_deliveries_stored_total)
dups=$(metric calltap_deliveries_duplicate_total)
echo "  simulator saw $acked_total acknowledged; the server stored ${stored:-0} (+ ${dups:-0} duplicates)"
kill -TERM "$pid"; wait "$pid" || true
rows=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from events').fetchone()[0])" "$dir/overload.db")
echo "  rows in the log after a clean stop: $rows"
echo "  integrity_check: $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('pragma integrity_check').fetchone()[0])" "$dir/overload.db")"
