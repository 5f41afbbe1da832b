#!/usr/bin/env bash
# A burst against a real `calltap serve`, with the server's peak memory.
#
#   tools/burst.sh CALLS [CONCURRENCY] [-- SERVE_ARGS...]
#
# Starts `calltap serve` on a fresh database in a temp dir (durability
# full, the default), runs `calltap simulate --calls CALLS --concurrency
# CONCURRENCY --max-speed` against it, and prints the simulator's summary,
# the 503s the server counted (`calltap_overloaded_total`), the server's
# peak resident set (VmHWM from /proc/PID/status) and its CPU time. Then
# stops the server and removes the temp dir.
#
# CALLTAP_BIN picks the binary (default target/release/calltap; build it
# with `cargo build --release -p calltap`).
set -euo pipefail
cd "$(dirname "$0")/.."

calls=${1:?usage: tools/burst.sh CALLS [CONCURRENCY] [-- SERVE_ARGS...]}
shift
concurrency=$calls
if [ $# -gt 0 ] && [ "$1" != "--" ]; then concurrency=$1; shift; fi
[ "${1:-}" = "--" ] && shift
. tools/lib/serve.sh
start_serve burst "$@"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
set +e
"$bin" simulate --to "http://127.0.0.1:$port/" --calls "$calls" --concurrency "$concurrency" \
  --max-speed --no-progress 2>&1 | tail -n 12
set -e
metrics=$(curl -fs "http://127.0.0.1:$port/metrics")
overloaded=$(awk '/^calltap_overloaded_total /{print $2}' <<<"$metrics")
stored=$(awk '/^calltap_deliveries_stored_total /{print $2}' <<<"$metrics")
echo "server: stored ${stored:-0}, answered 503 overloaded ${overloaded:-0} times"
echo "server gauges: $(grep -E "^calltap_(projection_cache_bytes|queue_bytes|connections|connections_parked_total|connections_timed_out_total|body_bytes_in_flight_peak) " <<<"$metrics" | tr "\n" " ")"
echo "server: $(memory)"
ticks=$(getconf CLK_TCK)
read -r utime stime < <(awk '{print $14, $15}' "/proc/$pid/stat")
echo "server CPU: $(( (utime + stime) * 1000 / ticks )) ms"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
