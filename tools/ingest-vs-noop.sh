#!/usr/bin/env bash
# Issue 17's durable-ingest ratio: the same wrk load (tools/wrk/deliveries.lua,
# 2 threads, 64 connections, simulated deliveries each made unique) against
# the no-op receiver (tools/noop-receiver: read the body, answer 200 {}),
# the same receiver appending each body to a file with one fdatasync per
# group before answering (`--append`: the floor of any receiver whose 200
# means on disk), `calltap serve --dry-run` and `calltap serve`
# (durability full), one after the other per round, each on a fresh
# database; prints deliveries/s, p99 and the server's CPU per delivery
# (user + system from /proc), and the part of it spent on the writer thread
# (the serial stage: cut, delta, SQLite, fsync); each server's deliveries/s
# against the round's no-op and against its durable floor; wrk's own CPU a
# request and the share of the machine's CPU left idle, which together
# bound the ratio: on two cores a server taking C µs a delivery reaches at
# most 2 s / (C + wrk's µs) a second, and less by the share it leaves idle.
# With BASE=path/to/another/calltap, each round also runs that build's
# dry run and durable serve, interleaved with this one's: a before/after in
# one run.
#
#   cargo build --release -p calltap
#   cargo build --release --manifest-path tools/noop-receiver/Cargo.toml
#   [BASE=/tmp/base/calltap] [LOAD=fresh-calls] tools/ingest-vs-noop.sh [ROUNDS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
SECS=${2:-10}
CALLTAP=${CALLTAP:-target/release/calltap}
NOOP=${NOOP:-tools/noop-receiver/target/release/noop-receiver}
BASE=${BASE:-}
. tools/lib/wrk.sh
wrk_setup noop
# The writer thread's ticks (0 for a server without one).
writer_ticks() {
  local t total=0
  for t in /proc/"$1"/task/*; do
    if [ "$(cat "$t/comm" 2>/dev/null)" = calltap-writer ]; then
      total=$(awk '{ print $14 + $15 }' "$t/stat")
    fi
  done
  echo "$total"
}
servers="noop append dry-run full"
if [ -n "$BASE" ]; then servers="noop append base-dry-run dry-run base-full full"; fi
echo "$(uptime)"
echo "| round | server | deliveries/s | vs no-op | vs durable floor | p99 ms | non-2xx | server CPU µs/delivery | writer thread µs/delivery | wrk µs/request | idle % | load |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
noop_rate=
for round in $(seq 1 "$ROUNDS"); do
  floor_rate=
  for server in $servers; do
    port=$(free_port)
    case $server in
      noop) "$NOOP" "127.0.0.1:$port" & ;;
      append) "$NOOP" "127.0.0.1:$port" --append "$WORK/$round-append.log" & ;;
      dry-run) "$CALLTAP" serve --listen "127.0.0.1:$port" --db "$WORK/$round-$server.db" --dry-run 2>/dev/null & ;;
      full) "$CALLTAP" serve --listen "127.0.0.1:$port" --db "$WORK/$round-$server.db" --durability full 2>/dev/null & ;;
      base-dry-run) "$BASE" serve --listen "127.0.0.1:$port" --db "$WORK/$round-$server.db" --dry-run 2>/dev/null & ;;
      base-full) "$BASE" serve --listen "127.0.0.1:$port" --db "$WORK/$round-$server.db" --durability full 2>/dev/null & ;;
    esac
    pid=$!
    await_server "$pid" "$port" "$server"
    before=$(ticks "$pid"); writer_before=$(writer_ticks "$pid")
    run_wrk "$port" "$SECS"
    after=$(ticks "$pid"); writer_after=$(writer_ticks "$pid")
    load=$(cut -d' ' -f1 /proc/loadavg)
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    # The floor's file holds every body whole (GBs a round): gone at once.
    rm -f "$WORK/$round-append.log"
    cpu=$(( (after - before) * 10000 / requests ))
    writer=$(( (writer_after - writer_before) * 10000 / requests ))
    if [ "$server" = noop ]; then noop_rate=$rate; fi
    if [ "$server" = append ]; then floor_rate=$rate; fi
    ratio=$(awk -v r="$rate" -v n="$noop_rate" 'BEGIN { if (n > 0) printf "%.2f", r / n; else print "–" }')
    floor=$(awk -v r="$rate" -v n="${floor_rate:-0}" 'BEGIN { if (n > 0) printf "%.2f", r / n; else print "–" }')
    echo "| $round | $server | $rate | $ratio | $floor | $p99 | $non2xx | $cpu | $writer | $wrk_us | $idle | $load |"
  done
done
