# shellcheck shell=bash disable=SC2034
# lib.sh: settings and helpers shared by the e2e cluster scripts. Sourced,
# not run.

K8S_VERSION=v1.37.2
ETCD_VERSION=v3.7.3
CONTAINERD_VERSION=v2.4.2
# The CNCF distribution registry that serves the images the node pulls.
REGISTRY_VERSION=v3.1.2

# The sandbox image the kubelet expects; built locally by up.sh.
PAUSE_IMAGE=registry.k8s.io/pause:3.10.2

# Everything the cluster writes lives under STATE, and everything it runs
# lives in the network namespace NETNS (see README.md).
STATE=${DDEBUG_E2E_STATE:-/var/lib/ddebug-e2e}
NETNS=${DDEBUG_E2E_NETNS:-ddebug-e2e}
# The kubelet's cgroup root, in every hierarchy, is named after NETNS too;
# a second cluster on one machine needs its own STATE, NETNS and port.
CGROUP_ROOT=$NETNS
# NODE_IP is the node and apiserver address inside NETNS: the kubelet
# refuses a 127.x node IP.
NODE_IP=10.250.0.1
POD_CIDR=10.250.128.0/24
SERVICE_CIDR=10.250.64.0/24
# APISERVER_PORT is where the apiserver listens inside NETNS and where
# the forwarder listens on the host's 127.0.0.1.
APISERVER_PORT=${DDEBUG_E2E_PORT:-16443}
CNI_BRIDGE=ddebug0
# The registries listen on these ports of 127.0.0.1, in NETNS (where
# containerd pulls) and, through netns-forward, on the host (where the tests
# push): one name, 127.0.0.1:PORT, on both sides. REGISTRY_PORT serves
# anyone and is ghcr.io's mirror; AUTH_REGISTRY_PORT wants a password.
REGISTRY_PORT=${DDEBUG_E2E_REGISTRY_PORT:-$((APISERVER_PORT + 1))}
AUTH_REGISTRY_PORT=$((REGISTRY_PORT + 1))

CACHE=${DDEBUG_CACHE:-${HOME:-/root}/.cache/kubectl-ddebug}

log() { echo "cluster: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

bin_dir() {
	echo "$CACHE/cluster-k8s-$K8S_VERSION-etcd-$ETCD_VERSION-containerd-$CONTAINERD_VERSION/bin"
}

# registry_bin_dir is where build.sh caches the registry, by version:
# apart from the cluster's, so a new registry does not rebuild Kubernetes.
registry_bin_dir() {
	echo "$CACHE/registry-$REGISTRY_VERSION/bin"
}

# in_netns runs a command in the cluster's network namespace only (unlike
# "ip netns exec", it keeps the host's mount namespace, which the kubelet
# and containerd must share).
in_netns() {
	nsenter --net="/run/netns/$NETNS" -- "$@"
}

# lock_cluster makes up.sh, down.sh and e2e.sh runs on one machine take
# turns: two of them at once would kill each other's cluster. Children see
# DDEBUG_E2E_LOCK_HELD and do not lock again. Daemons must be started with
# fd 9 closed, or they would hold the lock for ever.
lock_cluster() {
	[[ -n ${DDEBUG_E2E_LOCK_HELD:-} ]] && return 0
	mkdir -p /run/lock
	exec 9>"/run/lock/ddebug-e2e-$NETNS.lock"
	if ! flock -n 9; then
		log "another cluster script is running; waiting for it to finish"
		flock -w 1800 9 || die "gave up waiting for /run/lock/ddebug-e2e-$NETNS.lock"
	fi
	export DDEBUG_E2E_LOCK_HELD=1
}

# pid_of NAME prints the recorded pid of component NAME if that process
# still runs one of our binaries (a stale pidfile may name a reused pid).
pid_of() {
	local pid exe
	pid=$(cat "$STATE/run/$1.pid" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	[[ $exe == "$(bin_dir)/"* || $exe == "$STATE/"* ]] || return 1
	echo "$pid"
}
