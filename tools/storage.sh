#!/bin/sh
# Storage per turn: simulated calls of N user turns each, sent to a real
# `calltap serve` (the log, the pieces, the call projections), stopped with
# SIGTERM; then the database file's bytes per turn (the WAL is empty after a
# clean stop), beside `zstd -19` of the same deliveries as JSON Lines.
#
#   tools/storage.sh [TURNS ...]          (default: 10 50 100 300)
#
# Env: CALLTAP (the binary; default target/release/calltap), TOTAL_TURNS
# (turns per length, default 3000: 300 calls of 10 turns ... 10 of 300),
# SEED, WORK (a scratch directory, default a fresh one under /tmp; removed).
set -eu

CALLTAP=${CALLTAP:-target/release/calltap}
TOTAL_TURNS=${TOTAL_TURNS:-3000}
SEED=${SEED:-17}
TURNS=${*:-10 50 100 300}
WORK=${WORK:-$(mktemp -d /tmp/calltap-storage.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

printf '| turns per call | calls | deliveries | JSON Lines KB/turn | zstd -19 KB/turn | calltap.db KB/turn | WAL after stop |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|\n'
for n in $TURNS; do
    calls=$((TOTAL_TURNS / n))
    [ "$calls" -ge 1 ] || calls=1
    jsonl="$WORK/calls-$n.jsonl"
    db="$WORK/calls-$n.db"
    "$CALLTAP" simulate --calls "$calls" --min-turns "$n" --max-turns "$n" \
        --no-answer-rate 0 --seed "$SEED" --out "$jsonl" 2>/dev/null
    p=$(port)
    "$CALLTAP" serve --listen "127.0.0.1:$p" --db "$db" 2>/dev/null &
    pid=$!
    i=0
    until curl -sf "http://127.0.0.1:$p/healthz" >/dev/null; do
        i=$((i + 1)); [ $i -lt 200 ] || { echo "serve did not start" >&2; exit 1; }
        sleep 0.05
    done
    "$CALLTAP" replay --from "$jsonl" --to "http://127.0.0.1:$p/webhook" \
        --concurrency 8 --no-progress >/dev/null
    kill -TERM "$pid"
    wait "$pid"
    deliveries=$(wc -l <"$jsonl")
    turns=$((calls * n))
    raw=$(stat -c %s "$jsonl")
    zst=$(zstd -19 -q -c "$jsonl" | wc -c)
    dbb=$(stat -c %s "$db")
    wal=$(stat -c %s "$db-wal" 2>/dev/null || echo absent)
    awk -v n="$n" -v c="$calls" -v d="$deliveries" -v t="$turns" -v r="$raw" -v z="$zst" -v b="$dbb" -v w="$wal" \
        'BEGIN { printf "| %d | %d | %d | %.1f | %.2f | %.2f | %s |\n", n, c, d, r/t/1024, z/t/1024, b/t/1024, w }'
    rm -f "$jsonl" "$db" "$db-wal" "$db-shm" "$db.lock"
done
