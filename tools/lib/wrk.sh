# Sourced by tools/ingest-vs-noop.sh, tools/ingest-threads.sh,
# tools/perf-parts.sh, tools/idle-parts.sh and tools/read-buffer.sh: the
# wrk load they share
# (tools/wrk/deliveries.lua, 2 threads, 64 connections, the deliveries of 20
# simulated calls round robin, each made unique) against a server started
# per round, and what is read off it.
#
#   wrk_setup NAME        WORK (a temp dir, removed on exit) and the corpus
#   free_port             a free TCP port on 127.0.0.1
#   ticks PID             the process's user + system clock ticks
#   await_server PID PORT NAME   waits until it answers; ends the run if it died
#   start_calltap [FLAGS...]     `$CALLTAP serve FLAGS` on a free port and a
#                         fresh database in WORK; sets pid and port once it answers
#   run_wrk PORT SECS     the load; sets requests, rate, p99 and non2xx, and
#                         wrk_us (wrk's own CPU, µs a request) and idle (the
#                         share of the machine's CPU time left idle, %)
#
# LOAD=fresh-calls makes every pass over the corpus new calls, rather than
# the same 20 calls growing (CALLTAP_FRESH_CALLS in tools/wrk/deliveries.lua).
#
# CALLTAP is the binary that writes the corpus.

wrk_setup() {
  WORK=$(mktemp -d "/tmp/calltap-$1.XXXXXX")
  trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
  "$CALLTAP" simulate --calls 20 --seed 17 --out "$WORK/corpus.jsonl" >/dev/null 2>&1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

await_server() {
  until curl -s -o /dev/null -X POST -d '{}' "http://127.0.0.1:$2/webhook"; do
    # A server that did not start (a wrong binary path, a bad flag) ends the run.
    kill -0 "$1" 2>/dev/null || { echo "$3 did not start" >&2; exit 1; }
    sleep 0.05
  done
}

start_calltap() {
  port=$(free_port)
  "$CALLTAP" serve --listen "127.0.0.1:$port" --db "$WORK/t.db" "$@" 2>/dev/null &
  pid=$!
  await_server "$pid" "$port" calltap
}

# The machine's idle (idle + iowait) and total clock ticks so far.
cpu_ticks() { awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }

run_wrk() {
  local TIMEFORMAT='%U %S' fresh stat0 stat1
  fresh=$([ "${LOAD:-}" = fresh-calls ] && echo 1 || echo 0)
  stat0=$(cpu_ticks)
  # bash's `time` gives wrk's own user and system CPU, so that what the
  # load generator takes of the two cores is in the figures.
  { time CALLTAP_FRESH_CALLS=$fresh wrk -t2 -c64 -d"$2s" --latency -s tools/wrk/deliveries.lua \
      "http://127.0.0.1:$1/webhook" -- "$WORK/corpus.jsonl" >"$WORK/wrk.txt" 2>"$WORK/wrk.err"; } 2>"$WORK/wrk.cpu"
  stat1=$(cpu_ticks)
  requests=$(awk '/requests in/ { print $1 }' "$WORK/wrk.txt")
  wrk_us=$(awk -v r="$requests" '{ printf "%.0f", ($1 + $2) * 1e6 / r }' "$WORK/wrk.cpu")
  idle=$(echo "$stat0 $stat1" | awk '{ printf "%.0f", ($3 - $1) * 100 / ($4 - $2) }')
  rate=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$WORK/wrk.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.txt")
  non2xx=$(awk '/Non-2xx/ { print $NF }' "$WORK/wrk.txt"); non2xx=${non2xx:-0}
}
