#!/usr/bin/env bash
# Benchmark of `ddebug exec` against its baselines, measured in the same run on this machine:
#   1. ddebug exec pid://PID -- true      vs  nsenter -t PID -n -u -i -p -C true   (target <= 2x)
#   2. ddebug exec app -- true            vs  nsenter -t $(docker inspect ...) ...  (target: faster)
#   3. ddebug exec app -- true            vs  docker run --rm --pid=container:app busybox true (target >= 20x faster)
# Prints the median of N runs of each and the ratios; exits 1 when a target is missed.
# Needs root, a running Docker, util-linux nsenter and busybox-static. Usage: bench/exec.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50}
DDEBUG=${DDEBUG:-$PWD/bin/ddebug}
[ -x "$DDEBUG" ] || { echo "bench: build first (make build)"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench: needs root"; exit 2; }
docker info >/dev/null 2>&1 || { echo "bench: needs a running Docker"; exit 2; }
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && file -L "$BUSYBOX" | grep -q 'statically linked' || { echo "bench: needs busybox-static"; exit 2; }

work=$(mktemp -d)
cleanup() { docker rm -f ddebug-bench-app >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# The target: a FROM-scratch static program; the sidecar image: busybox alone.
CGO_ENABLED=0 go build -o "$work/app" ./test/e2e/targetapp
printf 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n' > "$work/Dockerfile.app"
cp "$BUSYBOX" "$work/busybox"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox"]\n' > "$work/Dockerfile.bb"
docker build -q -f "$work/Dockerfile.app" -t ddebug-bench/app "$work" >/dev/null 2>&1
docker build -q -f "$work/Dockerfile.bb" -t ddebug-bench/busybox "$work" >/dev/null 2>&1
docker rm -f ddebug-bench-app >/dev/null 2>&1 || true
docker run -d --name ddebug-bench-app ddebug-bench/app -listen :8080 >/dev/null
pid=$(docker inspect -f '{{.State.Pid}}' ddebug-bench-app)

# median_ms CMD...: runs CMD N times (after 3 warm-ups) and prints the median in ms.
median_ms() {
  local i t0 t1 times=()
  for i in 1 2 3; do "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }; done
  for ((i = 0; i < N; i++)); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f", m/1000}'
}

nsenter_raw()    { nsenter -t "$pid" -n -u -i -p -C true; }
inspect_nsenter() { nsenter -t "$(docker inspect -f '{{.State.Pid}}' ddebug-bench-app)" -n -u -i -p -C true; }
sidecar()        { docker run --rm --pid=container:ddebug-bench-app ddebug-bench/busybox true; }

echo "bench: $N runs each, median wall time, $(nproc) cores, $(uname -r)"
d_pid=$(median_ms "$DDEBUG" exec "pid://$pid" -- true)
raw=$(median_ms nsenter_raw)
d_name=$(median_ms "$DDEBUG" exec ddebug-bench-app -- true)
insp=$(median_ms inspect_nsenter)
N=$(( N < 10 ? N : 10 )) side=$(median_ms sidecar)

fail=0
row() { # name ddebug baseline op target
  local ratio ok
  ratio=$(awk -v a="$2" -v b="$3" 'BEGIN {printf "%.2f", a/b}')
  ok=$(awk -v r="$ratio" -v t="$5" -v op="$4" 'BEGIN {print ((op == "<=" && r <= t) || (op == "<" && r < t)) ? "ok" : "MISSED"}')
  [ "$ok" = ok ] || fail=1
  printf '%-44s %8s ms %8s ms   ratio %6s (target %s %s)  %s\n' "$1" "$2" "$3" "$ratio" "$4" "$5" "$ok"
}
printf '%-44s %11s %11s\n' "comparison" "ddebug" "baseline"
row "pid://PID -- true  vs nsenter (raw)" "$d_pid" "$raw" "<=" 2
row "app -- true  vs docker inspect + nsenter" "$d_name" "$insp" "<" 1
row "app -- true  vs docker run --pid=container" "$d_name" "$side" "<=" 0.05
exit $fail
