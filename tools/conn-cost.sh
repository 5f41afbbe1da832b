#!/usr/bin/env bash
# What one open connection costs `calltap serve` in resident memory.
#
#   tools/conn-cost.sh [CONNECTIONS] [idle|waiting] [-- SERVE_ARGS...]
#
# Starts a release `calltap serve` (header and body timeouts raised to 600 s,
# so nothing is cut off while it is measured), opens CONNECTIONS (default
# 10,000) connections to it and prints the server's VmRSS before, once they
# are open, and once each has sent what the mode says:
#   idle     one `GET /healthz` each, answered; then they stay open;
#   waiting  the head of a 20,000-byte POST and 7,000 bytes of its body, as
#            a delivery waiting for its share of the body budget does
#            (the budget is 16 MiB here, so most of them wait).
# The difference over CONNECTIONS is the cost of one. CALLTAP_BIN picks the
# binary (default target/release/calltap).
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-10000}
mode=${2:-waiting}
shift $(( $# < 2 ? $# : 2 ))
[ "${1:-}" = "--" ] && shift
. tools/lib/serve.sh
start_serve conn-cost --header-read-timeout 600 --body-read-timeout 600 \
  --body-budget-bytes 16777216 "$@"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$port" "$pid" "$connections" "$mode" <<'PY'
import resource, socket, sys, time
port, pid, n, mode = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

def rss_kib():
    with open(f"/proc/{pid}/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS"))

def report(what, before):
    now = rss_kib()
    print(f"{what}: VmRSS {now} KiB, {(now - before) * 1024 / n:.0f} B a connection", flush=True)

time.sleep(1)
before = rss_kib()
print(f"before: VmRSS {before} KiB", flush=True)
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
time.sleep(3)
report(f"{n} connections open", before)
if mode == "idle":
    for s in socks:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    for s in socks:
        s.settimeout(60)
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += s.recv(4096)
    time.sleep(3)
    report("each answered one request, now idle", before)
else:
    head = (b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 20000\r\n\r\n")
    for s in socks:
        s.sendall(head + b"{" + b" " * 6999)
    time.sleep(5)
    report("each sent a head and 7,000 bytes of its body", before)
for s in socks:
    s.close()
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
