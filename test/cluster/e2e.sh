#!/usr/bin/env bash
# e2e.sh [go test flags...]: the whole cluster e2e run in one command:
# build (or reuse) the binaries, bring the cluster up, run the e2e tests
# of test/cluster (and any package listed in DDEBUG_E2E_PKGS) against it,
# and tear it down, also when a step fails. Exits with the tests' status.
# Set DDEBUG_E2E_KEEP=1 to leave the cluster (and namespaces) up.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

teardown() {
	[[ -n ${DDEBUG_E2E_KEEP:-} ]] && { log "DDEBUG_E2E_KEEP set: cluster left up"; return; }
	"$here/down.sh"
}

dump_logs() {
	local f
	for f in "$STATE"/log/*.log; do
		[[ -f $f ]] || continue
		echo "----- last lines of $f" >&2
		tail -n 20 "$f" >&2
	done
}

main() {
	[[ $(id -u) == 0 ]] || die "e2e.sh needs root"
	lock_cluster
	trap teardown EXIT
	local cached=built t0=$SECONDS
	[[ -f $(bin_dir)/.done ]] && cached="cached in $(bin_dir)"
	if ! "$here/up.sh" >/dev/null; then
		dump_logs
		return 1
	fi
	local up=$((SECONDS - t0))
	# shellcheck disable=SC1091
	. "$STATE/env"
	export DDEBUG_E2E_CLUSTER_REQUIRED=1
	local pkgs=(./test/cluster/...)
	read -r -a extra <<<"${DDEBUG_E2E_PKGS:-}"
	pkgs+=("${extra[@]}")
	t0=$SECONDS
	export DDEBUG_E2E_BENCH_OUT=$STATE/bench.txt
	rm -f "$DDEBUG_E2E_BENCH_OUT"
	(cd "$repo" && go test -tags e2e -count=1 -timeout 15m "$@" "${pkgs[@]}")
	local rc=$?
	[[ -f $DDEBUG_E2E_BENCH_OUT ]] && cat "$DDEBUG_E2E_BENCH_OUT" >&2
	log "summary: binaries $cached; build (if any) and bring-up ${up}s; tests $((SECONDS - t0))s"
	((rc == 0)) || dump_logs
	return $rc
}

main "$@"
