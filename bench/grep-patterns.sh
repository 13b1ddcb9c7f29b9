#!/usr/bin/env bash
# grep -f with 10,000 patterns beside GNU grep on the same input, in one hyperfine run:
# fixed strings (-F), the same list as basic regexps (plain strings, no operator), -i,
# and -w. 10,000 "id-NNNNNN" strings against 200,000 log lines (about 14 MB) of which one
# in 50 holds one of them. Target: the toolbox within 3x GNU grep (issue 17: it was orders
# of magnitude slower, one regexp alternative per pattern).
# Usage: bench/grep-patterns.sh [hyperfine options...]   (needs hyperfine, GNU grep)
set -euo pipefail
cd "$(dirname "$0")/.."
TB=${TB:-$PWD/bin/ddebug-toolbox}
[ -x "$TB" ] || { echo "bench: build first (make build)"; exit 2; }
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk 'BEGIN { srand(7); for (i = 0; i < 10000; i++) printf "id-%06d\n", int(rand() * 1000000) }' >"$work/pat"
awk 'BEGIN { srand(8); for (i = 0; i < 200000; i++) {
	id = (i % 50 == 0) ? sprintf("id-%06d", int(rand() * 1000000)) : sprintf("ix-%06d", i)
	printf "2026-12-02T10:%02d:%02d level=info req=%s msg=\"request served\" bytes=%d\n", i % 60, i % 59, id, i * 7 % 9973 } }' >"$work/in"
cp "$work/in" "$work/in.ref"
export LC_ALL=C
# Output to a pipe: GNU grep stops at the first match when its output is /dev/null.
hyperfine -N --output=pipe --warmup 1 "$@" \
  -n "GNU grep -F -f" "grep -c -F -f $work/pat $work/in" \
  -n "toolbox grep -F -f" "$TB grep -c -F -f $work/pat $work/in" \
  -n "GNU grep -f" "grep -c -f $work/pat $work/in" \
  -n "toolbox grep -f" "$TB grep -c -f $work/pat $work/in" \
  -n "GNU grep -i -f" "grep -c -i -f $work/pat $work/in" \
  -n "toolbox grep -i -f" "$TB grep -c -i -f $work/pat $work/in" \
  -n "GNU grep -w -f" "grep -c -w -f $work/pat $work/in" \
  -n "toolbox grep -w -f" "$TB grep -c -w -f $work/pat $work/in"
