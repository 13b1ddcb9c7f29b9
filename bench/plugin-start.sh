#!/usr/bin/env bash
# Start of the plugin and of the toolbox, beside a Go hello world, in one hyperfine -N
# invocation (issue 18 items 4 and 5):
#   kubectl-ddebug version   <= 10 ms   (what kubectl ddebug pays on every session before Run)
#   ddebug-toolbox true      <= 1.5 ms  (a Go hello world is 1.1 ms on the reference machine)
# and each binary's package initialisation from GODEBUG=inittrace=1 (median of the runs'
# sums), with the packages that cost most. Exits 1 when a target is missed.
# Usage: bench/plugin-start.sh [RUNS]   (default 200 runs a command)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-200}
PLUGIN=${PLUGIN:-$PWD/bin/kubectl-ddebug}
TB=${TB:-$PWD/bin/ddebug-toolbox}
for b in "$PLUGIN" "$TB"; do [ -x "$b" ] || { echo "bench: build first (make build): no $b"; exit 2; }; done
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'package main\n\nfunc main() {}\n' > "$work/hello.go"
(cd "$work" && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o hello hello.go)

hyperfine -N -w 20 -r "$RUNS" --export-json "$work/h.json" \
  -n hello "$work/hello" -n toolbox "$TB true" -n plugin "$PLUGIN version" >/dev/null 2>&1

# init_ms BIN ARGS...: the median over 21 runs of the summed init clock of every package.
init_ms() {
  local i
  for i in $(seq 21); do GODEBUG=inittrace=1 "$@" 2>&1 >/dev/null | awk '$1 == "init" {t += $5} END {print t}'; done |
    sort -n | awk '{a[NR] = $1} END {printf "%.2f", a[(NR + 1) / 2]}'
}
# top_inits BIN ARGS...: the five packages whose init costs most (one run).
top_inits() { GODEBUG=inittrace=1 "$@" 2>&1 >/dev/null | awk '$1 == "init" {printf "%.2f %s\n", $5, $2}' | sort -rn | head -5 | awk '{printf "    %6s ms  %s\n", $1, $2}'; }

status=0
python3 - "$work/h.json" "$(init_ms "$TB" true)" "$(init_ms "$PLUGIN" version)" <<'PY' || status=$?
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
med = {k: v["median"] * 1000 for k, v in res.items()}
init = {"toolbox": float(sys.argv[2]), "plugin": float(sys.argv[3]), "hello": 0.0}
targets = {"toolbox": 1.5, "plugin": 10.0}
fail = 0
print(f"{'command':<26} {'median ms':>10} {'x hello':>8} {'init ms':>8} {'target ms':>10}  result")
for k, cmd in (("hello", "go hello world"), ("toolbox", "ddebug-toolbox true"), ("plugin", "kubectl-ddebug version")):
    t = targets.get(k)
    ok = "" if t is None else ("ok" if med[k] <= t else "MISSED")
    if ok == "MISSED":
        fail = 1
    print(f"{cmd:<26} {med[k]:>10.2f} {med[k] / med['hello']:>8.2f} {init[k]:>8.2f} {'' if t is None else '<= %g' % t:>10}  {ok}")
sys.exit(fail)
PY
echo "most costly inits, ddebug-toolbox true:"; top_inits "$TB" true
echo "most costly inits, kubectl-ddebug version:"; top_inits "$PLUGIN" version
exit $status
