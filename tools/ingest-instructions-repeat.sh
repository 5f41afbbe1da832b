#!/usr/bin/env bash
# Instructions per delivery of `calltap serve` (durability full) when
# deliveries repeat, as under the wrk load (each body made unique by a
# counter at the front of `message`): callgrind, one file per thread, of the
# server taking `calltap replay --concurrency 20` of a 20-call simulated
# corpus (seed 17) posted once, then three times; per delivery = the
# difference over the 2nd and 3rd rounds. Also the projector's parts
# (call_event, CallState::apply, row, write_batch, cut) summed over threads,
# and how many rows it wrote: a row's cost is per step, not per delivery,
# and how many steps a run takes depends on timing, so compare builds by
# part (per delivery, per row), not by the total. And each thread's
# instructions a delivery, the thread named by what it runs (the HTTP
# workers by `conn::serve`, the projector by `Projector::catch_up`, the log
# writer by `Writer::commit`, the checkpointer by `checkpointer::run`).
#
#   cargo build --release -p calltap
#   tools/ingest-instructions-repeat.sh [CALLTAP]
set -euo pipefail
cd "$(dirname "$0")/.."
CALLTAP=${1:-target/release/calltap}
WORK=$(mktemp -d /tmp/calltap-irr.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
"$CALLTAP" simulate --calls 20 --seed 17 --out "$WORK/corpus.jsonl" >/dev/null 2>&1
python3 - "$WORK" <<'PY'
import sys
work = sys.argv[1]
lines = [l for l in open(f"{work}/corpus.jsonl") if l.startswith('{"message":{')]
for name, rounds in (("one", 1), ("three", 3)):
    with open(f"{work}/{name}.jsonl", "w") as f:
        k = 0
        for _ in range(rounds):
            for line in lines:
                k += 1
                f.write('{"message":{"bench":%d,' % k + line[12:])
PY
run() {
  local corpus=$1 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$WORK/$corpus"
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$WORK/$corpus/cg.out" "$CALLTAP" serve \
    --listen "127.0.0.1:$port" --db "$WORK/$corpus/t.db" --durability full 2>/dev/null &
  local pid=$!
  until curl -s -o /dev/null -X POST -d '{}' "http://127.0.0.1:$port/webhook"; do sleep 0.2; done
  "$CALLTAP" replay --from "$WORK/$corpus.jsonl" --to "http://127.0.0.1:$port/webhook" --concurrency 20 --no-progress >/dev/null 2>&1
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
}
# Inclusive instructions of the named parts, summed over the threads; rows written.
parts() {
  for f in "$WORK/$1"/cg.out-*; do callgrind_annotate --inclusive=yes --tree=calling --threshold=100 "$f" 2>/dev/null; done | awk '
    function n(x) { gsub(",", "", x); return x + 0 }
    /\*  \?\?\?:calltap::project::Projector::call_event / { a["call_event"] += n($1) }
    /\*  \?\?\?:calltap::calls::state::CallState::apply / { a["apply"] += n($1) }
    /\*  \?\?\?:calltap::project::row / { a["row"] += n($1) }
    /\*  \?\?\?:.*ProjectionWrite>::write_batch / { a["write_batch"] += n($1) }
    /\*  \?\?\?:calltap::store::sqlite::projections::cut / { a["cut"] += n($1) }
    />   \?\?\?:calltap::project::row / { if (match($0, /\(([0-9,]+)x\)/)) { c = substr($0, RSTART + 1, RLENGTH - 3); a["rows"] += n(c) } }
    END { for (k in a) print k, a[k] }'
}
total() { for f in "$WORK/$1"/cg.out-*; do awk '/^summary:|^totals:/ { print $2; exit }' "$f"; done | paste -sd+ | bc; }
run one; run three
n1=$(wc -l <"$WORK/one.jsonl"); n3=$(wc -l <"$WORK/three.jsonl")
t1=$(total one); t3=$(total three)
echo "Ir per delivery over rounds 2-3: $(( (t3 - t1) / (n3 - n1) ))"
# Each thread's total, summed by what it runs (blocking-pool threads start
# on demand, so a thread's number is not its role in both runs).
by_kind() {
  for f in "$WORK/$1"/cg.out-*; do
    kind=$(callgrind_annotate --inclusive=yes "$f" 2>/dev/null \
      | grep -m1 -o 'conn::serve\|Projector::catch_up\|Writer<L>::commit\|checkpointer::' || true)
    echo "${kind:-other} $(awk '/^summary:|^totals:/ { print $2; exit }' "$f")"
  done | awk '{ t[$1] += $2 } END { for (k in t) print k, t[k] }' | sort
}
by_kind one >"$WORK/k1"; by_kind three >"$WORK/k3"
join -a2 -e0 -o '0,1.2,2.2' "$WORK/k1" "$WORK/k3" | awk -v d=$((n3 - n1)) '
  { name = $1; sub(/::$/, "", name); printf "threads running %s: %d a delivery\n", name, ($3 - $2) / d }'
parts one | sort >"$WORK/p1"; parts three | sort >"$WORK/p3"
join "$WORK/p1" "$WORK/p3" | awk -v d=$((n3 - n1)) '{ v[$1] = $3 - $2 } END {
  printf "per delivery: call_event %d, apply %d\n", v["call_event"] / d, v["apply"] / d
  if (v["rows"] > 0) printf "per row written (%d rows): row() %d, write_batch %d (cut %d)\n", v["rows"], v["row"] / v["rows"], v["write_batch"] / v["rows"], v["cut"] / v["rows"] }'
