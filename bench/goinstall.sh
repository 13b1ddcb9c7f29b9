#!/usr/bin/env bash
# Benchmark of what `go install` gives against what `make install` gives (issue 16):
#   go install ./cmd/...               (kubectl-ddebug, ddebug-toolbox, ddebug-launch beside it)
#   go install ./cmd/kubectl-ddebug    (the plugin alone: its sessions run the whole plugin)
# against bin/kubectl-ddebug of `make build` (toolbox and launcher embedded), each running
# `kubectl-ddebug exec pid://PID -- true`, in one `hyperfine -N` invocation, then their CPU
# time (user + system of the command and every stage, from the rusage of its children: the
# stages start non-dumpable, which ends perf stat's counting, so perf misses them), the
# three run in turn, which a loaded machine skews less. Prints the medians and ratios;
# exits 1 when go install ./cmd/... or the plugin alone is more than 10% slower.
# Needs root, hyperfine and util-linux unshare. Usage: bench/goinstall.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-50}
[ -x bin/kubectl-ddebug ] || { echo "bench: build first (make build)"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench: needs root"; exit 2; }
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)"; exit 2; }

work=$(mktemp -d)
target= pid=
# The target's sleep is PID 1 of its namespace, deaf to SIGTERM, and unshare waits for it: it
# is killed, else the two outlive the bench, holding its output open.
cleanup() { [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true; [ -z "$target" ] || kill "$target" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/all" "$work/plugin"
GOBIN=$work/all CGO_ENABLED=0 go install ./cmd/...
GOBIN=$work/plugin CGO_ENABLED=0 go install ./cmd/kubectl-ddebug

# The target: a process in namespaces of its own.
unshare -m -u -i -n -p -f --mount-proc sleep 3600 2>/dev/null &
target=$!
for _ in $(seq 100); do
  pid=$(cat /proc/$target/task/$target/children 2>/dev/null | awk '{print $1}')
  [ -n "$pid" ] && break
  sleep 0.05
done
[ -n "$pid" ] || { echo "bench: the target did not start"; exit 1; }

# One run each first: the first session of a build writes its programs into the store.
for b in bin "$work/all" "$work/plugin"; do "$b/kubectl-ddebug" exec "pid://$pid" -- true; done
hyperfine -N -w 5 -r "$RUNS" --export-json "$work/h.json" \
  "$PWD/bin/kubectl-ddebug exec pid://$pid -- true" \
  "$work/all/kubectl-ddebug exec pid://$pid -- true" \
  "$work/plugin/kubectl-ddebug exec pid://$pid -- true" >/dev/null
python3 - "$work/h.json" "$RUNS" "$pid" "$PWD/bin" "$work/all" "$work/plugin" <<'PY'
import json, os, statistics, subprocess, sys
r = json.load(open(sys.argv[1]))["results"]
m = [x["median"] * 1000 for x in r]
runs, pid, dirs = int(sys.argv[2]), sys.argv[3], sys.argv[4:]
cpu = [[] for _ in dirs]
for _ in range(runs):
    for i, d in enumerate(dirs):
        p = subprocess.Popen([d + "/kubectl-ddebug", "exec", "pid://" + pid, "--", "true"], stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        if status != 0:
            sys.exit("bench: %s/kubectl-ddebug exec failed (%d)" % (d, status))
        cpu[i].append((ru.ru_utime + ru.ru_stime) * 1000)
c = [statistics.median(x) for x in cpu]
names = ["make build (embedded)", "go install ./cmd/...", "go install ./cmd/kubectl-ddebug"]
print("%-34s %14s %7s %14s %7s" % ("", "wall (median)", "ratio", "CPU (median)", "ratio"))
for n, v, w in zip(names, m, c):
    print("%-34s %11.2f ms %7.2f %11.2f ms %7.2f" % (n, v, v / m[0], w, w / c[0]))
ok = m[1] <= 1.10 * m[0] and m[2] <= 1.10 * m[0]
print("go install ./cmd/... and ./cmd/kubectl-ddebug within 10%% of make build (wall): %s" % ("ok" if ok else "MISSED"))
sys.exit(0 if ok else 1)
PY
