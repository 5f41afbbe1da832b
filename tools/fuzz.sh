#!/usr/bin/env bash
# The fuzzing campaign: every cargo-fuzz target in fuzz/, each for SECONDS
# (default 600), one at a time at the lowest priority, seeded from the
# repository's fixtures. Prints each target's last libFuzzer status line
# (execs, coverage, corpus), the CPU time it got and any crash; crashes land
# in fuzz/artifacts/<target>/ (turn each into a regression test in the
# suite). FUZZ_NICE sets the priority (default 19, the lowest; on a machine
# shared with builds, a negative value, as root, gives the fuzzer a whole
# core, so that SECONDS of wall clock are SECONDS of CPU).
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
for target in "${targets[@]}"; do
  seed "$target"
  mkdir -p "fuzz/artifacts/$target"
  log="fuzz/artifacts/$target/run.log"
  echo "--- $target, ${seconds}s ($(uptime | sed 's/.*load average/load average/'))"
  TIMEFORMAT="$target: %R s wall, %U s user + %S s system CPU"
  time {
    nice -n "${FUZZ_NICE:-19}" cargo fuzz run "${fuzz_flags[@]}" --fuzz-dir fuzz "$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      >"$log" 2>&1 || echo "$target: libFuzzer stopped early (a crash?), see $log"
  }
  grep -E "^#[0-9]+[[:space:]]+(INITED|DONE|pulse|NEW|REDUCE)" "$log" | sed -n "1p;\$p" || true
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" || true
  grep -E "panicked|SUMMARY|crash-|Test unit written" "$log" || true
done
