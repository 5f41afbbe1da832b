#!/usr/bin/env bash
# Instructions per delivery of `calltap serve`, which the machine's load
# does not change: callgrind of the server taking `calltap replay
# --concurrency 20` of the first 100 and of all deliveries of a 20-call
# simulated corpus (seed 17); per delivery = the difference over the rest,
# which takes out start, stop and the first deliveries of each call.
#
#   cargo build --release -p calltap
#   tools/ingest-instructions.sh [full|dry-run] [CALLTAP]
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-full}
CALLTAP=${2:-target/release/calltap}
WORK=$(mktemp -d /tmp/calltap-ir.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
"$CALLTAP" simulate --calls 20 --seed 17 --out "$WORK/all.jsonl" >/dev/null 2>&1
head -n 100 "$WORK/all.jsonl" >"$WORK/first.jsonl"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Total instructions of one server run that takes the deliveries of $1.
instructions() {
  local corpus=$1 port out
  port=$(free_port)
  out="$WORK/callgrind.$(basename "$corpus").out"
  local flags=(--durability full)
  [ "$MODE" = dry-run ] && flags=(--dry-run)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$CALLTAP" serve \
    --listen "127.0.0.1:$port" --db "$WORK/$(basename "$corpus").db" "${flags[@]}" 2>/dev/null &
  local pid=$!
  until curl -s -o /dev/null -X POST -d '{}' "http://127.0.0.1:$port/webhook"; do sleep 0.2; done
  "$CALLTAP" replay --from "$corpus" --to "http://127.0.0.1:$port/webhook" --concurrency 20 --no-progress >/dev/null 2>&1
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  awk '/^summary:|^totals:/ { print $2; exit }' "$out"
  [ -n "${KEEP:-}" ] && cp "$out" "$KEEP.$(basename "$corpus")" || true
}
first=$(instructions "$WORK/first.jsonl")
all=$(instructions "$WORK/all.jsonl")
n=$(wc -l <"$WORK/all.jsonl")
echo "mode $MODE: Ir first 100 $first, all $n $all, per delivery $(( (all - first) / (n - 100) ))"
