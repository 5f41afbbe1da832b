#!/usr/bin/env bash
# The fuzzing campaign: every cargo-fuzz target in fuzz/, each for SECONDS
# (default 600), seeded from the repository's fixtures. Each target runs until it has had SECONDS of CPU
# time (not wall clock: on a machine shared with builds the two differ by
# threefold). Prints each target's first and last libFuzzer status lines
# (execs, coverage, corpus), the wall clock it took and any crash; crashes
# land in fuzz/artifacts/<target>/ (turn each into a regression test in the
# suite). FUZZ_JOBS targets run at a time (default 1), at priority
# FUZZ_NICE (default 19).
#
#   tools/fuzz.sh [SECONDS] [TARGET...]
#
# cargo-fuzz needs a nightly compiler; RUSTC_BOOTSTRAP=1 lets the stable
# one build with the flags it passes. Install it once with
# `cargo install cargo-fuzz`. No sanitizer (the code is safe Rust; debug
# assertions are on, so arithmetic overflow is caught).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(view typed_roundtrip validate body_cut auth_headers config_toml)
fi
export RUSTC_BOOTSTRAP=1
fuzz_flags=(--sanitizer none --debug-assertions)

# Seeds: every fixture delivery, one file each, for the body targets; the
# README's config example for the TOML one; signed-looking headers for auth.
seed() {
  local dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir")" ] && return
  case "$1" in
    view|typed_roundtrip|validate|body_cut)
      gunzip -c fixtures/sample-12-calls.jsonl.gz | split -l 1 -a 4 - "$dir/sample-"
      cp fixtures/real/*.json "$dir/"
      cp crates/protocol/tests/messages/*.json "$dir/" 2>/dev/null || true
      ;;
    config_toml)
      awk '/^```toml$/{on=1;next} /^```$/{on=0} on' README.md > "$dir/readme.toml"
      printf '[ingest]\nbody_limit = 0\n' > "$dir/zero.toml"
      printf 'listen = "0.0.0.0:80"\n[auth]\nvapi_secret = ["a", "b"]\n' > "$dir/auth.toml"
      ;;
    auth_headers)
      printf 's3cret\xffBearer tok\xffsha256=00\xff1700000000\xffmsg_1\xff1700000000\xffv1,AAAA\xff\xff\xff\xff{"message":{}}' \
        > "$dir/headers"
      ;;
  esac
}

cargo fuzz build "${fuzz_flags[@]}" --fuzz-dir fuzz
bin_dir="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"

# The CPU time (user + system, seconds) a process has had so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) / hz) }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# One target until it has had SECONDS of CPU: libFuzzer's own limit is wall
# clock, which on a shared machine is less CPU, so a watcher asks it to stop
# (SIGUSR1: a graceful exit that still prints the final stats) once its
# CPU time reaches the budget.
run_target() {
  local target=$1 log="fuzz/artifacts/$1/run.log" started pid
  seed "$target"
  mkdir -p "fuzz/artifacts/$target"
  echo "--- $target: ${seconds}s of CPU ($(uptime | sed 's/.*load average/load average/'))"
  started=$(date +%s)
  nice -n "${FUZZ_NICE:-19}" "$bin_dir/$target" "fuzz/corpus/$target" \
    -artifact_prefix="fuzz/artifacts/$target/" -max_total_time=$((seconds * 20)) \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -handle_usr1=1 >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$(cpu_seconds "$pid")" -ge "$seconds" ]; then
      echo "$target: $(cpu_seconds "$pid") s of CPU in $(($(date +%s) - started)) s of wall clock" >>"$log.cpu"
      kill -USR1 "$pid" 2>/dev/null || true
      break
    fi
    sleep 2
  done
  wait "$pid" || echo "$target: libFuzzer stopped with an error (a crash?), see $log"
  {
    echo "=== $target"
    cat "$log.cpu" 2>/dev/null && rm -f "$log.cpu"
    grep -E "^#[0-9]+[[:space:]]+(INITED|DONE|pulse|NEW|REDUCE)" "$log" | sed -n "1p;\$p" || true
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" || true
    grep -E "panicked|SUMMARY|crash-|Test unit written" "$log" || true
  }
}

# FUZZ_JOBS targets at a time (default 1).
running=0
for target in "${targets[@]}"; do
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "${FUZZ_JOBS:-1}" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait
