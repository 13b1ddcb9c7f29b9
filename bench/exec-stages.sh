#!/usr/bin/env bash
# Where the time of `ddebug exec pid://PID -- true` goes, stage by stage (issue 18's table):
# N runs under `perf record -a` of a few rare kernel events (process exec, fork and exit;
# pidfd_open, fsopen and fsmount), so that tracing costs little; the medians of each
# stage's start and length are printed beside the same stages of
# `nsenter -t PID -n -u -i -p -C true`. Tracing adds a little to every stage: the totals
# here are above hyperfine's (bench/exec.sh), the split between stages is what this is for.
# Needs root, a running Docker, perf (Debian: linux-perf), python3.
# Usage: bench/exec-stages.sh [N]   (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
DDEBUG=${DDEBUG:-$PWD/bin/ddebug}
[ -x "$DDEBUG" ] || { echo "bench: build first (make build)"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench: needs root"; exit 2; }
command -v perf >/dev/null || { echo "bench: needs perf (apt-get install linux-perf)"; exit 2; }
docker info >/dev/null 2>&1 || { echo "bench: needs a running Docker"; exit 2; }

work=$(mktemp -d)
cleanup() { docker rm -f ddebug-bench-stages >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
CGO_ENABLED=0 go build -o "$work/app" ./test/e2e/targetapp
printf 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n' > "$work/Dockerfile"
docker build -q -t ddebug-bench/app "$work" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 2; }
docker rm -f ddebug-bench-stages >/dev/null 2>&1 || true
docker run -d --name ddebug-bench-stages ddebug-bench/app -listen :8080 >/dev/null
pid=$(docker inspect -f '{{.State.Pid}}' ddebug-bench-stages)
nsenter=$(command -v nsenter)

# The store as a user has it: filled by a first run, then reused.
"$DDEBUG" exec "pid://$pid" -- true
for _ in 1 2 3; do "$DDEBUG" exec "pid://$pid" -- true; "$nsenter" -t "$pid" -n -u -i -p -C true; done

cat > "$work/loop" <<EOF
#!/bin/sh
for i in \$(seq $N); do
  "$DDEBUG" exec pid://$pid -- true
  "$nsenter" -t $pid -n -u -i -p -C true
done
EOF
chmod +x "$work/loop"
events=sched:sched_process_exec,sched:sched_process_fork,sched:sched_process_exit
events=$events,syscalls:sys_enter_pidfd_open,syscalls:sys_enter_fsopen,syscalls:sys_exit_fsmount
perf record -q -a -o "$work/perf.data" -e "$events" "$work/loop" >/dev/null 2>"$work/perf.log" ||
  { cat "$work/perf.log" >&2; exit 1; }
perf script -i "$work/perf.data" -F pid,time,event,trace > "$work/events" 2>/dev/null

echo "bench: $N runs each, medians in ms, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
python3 - "$work/events" "$DDEBUG" "$nsenter" <<'EOF'
import re, statistics, sys

events = []
for line in open(sys.argv[1]):
    m = re.match(r"\s*(\d+)\s+([\d.]+):\s+(\S+):\s*(.*)", line)
    if m:
        events.append((int(m[1]), float(m[2]) * 1000, m[3].split(":")[-1], m[4]))
ddebug, nsenter = sys.argv[2], sys.argv[3]

def child(trace):
    return int(re.search(r"child_pid=(\d+)", trace)[1])

def dead(e, pid):
    return e[0] == pid and e[2] == "sched_process_exit" and "group_dead=true" in e[3]

def follow(i, prog):
    """The marks of one run whose program was exec'd at events[i]."""
    pid, t0 = events[i][0], events[i][1]
    marks, procs = {}, {"host": pid}
    def mark(k, t):
        marks.setdefault(k, t - t0)
    for e in events[i + 1:]:
        epid, t, name, trace = e
        if t - t0 > 1000:
            break
        if prog == "ddebug":
            if epid == pid and name == "sys_enter_pidfd_open":
                mark("Run: target pinned", t)
            if epid == pid and name == "sys_enter_fsopen":
                mark("sealing (overlay)", t)
            if epid == pid and name == "sys_exit_fsmount":
                mark("sealed", t)
            if name == "sched_process_exec" and "launcher" not in procs and "/fd/" in trace and epid != pid:
                procs["launcher"] = epid
                mark("launcher exec'd", t)
            if epid == procs.get("launcher") and name == "sched_process_fork" and "session" not in procs:
                procs["session"] = child(trace)
                mark("session forked (namespaces joined)", t)
            if epid == procs.get("session") and name == "sched_process_exec":
                mark("session exec'd", t)
            if dead(e, procs.get("session")):
                mark("session exited", t)
            if dead(e, procs.get("launcher")):
                mark("launcher exited", t)
        else:
            if epid == pid and name == "sched_process_fork" and "child" not in procs:
                procs["child"] = child(trace)
                mark("forked (namespaces joined)", t)
            if epid == procs.get("child") and name == "sched_process_exec":
                mark("command exec'd", t)
            if dead(e, procs.get("child")):
                mark("command exited", t)
        if dead(e, pid):
            mark("exited", t)
            return marks
    return None

runs = {"ddebug": [], "nsenter": []}
for i, e in enumerate(events):
    if e[2] != "sched_process_exec":
        continue
    fn = re.search(r"filename=(\S+)", e[3])[1]
    prog = "ddebug" if fn == ddebug else "nsenter" if fn == nsenter else None
    if prog:
        m = follow(i, prog)
        if m and "exited" in m:
            runs[prog].append(m)

for prog, rs in runs.items():
    if not rs:
        print("%s: no complete run traced" % prog)
        continue
    keys = []
    for r in rs:
        for k in sorted(r, key=r.get):
            if k not in keys:
                keys.append(k)
    meds = {k: statistics.median([r[k] for r in rs if k in r]) for k in keys}
    keys.sort(key=meds.get)
    print("\n%s (%d runs)  %-36s %8s %8s" % (prog, len(rs), "stage ends at", "at ms", "stage ms"))
    prev = 0.0
    for k in keys:
        print("  %-52s %8.2f %8.2f" % (k, meds[k], meds[k] - prev))
        prev = meds[k]
EOF
