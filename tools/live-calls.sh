#!/usr/bin/env bash
# CALLS live calls at once, their deliveries arriving at a steady rate that
# calltap sustains, against a real `calltap serve`, with its peak memory.
#
#   tools/live-calls.sh CALLS [SPEED] [-- SERVE_ARGS...]
#
# Unlike tools/burst.sh (every call posting as fast as it is answered, so
# about CALLS connections open), every call here plays its timeline at
# SPEED (1 = real time), all CALLS of them from the start, and the sender
# never offers more than RATE deliveries a second: while the server keeps
# up with RATE, the open connections are about the rate times the latency,
# not CALLS (when it does not, the requests in flight grow toward CALLS).
#
#   1. the sustainable rate, measured on the same server: 400 calls, 64 at a
#      time, as fast as it answers (as tools/overload.sh step 2);
#   2. RATE (env) deliveries a second, or FRACTION (env, default 0.8) x
#      that rate (the measure is as noisy as the machine); unless SPEED is
#      given, the speed at which CALLS calls would offer twice RATE on
#      average (the calls' mean length and deliveries per call, from the
#      generator: 500 calls of the same seed written to a file), so that
#      the cap below, not the calls' timelines, sets the rate and all CALLS
#      calls stay live until their last deliveries;
#   3. `calltap simulate --calls CALLS --concurrency CALLS --speed SPEED
#      --rate RATE`: the cap also spreads the calls' first deliveries, which
#      are all due at once (without it, CALLS requests arrive at once: a
#      burst). Meanwhile the server's open connections are sampled every
#      half second.
#
# Prints the simulator's report (acknowledged, refused, without an answer,
# achieved rate, latency), the 503s the server counted, the peak resident
# set (VmHWM), the most connections open at once, the server's CPU time and
# the load average. The run lasts about CALLS x 38 deliveries / RATE, plus
# the longest calls' tail (165 s of timeline / SPEED): 3-6 minutes for
# 10,000 calls on the 2-core machine.
# CALLTAP_BIN picks the binary (default target/release/calltap).
#
# STALLS=N (root only) puts the database on a loop-mounted filesystem of its
# own and freezes it N times during step 2, for STALL_SECONDS (default 2.5)
# each, evenly spread over the run's expected length: the log writer blocks
# in the kernel as it does when the VM's disk holds a write for seconds, so
# what piles up while it does is measured on purpose, not by chance. Each
# stall's line gives the most resident memory and connections sampled from
# its start to 3 s after it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:?usage: tools/live-calls.sh CALLS [SPEED] [-- SERVE_ARGS...]}
shift
speed=
if [ $# -gt 0 ] && [ "$1" != "--" ]; then speed=$1; shift; fi
[ "${1:-}" = "--" ] && shift
. tools/lib/serve.sh
start_serve live-calls "$@"

# At most a second: while ingest is backed up, the sampler's new connection
# is parked like any other, and the resident set must still be sampled.
metric() { curl -fs -m 1 "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1==m {print $2}'; }
cpu_ms() {
  local utime stime
  read -r utime stime < <(awk '{print $14, $15}' "/proc/$pid/stat")
  echo $(( (utime + stime) * 1000 / $(getconf CLK_TCK) ))
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== 1. sustainable rate: simulate --calls 400 --concurrency 64 --max-speed"
out=$("$bin" simulate --to "http://127.0.0.1:$port/" --no-progress --calls 400 \
  --concurrency 64 --max-speed --seed 2 2>&1 || true)
sed -n 's/^\(throughput\|deliveries\):/  &/p' <<<"$out"
sustainable=$(sed -n 's/^throughput: *\([0-9.]*\) deliveries.*/\1/p' <<<"$out")
sustainable=${sustainable%.*}
[ -n "$sustainable" ] || { echo "no throughput in the report:"; echo "$out"; exit 1; }
echo "  server: $(memory)"

fraction=${FRACTION:-0.8}
rate=${RATE:-$(python3 -c "print(int($sustainable * $fraction))")}
if [ -z "$speed" ]; then
  "$bin" simulate --calls 500 --out "$dir/sample.jsonl" --seed 0 2>/dev/null
  speed=$(python3 - "$dir/sample.jsonl" "$calls" "$rate" <<'PY'
import json, sys
first, last, count = {}, {}, {}
for line in open(sys.argv[1]):
    message = json.loads(line)["message"]
    call, at = message.get("call", {}).get("id"), message.get("timestamp")
    if not isinstance(at, (int, float)):
        continue
    first[call] = min(first.get(call, at), at)
    last[call] = max(last.get(call, at), at)
    count[call] = count.get(call, 0) + 1
mean_s = sum(last[c] - first[c] for c in first) / len(first) / 1000
per_call = sum(count.values()) / len(count)
calls, rate = int(sys.argv[2]), float(sys.argv[3])
# CALLS calls of mean_s seconds at speed S offer CALLS * per_call / (mean_s / S):
# twice RATE.
print(f"{2 * rate * mean_s / (calls * per_call):.3f}")
print(f"  a call: {mean_s:.1f} s and {per_call:.1f} deliveries on average (500 calls)", file=sys.stderr)
PY
  )
  echo "  speed for $calls calls to offer twice $rate deliveries/s ($fraction x sustainable) on average: $speed"
fi

echo "== 2. live calls: simulate --calls $calls --concurrency $calls --speed $speed --rate $rate"
rm -f "$dir/sample.jsonl"
cpu_before=$(cpu_ms)
( peak_conn=0
  while kill -0 "$pid" 2>/dev/null; do
    c=$(metric calltap_connections 2>/dev/null || true)
    c=${c%.*}
    [ -n "$c" ] && [ "$c" -gt "$peak_conn" ] && peak_conn=$c && echo "$peak_conn" >"$dir/peak_conn"
    sleep 0.5
  done ) &
sampler=$!
stalls=${STALLS:-0}
stall_seconds=${STALL_SECONDS:-2.5}
stopper=
if [ "$stalls" != 0 ]; then
  ( expected=$(( calls * 38 / rate ))
    for i in $(seq "$stalls"); do
      sleep $(( expected / (stalls + 1) ))
      # Sampled while frozen and 3 s after the thaw: what piled up is taken in then.
      end=$(( $(date +%s%N) + $(awk -v s="$stall_seconds" 'BEGIN { printf "%d", (s + 3) * 1e9 }') ))
      stall "$stall_seconds" &
      frozen=$!
      peak_rss=0 peak_conns=0 peak_parked=0
      while [ "$(date +%s%N)" -lt "$end" ]; do
        rss=$(awk '/^VmRSS/{print $2}' "/proc/$pid/status")
        page=$(curl -fs -m 1 "http://127.0.0.1:$port/metrics" 2>/dev/null || true)
        c=$(awk '$1=="calltap_connections" {print $2}' <<<"$page"); c=${c%.*}
        p=$(awk '$1=="calltap_connections_parked" {print $2}' <<<"$page"); p=${p%.*}
        [ "${rss:-0}" -gt "$peak_rss" ] && peak_rss=$rss
        [ -n "$c" ] && [ "$c" -gt "$peak_conns" ] && peak_conns=$c
        [ -n "$p" ] && [ "$p" -gt "$peak_parked" ] && peak_parked=$p
        sleep 0.25
      done
      wait "$frozen"
      echo "  stall $i: ${stall_seconds} s frozen; after it, at most $(( peak_rss / 1024 )) MB resident and $peak_conns connections ($peak_parked parked; a sample taken while ingest was backed up waited in line itself)"
    done ) &
  stopper=$!
fi
set +e
"$bin" simulate --to "http://127.0.0.1:$port/" --calls "$calls" --concurrency "$calls" \
  --speed "$speed" --rate "$rate" --no-progress 2>&1 | tail -n 12 | sed 's/^/  /'
set -e
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
[ -n "$stopper" ] && wait "$stopper" 2>/dev/null
o=$(metric calltap_overloaded_total)
echo "  server: 503 overloaded ${o:-0} times; stored $(metric calltap_deliveries_stored_total) deliveries in all (both steps)"
echo "  server: most connections open at once (sampled every 0.5 s): $(cat "$dir/peak_conn" 2>/dev/null || echo 0)"
echo "  server: body bytes in flight peak $(metric calltap_body_bytes_in_flight_peak), projection cache $(metric calltap_projection_cache_bytes) B ($(metric calltap_projection_cache_frozen_bytes) B frozen)"
echo "  server: call states read from the log $(metric calltap_projection_loads_total) times, thawed $(metric calltap_projection_cache_thawed_total) times (both steps)"
echo "  server: $(memory)"
echo "  server CPU during step 2: $(( $(cpu_ms) - cpu_before )) ms"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
