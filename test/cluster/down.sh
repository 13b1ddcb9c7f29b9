#!/usr/bin/env bash
# down.sh: stop the e2e cluster started by up.sh and remove what it left:
# processes (also containers and shims after a kill -9 of everything),
# mounts under the state directory, its cgroups, its network namespace
# (with the CNI bridge and pod veths inside it) and its entries in the
# host paths the kubelet and CNI hard-code. Safe to run any number of
# times; $STATE/log is kept for post-mortems. Needs root.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

RUN=$STATE/run

# pidfile_pids lists the live processes up.sh recorded.
pidfile_pids() {
	local f
	for f in "$RUN"/*.pid; do
		[[ -f $f ]] || continue
		f=${f##*/}
		pid_of "${f%.pid}"
	done
}

# cgroup_pids lists the processes in the kubelet's cgroup tree (every
# container of every pod).
cgroup_pids() {
	find /sys/fs/cgroup/*/"$CGROUP_ROOT" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u
}

# netns_pids lists the processes in the cluster's network namespace (the
# control plane, containerd's shims), and the shims of our containerd
# (found by the socket they name) should the namespace be gone already.
netns_pids() {
	local f args
	if [[ -e /run/netns/$NETNS ]]; then
		find -L /proc/[0-9]*/ns/net -maxdepth 0 -samefile "/run/netns/$NETNS" 2>/dev/null |
			awk -F/ -v self=$$ '$3 != self { print $3 }'
	fi
	grep -laF -- "$STATE/containerd/containerd.sock" /proc/[0-9]*/cmdline 2>/dev/null |
		while read -r f; do
			mapfile -d '' args 2>/dev/null <"$f" || continue
			[[ ${args[0]:-} == *containerd-shim* ]] && echo "${f//[^0-9]/}"
		done
	return 0
}

kill_all() {
	local i pids
	pids=$(pidfile_pids | tr '\n' ' ')
	if [[ -n ${pids// /} ]]; then
		# shellcheck disable=SC2086
		kill -TERM $pids 2>/dev/null
		for ((i = 0; i < 20; i++)); do
			[[ -z $(pidfile_pids) ]] && break
			sleep 0.1
		done
	fi
	for ((i = 0; i < 50; i++)); do
		pids=$( (pidfile_pids; cgroup_pids; netns_pids) | sort -u | tr '\n' ' ')
		[[ -z ${pids// /} ]] && return 0
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null
		sleep 0.1
	done
	log "processes still alive: $pids"
	return 1
}

our_mounts() {
	awk -v s="$STATE/" '$5 == substr(s, 1, length(s) - 1) || index($5, s) == 1 { print $5 }' /proc/self/mountinfo |
		sort -r -u
}

unmount_all() {
	local i m
	for ((i = 0; i < 5; i++)); do
		[[ -z $(our_mounts) ]] && return 0
		for m in $(our_mounts); do
			umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
		done
	done
	[[ -z $(our_mounts) ]] || {
		log "still mounted: $(our_mounts | tr '\n' ' ')"
		return 1
	}
}

# clean_host_paths removes our entries from the host paths that the
# kubelet and the CNI plugins use whatever their configuration says.
clean_host_paths() {
	local l id
	for l in /var/log/containers/*.log; do
		[[ -L $l && $(readlink "$l") == "$STATE/"* ]] && rm -f "$l"
	done
	for id in "$STATE"/containerd/root/io.containerd.grpc.v1.cri/sandboxes/*; do
		id=${id##*/}
		[[ $id == "*" ]] || rm -f /var/lib/cni/results/*-"$id"-*
	done
	local f
	if [[ -f $STATE/created-host-files ]]; then
		while read -r f; do
			rm -f "$f"
		done <"$STATE/created-host-files"
	fi
	[[ -f $STATE/created-host-dirs ]] || return 0
	local d
	while read -r d; do
		find "$d" -depth -type d -empty -delete 2>/dev/null
	done <"$STATE/created-host-dirs"
	return 0
}

remove_cgroups() {
	local d
	for d in /sys/fs/cgroup/*/"$CGROUP_ROOT"; do
		[[ -d $d ]] || continue
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		[[ -d $d ]] && log "cgroup $d still busy"
	done
	return 0
}

main() {
	[[ $(id -u) == 0 ]] || die "down.sh needs root"
	lock_cluster
	local start=$SECONDS ok=0
	kill_all || ok=1
	unmount_all || ok=1
	clean_host_paths
	remove_cgroups
	if [[ -e /run/netns/$NETNS ]]; then
		ip netns del "$NETNS" || ok=1
	fi
	if ((ok == 0)) && [[ -d $STATE ]]; then
		find "$STATE" -mindepth 1 -maxdepth 1 ! -name log -exec rm -rf --one-file-system {} +
	fi
	if ((ok != 0)); then
		log "teardown incomplete, state left in $STATE"
		return 1
	fi
	log "cluster down in $((SECONDS - start))s (logs kept in $STATE/log)"
}

main "$@"
