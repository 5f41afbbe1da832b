# Sourced by tools/burst.sh and tools/overload.sh: start a release
# `calltap serve` on a fresh database in a temp dir, on a free port, and
# stop it (and remove the dir) when the script exits.
#
#   start_serve NAME [SERVE_ARGS...]
#
# Sets `bin`, `dir`, `port` and `pid`; waits until /healthz answers.
# CALLTAP_BIN picks the binary (default target/release/calltap).

start_serve() {
  local name=$1; shift
  bin=${CALLTAP_BIN:-target/release/calltap}
  [ -x "$bin" ] || { echo "no $bin: cargo build --release -p calltap" >&2; exit 2; }
  # Both ends of every connection: raise the open-file limit.
  ulimit -n "$(ulimit -Hn)"
  dir=$(mktemp -d "/tmp/calltap-$name.XXXXXX")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin" serve --listen "127.0.0.1:$port" --db "$dir/$name.db" "$@" 2>"$dir/serve.log" &
  pid=$!
  trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "calltap did not answer /healthz; its log:" >&2
  cat "$dir/serve.log" >&2
  exit 1
}

# The server's peak and current resident set, from /proc.
memory() {
  echo "VmHWM $(awk '/^VmHWM/{print $2, $3}' "/proc/$pid/status"), VmRSS $(awk '/^VmRSS/{print $2, $3}' "/proc/$pid/status")"
}
