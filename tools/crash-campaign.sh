#!/usr/bin/env bash
# The crash campaign: `kill -9` of the real `calltap serve` at random
# moments while simulated calls post their deliveries (restarting it each
# time), then: every delivery answered 200 is in the log byte-exact,
# `PRAGMA integrity_check` is ok, the projections equal `calltap rebuild`.
#
#   tools/crash-campaign.sh [KILLS] [DELIVERIES] [SEED]
#
# Defaults: 20 kills, 100,000 deliveries (2,500 simulated calls), seed 1.
# The campaign is the ignored test `crash::crash_campaign`
# (tests/it/crash.rs), with the test profile's binaries (RELEASE=1: the
# release profile, which builds the whole test binary optimised); its short
# version (3 kills) runs with the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export CALLTAP_CRASH_KILLS=${1:-20}
export CALLTAP_CRASH_DELIVERIES=${2:-100000}
export CALLTAP_CRASH_SEED=${3:-1}
ulimit -n "$(ulimit -Hn)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
profile=()
[ -n "${RELEASE:-}" ] && profile=(--release)
cargo test "${profile[@]}" -p calltap --test it crash::crash_campaign -- --ignored --nocapture --exact
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
