#!/usr/bin/env bash
# Benchmark of the toolbox, printed as ratios against the reference tools measured in the same run:
#   size:  stripped static toolbox <= 12 MiB, gzip -9 <= 4 MiB
#   sh -c 'ls / >/dev/null'  <= 4x busybox-static
#   ps aux with 1,000 extra processes, ss -tanp with 1,000 sockets  <= 4x procps / iproute2
#   grep -r over 100 MB  <= 2x GNU grep
# Exits 1 when a target is missed. Needs busybox-static, procps, iproute2, grep. Usage: bench/toolbox.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-15}
TB=${TB:-$PWD/bin/ddebug-toolbox}
[ -x "$TB" ] || { echo "bench: build first (make build)"; exit 2; }
BUSYBOX=$(command -v busybox) || { echo "bench: needs busybox-static"; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for a in sh ls ps ss grep; do ln -s "$TB" "$work/$a"; done

median_ms() {
  local i t0 t1 times=()
  "$@" >/dev/null 2>&1 || true
  for ((i = 0; i < N; i++)); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f", m/1000}'
}
fail=0
row() { # name ours reference max-ratio unit
  local ratio ok
  ratio=$(awk -v a="$2" -v b="$3" 'BEGIN {printf "%.3f", a/b}')
  ok=$(awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN {print (a / b <= t) ? "ok" : "MISSED"}')
  [ "$ok" = ok ] || fail=1
  printf '%-34s %10s %10s %s   ratio %5s (target <= %s)  %s\n' "$1" "$2" "$3" "$5" "$ratio" "$4" "$ok"
}

# Sizes in MiB with three decimals, so a budget missed by a few KiB shows.
size=$(stat -c %s "$TB")
gz=$(gzip -9 -c "$TB" | wc -c)
echo "bench: toolbox $(file -b "$TB" | cut -d, -f1-2); $N runs each, median; $(nproc) cores"
printf '%-34s %10s %10s\n' "measure" "toolbox" "reference"
row "binary size (MiB)" "$(awk -v s="$size" 'BEGIN {printf "%.3f", s/1048576}')" 12 1 "MiB"
row "gzip -9 size (MiB)" "$(awk -v s="$gz" 'BEGIN {printf "%.3f", s/1048576}')" 4 1 "MiB"

row "sh -c 'ls / >/dev/null' vs busybox" "$(median_ms "$work/sh" -c 'ls / >/dev/null')" "$(median_ms "$BUSYBOX" sh -c 'ls / >/dev/null')" 4 "ms"

# 1,000 extra processes and 1,000 established loopback sockets.
for i in $(seq 1000); do sleep 300 & pids+=($!); done
python3 - "$work" <<'PY' &
import socket, sys, time, os
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1024)
cs, ss = [], []
for i in range(500):
    c = socket.create_connection(l.getsockname()); cs.append(c); ss.append(l.accept()[0])
open(os.path.join(sys.argv[1], "ready"), "w").close()
time.sleep(300)
PY
pids+=($!)
for i in $(seq 100); do [ -e "$work/ready" ] && break; sleep 0.1; done
row "ps aux (1,000+ procs) vs procps" "$(median_ms "$work/ps" aux)" "$(median_ms /usr/bin/ps aux)" 4 "ms"
row "ss -tanp (1,000+ socks) vs iproute2" "$(median_ms "$work/ss" -tanp)" "$(median_ms /usr/bin/ss -tanp)" 4 "ms"
kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null || true; pids=()

# 100 MB of log-like text in 200 files.
mkdir -p "$work/tree"
python3 - "$work/tree" <<'PY'
import os, random, sys
random.seed(1)
words = "the quick brown fox jumps over lazy dog connection reset by peer timeout request served user session".split()
for f in range(200):
    with open(os.path.join(sys.argv[1], f"log{f:03}.txt"), "w") as fh:
        n = 0
        while n < 500_000:
            line = f"2026-11-23T10:{f%60:02}:00Z level=info " + " ".join(random.choice(words) for _ in range(10))
            if random.random() < 0.001:
                line += " ERROR: connection refused"
            fh.write(line + "\n"); n += len(line) + 1
PY
row "grep -r (100 MB) vs GNU grep" "$(median_ms "$work/grep" -r 'ERROR: connection' "$work/tree")" "$(median_ms /usr/bin/grep -r 'ERROR: connection' "$work/tree")" 2 "ms"
row "grep -ri (100 MB) vs GNU grep" "$(median_ms "$work/grep" -ri 'error: connection' "$work/tree")" "$(median_ms /usr/bin/grep -ri 'error: connection' "$work/tree")" 2 "ms"
exit $fail
