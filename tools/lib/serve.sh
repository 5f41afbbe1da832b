# Sourced by tools/burst.sh and tools/overload.sh: start a release
# `calltap serve` on a fresh database in a temp dir, on a free port, and
# stop it (and remove the dir) when the script exits.
#
#   start_serve NAME [SERVE_ARGS...]
#
# Sets `bin`, `dir`, `port` and `pid`; waits until /healthz answers.
# CALLTAP_BIN picks the binary (default target/release/calltap).
#
# With STALLS set (to anything but 0; root only), the database lives on an
# ext4 image of its own, loop-mounted under `dir`, so that `stall SECONDS`
# can freeze that filesystem (`fsfreeze`): every write to it, the log
# writer's included, blocks until it thaws, as when a VM's disk holds a
# write for seconds. The image is unmounted when the script exits.

start_serve() {
  local name=$1; shift
  bin=${CALLTAP_BIN:-target/release/calltap}
  [ -x "$bin" ] || { echo "no $bin: cargo build --release -p calltap" >&2; exit 2; }
  # Both ends of every connection: raise the open-file limit.
  ulimit -n "$(ulimit -Hn)"
  dir=$(mktemp -d "/tmp/calltap-$name.XXXXXX")
  local db_dir=$dir
  if [ "${STALLS:-0}" != 0 ]; then
    truncate -s 4G "$dir/disk.img"
    mkfs.ext4 -q -F "$dir/disk.img"
    mkdir "$dir/disk"
    mount -o loop "$dir/disk.img" "$dir/disk"
    db_dir=$dir/disk
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin" serve --listen "127.0.0.1:$port" --db "$db_dir/$name.db" "$@" 2>"$dir/serve.log" &
  pid=$!
  trap 'stop_serve' EXIT
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "calltap did not answer /healthz; its log:" >&2
  cat "$dir/serve.log" >&2
  exit 1
}

# Stops the server and removes what start_serve made.
stop_serve() {
  if mountpoint -q "$dir/disk" 2>/dev/null; then
    fsfreeze -u "$dir/disk" 2>/dev/null || true
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if mountpoint -q "$dir/disk" 2>/dev/null; then umount "$dir/disk"; fi
  rm -rf "$dir"
}

# Freezes the database's filesystem for SECONDS (see STALLS above).
stall() {
  fsfreeze -f "$dir/disk"
  sleep "$1"
  fsfreeze -u "$dir/disk"
}

# The server's peak and current resident set, from /proc.
memory() {
  echo "VmHWM $(awk '/^VmHWM/{print $2, $3}' "/proc/$pid/status"), VmRSS $(awk '/^VmRSS/{print $2, $3}' "/proc/$pid/status")"
}
