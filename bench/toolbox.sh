#!/usr/bin/env bash
# Benchmark of the toolbox, printed as ratios against the reference tools measured in the same run,
# with Debian's busybox-static (the yardstick the issue names) beside every row:
#   size:  stripped static toolbox <= 12 MiB, gzip -9 <= 5 MiB            (busybox's sizes for scale)
#   start: ddebug-toolbox true  <= 1.4x a Go hello world (1.5 ms where hello is 1.1 ms; hyperfine -N,
#                                 the three commands in one invocation; bench/plugin-start.sh has more)
#   sh -c 'ls / >/dev/null'  <= 4x busybox-static
#   ps aux with 1,000 extra processes, ss -tanp with 1,000 sockets  <= 4x procps / iproute2
#                                                      (busybox ps and netstat -tan for scale)
#   grep -r over 100 MB  <= 2x GNU grep: a literal, -i, -iw, and a regex with no literal
#                                                      (busybox grep -r for scale, BB_RUNS runs)
# Pass/fail is the target column only; the busybox column is information. grep writes to a
# file, not /dev/null: GNU grep stops at the first match when its output is /dev/null.
# Exits 1 when a target is missed. Needs busybox-static, procps, iproute2, grep, python3, hyperfine, go.
# Usage: bench/toolbox.sh [N]   (N runs a measure, median; BB_RUNS runs of busybox grep, default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-15}
BB_RUNS=${BB_RUNS:-3}
TB=${TB:-$PWD/bin/ddebug-toolbox}
[ -x "$TB" ] || { echo "bench: build first (make build)"; exit 2; }
if [ -n "$(find cmd pkg internal -name '*.go' -newer "$TB" 2>/dev/null | head -1)" ]; then
  echo "bench: warning: $TB is older than the sources (make build)" >&2
fi
# Debian's busybox-static installs /bin/busybox; the busybox package would be dynamic.
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || BUSYBOX=$(command -v busybox) || { echo "bench: needs busybox-static"; exit 2; }
bbfile=$(file -bL "$BUSYBOX" 2>/dev/null || echo "file(1) missing")
case $bbfile in
  *"statically linked"*) bbkind="static" ;;
  *) bbkind="NOT static ($bbfile): not busybox-static, the busybox column is not the issue's yardstick"
     echo "bench: warning: $BUSYBOX is $bbkind" >&2 ;;
esac
work=$(mktemp -d)
pids=()
cleanup() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for a in sh ls ps ss grep; do ln -s "$TB" "$work/$a"; done

# median_ms CMD...: median wall time in ms of RUNS (default N) runs after one warm-up,
# stdout to OUT (default /dev/null).
median_ms() {
  local i t0 t1 times=() runs=${RUNS:-$N} out=${OUT:-/dev/null}
  "$@" >"$out" 2>/dev/null || true
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N); "$@" >"$out" 2>/dev/null || true; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f", m/1000}'
}
fail=0
# row NAME UNIT OURS REFERENCE MAX-RATIO BUSYBOX: pass when OURS/REFERENCE <= MAX-RATIO;
# OURS/BUSYBOX is shown beside it.
row() {
  local ratio ok bbx
  ratio=$(awk -v a="$3" -v b="$4" 'BEGIN {printf "%.3f", a/b}')
  ok=$(awk -v a="$3" -v b="$4" -v t="$5" 'BEGIN {print (a / b <= t) ? "ok" : "MISSED"}')
  bbx=$(awk -v a="$3" -v b="$6" 'BEGIN {if (b > 0) printf "%.2fx", a/b; else print "-"}')
  [ "$ok" = ok ] || fail=1
  printf '%-38s %-4s %9s %9s %7s %-6s %9s %8s  %s\n' "$1" "$2" "$3" "$4" "$ratio" "<= $5" "${6:--}" "$bbx" "$ok"
}
mib() { awk -v s="$1" 'BEGIN {printf "%.3f", s/1048576}'; }

echo "bench: toolbox $(file -b "$TB" | cut -d, -f1-2); $BUSYBOX ($("$BUSYBOX" 2>&1 | head -1 | cut -d' ' -f1-2), $bbkind)"
echo "bench: $N runs a measure (busybox grep $BB_RUNS), median; $(nproc) cores; ratio = toolbox/reference, vs bb = toolbox/busybox"
printf '%-38s %-4s %9s %9s %7s %-6s %9s %8s  %s\n' "measure (reference)" "unit" "toolbox" "reference" "ratio" "target" "busybox" "vs bb" "result"

# Sizes in MiB with three decimals, so a budget missed by a few KiB shows.
bbsize=$(stat -L -c %s "$BUSYBOX")
row "binary size (budget)" MiB "$(mib "$(stat -c %s "$TB")")" 12 1 "$(mib "$bbsize")"
row "gzip -9 size (budget)" MiB "$(mib "$(gzip -9 -c "$TB" | wc -c)")" 5 1 "$(mib "$(gzip -9 -c "$BUSYBOX" | wc -c)")"

# Start: hyperfine -N, the toolbox, a Go hello world and busybox true in one invocation.
printf 'package main\n\nfunc main() {}\n' > "$work/hello.go"
(cd "$work" && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o hello hello.go)
hyperfine -N -w 20 -r 300 --export-json "$work/start.json" "$TB true" "$work/hello" "$BUSYBOX true" >/dev/null 2>&1
read -r tbstart hellostart bbstart < <(python3 -c 'import json, sys; print(*("%.3f" % (r["median"] * 1000) for r in json.load(open(sys.argv[1]))["results"]))' "$work/start.json")
row "start: true (Go hello world)" ms "$tbstart" "$hellostart" 1.4 "$bbstart"

bbsh=$(median_ms "$BUSYBOX" sh -c 'ls / >/dev/null')
row "sh -c 'ls / >/dev/null' (busybox)" ms "$(median_ms "$work/sh" -c 'ls / >/dev/null')" "$bbsh" 4 "$bbsh"

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
row "ps aux, 1,000+ procs (procps)" ms "$(median_ms "$work/ps" aux)" "$(median_ms /usr/bin/ps aux)" 4 "$(median_ms "$BUSYBOX" ps aux)"
# Debian's busybox-static netstat has no -p.
bbnet=(netstat -tanp)
"$BUSYBOX" netstat -tanp >/dev/null 2>&1 || bbnet=(netstat -tan)
row "ss -tanp, 1,000+ socks (iproute2)" ms "$(median_ms "$work/ss" -tanp)" "$(median_ms /usr/bin/ss -tanp)" 4 "$(median_ms "$BUSYBOX" "${bbnet[@]}")"
[ "${bbnet[1]}" = -tanp ] || echo "  (busybox: netstat -tan, its netstat has no -p)"
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
grep_row() { # name grep-args...
  local name=$1; shift
  row "$name" ms "$(OUT=$work/grep.out median_ms "$work/grep" "$@" "$work/tree")" \
    "$(OUT=$work/grep.out LC_ALL=C median_ms /usr/bin/grep "$@" "$work/tree")" 2 \
    "$(OUT=$work/grep.out RUNS=$BB_RUNS median_ms "$BUSYBOX" grep "$@" "$work/tree")"
}
grep_row "grep -r 'ERROR: connection' (GNU)" -r 'ERROR: connection'
grep_row "grep -ri 'error: connection' (GNU)" -ri 'error: connection'
grep_row "grep -riw connection (GNU)" -riw connection
grep_row "grep -r '[0-9]x[0-9]' (GNU)" -r '[0-9]x[0-9]'
exit $fail
