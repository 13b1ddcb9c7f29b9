#!/usr/bin/env bash
# up.sh: start the single-node e2e cluster (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, containerd, kubelet), wait until
# the node is Ready and a pod runs, and print the admin kubeconfig path.
#
# Idempotent: a healthy cluster is reused as it is; a broken one is torn
# down (down.sh) and started afresh. Needs root. Environment:
#   DDEBUG_E2E_STATE  state directory (default /var/lib/ddebug-e2e)
#   DDEBUG_E2E_NETNS  network namespace name (default ddebug-e2e)
#   DDEBUG_E2E_PORT   apiserver port, in the namespace and on the host's
#                     127.0.0.1 (default 16443)
#   DDEBUG_CACHE      binary cache (default ~/.cache/kubectl-ddebug)
# After it, "source $DDEBUG_E2E_STATE/env" sets KUBECONFIG, PATH (kubectl)
# and the DDEBUG_E2E_* variables the e2e tests read.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

NODE_NAME=ddebug-e2e-node
SOCK=$STATE/containerd/containerd.sock
PKI=$STATE/pki
RUN=$STATE/run
LOGS=$STATE/log

need_packages() {
	local missing=() pair
	for pair in runc:runc nsenter:util-linux ip:iproute2 iptables:iptables openssl:openssl htpasswd:apache2-utils curl:curl; do
		command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
	done
	[[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] ||
		missing+=(containernetworking-plugins)
	if ((${#missing[@]})); then
		log "installing ${missing[*]} from Debian"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
			die "could not install ${missing[*]}: run apt-get update and retry"
	fi
}

# healthy succeeds when every component of a previous up still runs, the
# apiserver answers and the node is Ready.
healthy() {
	local c
	[[ -f $STATE/env && -e /run/netns/$NETNS ]] || return 1
	for c in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet netns-forward \
		registry registry-auth registry-forward registry-auth-forward; do
		pid_of "$c" >/dev/null || return 1
	done
	"$BIN/kubectl" --kubeconfig "$STATE/admin.kubeconfig" get --raw /readyz >/dev/null 2>&1 || return 1
	[[ $("$BIN/kubectl" --kubeconfig "$STATE/admin.kubeconfig" get nodes \
		-o 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

# start NAME CMD... runs CMD in the cluster's network namespace, in its own
# session, logging to $LOGS/NAME.log, and records its pid.
start() {
	local name=$1
	shift
	PATH="$BIN:$PATH" setsid nsenter --net="/run/netns/$NETNS" -- "$@" >"$LOGS/$name.log" 2>&1 </dev/null 9>&- &
	echo $! >"$RUN/$name.pid"
}

# wait_for WHAT SECONDS CMD... polls CMD every 0.2s.
wait_for() {
	local what=$1 secs=$2
	shift 2
	local deadline=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		if ((SECONDS >= deadline)); then
			log "timed out after ${secs}s waiting for $what; last lines of the logs:"
			tail -n 5 "$LOGS"/*.log >&2 || true
			return 1
		fi
		sleep 0.2
	done
}

setup_netns() {
	ip netns add "$NETNS"
	in_netns ip link set lo up
	in_netns ip addr add "$NODE_IP/32" dev lo
}

# cert NAME CN [O] [SAN] [EKU] writes $PKI/NAME.{key,crt} signed by the CA.
cert() {
	local name=$1 cn=$2 org=${3:-} san=${4:-} eku=${5:-clientAuth}
	local subj="/CN=$cn"
	[[ -n $org ]] && subj="/O=$org$subj"
	openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key" 2>/dev/null
	{
		echo "basicConstraints=CA:FALSE"
		echo "keyUsage=critical,digitalSignature,keyEncipherment"
		echo "extendedKeyUsage=$eku"
		[[ -n $san ]] && echo "subjectAltName=$san"
	} >"$PKI/$name.ext"
	openssl req -new -key "$PKI/$name.key" -subj "$subj" 2>/dev/null |
		openssl x509 -req -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 30 \
			-extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
}

# kubeconfig NAME CERT writes $STATE/NAME.kubeconfig for the client cert
# $PKI/CERT.{crt,key}. The server address works both on the host (through
# netns-forward) and inside the namespace.
kubeconfig() {
	cat >"$STATE/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: ddebug-e2e
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $PKI/ca.crt
users:
- name: $1
  user:
    client-certificate: $PKI/$2.crt
    client-key: $PKI/$2.key
contexts:
- name: $1@ddebug-e2e
  context: {cluster: ddebug-e2e, user: $1}
current-context: $1@ddebug-e2e
EOF
}

make_pki() {
	mkdir -p "$PKI"
	openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key" 2>/dev/null
	openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=ddebug-e2e-ca" -days 30 \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-out "$PKI/ca.crt" 2>/dev/null
	openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
	openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null

	local first_service_ip=${SERVICE_CIDR%.*}.1
	cert apiserver kube-apiserver "" \
		"IP:127.0.0.1,IP:$NODE_IP,IP:$first_service_ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" \
		serverAuth
	cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
	cert kubelet-serving "$NODE_NAME" "" "IP:$NODE_IP,DNS:$NODE_NAME" serverAuth
	cert kubelet "system:node:$NODE_NAME" system:nodes
	cert admin ddebug-e2e-admin system:masters
	cert controller-manager system:kube-controller-manager
	cert scheduler system:kube-scheduler
	# A user with no rights of its own: the e2e tests grant it what they need.
	cert limited ddebug-e2e-limited ddebug-e2e-users
	cert registry ddebug-e2e-registry "" "IP:127.0.0.1,DNS:localhost" serverAuth

	kubeconfig admin admin
	kubeconfig limited limited
	kubeconfig controller-manager controller-manager
	kubeconfig scheduler scheduler
	kubeconfig kubelet kubelet
}

write_containerd_config() {
	local d=$STATE/containerd
	mkdir -p "$d" "$STATE/cni/net.d"
	cat >"$d/config.toml" <<EOF
# Everything under $d: this containerd must not touch the
# host's (Docker's) containerd, nor its default paths.
version = 3
root = "$d/root"
state = "$d/state"
imports = []

[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

[plugins."io.containerd.shim.v1.manager"]
  socket_dir = "$d/s"
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
[plugins."io.containerd.nri.v1.nri"]
  disable = true
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".registry]
    config_path = "$d/certs.d"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "$PAUSE_IMAGE"

[plugins."io.containerd.cri.v1.runtime"]
  # This VM cannot lower oom_score_adj: without it every pod fails with
  # "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  enable_selinux = false
  disable_apparmor = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        Root = "$d/runc"
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "$STATE/cni/net.d"
    max_conf_num = 1
EOF
	write_registry_hosts
	cat >"$STATE/cni/net.d/10-ddebug-e2e.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "ddebug-e2e",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CNI_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$STATE/cni/ipam",
        "ranges": [[{"subnet": "$POD_CIDR"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    }
  ]
}
EOF
}

# write_registry_hosts tells containerd where to pull from (hosts.toml,
# config_path): ghcr.io, where the plugin's default image lives, is served
# by the suite's registry and only by it (no fallback to the real ghcr.io,
# which is out of reach here), as a mirror on a user's cluster would be;
# the two registries by their own names too. All over TLS with the
# cluster's CA.
write_registry_hosts() {
	local certs=$STATE/containerd/certs.d host port
	for host in ghcr.io "127.0.0.1:$REGISTRY_PORT" "127.0.0.1:$AUTH_REGISTRY_PORT"; do
		port=$REGISTRY_PORT
		[[ $host == *:$AUTH_REGISTRY_PORT ]] && port=$AUTH_REGISTRY_PORT
		mkdir -p "$certs/$host"
		cat >"$certs/$host/hosts.toml" <<EOF
server = "https://127.0.0.1:$port"
ca = "$PKI/ca.crt"
EOF
	done
}

# start_registries starts the CNCF distribution registry twice in the
# namespace, beside containerd: on REGISTRY_PORT for anyone (ghcr.io's
# mirror) and on AUTH_REGISTRY_PORT behind htpasswd (user ddebug-e2e, the
# password in $STATE/registry/password), each with a forwarder from the
# host's 127.0.0.1, where the tests push.
start_registries() {
	local r=$STATE/registry name port auth
	mkdir -p "$r/bin"
	cp "$(registry_bin_dir)/registry" "$r/bin/registry"
	openssl rand -hex 12 >"$r/password"
	htpasswd -Bbn ddebug-e2e "$(cat "$r/password")" >"$r/htpasswd" 2>/dev/null
	for name in registry registry-auth; do
		port=$REGISTRY_PORT auth=""
		if [[ $name == registry-auth ]]; then
			port=$AUTH_REGISTRY_PORT
			auth="auth: {htpasswd: {realm: ddebug-e2e, path: $r/htpasswd}}"
		fi
		cat >"$r/$name.yaml" <<EOF
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $r/$name-data}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$port
  secret: ddebug-e2e-$name
  tls: {certificate: $PKI/registry.crt, key: $PKI/registry.key}
$auth
EOF
		start "$name" env OTEL_TRACES_EXPORTER=none "$r/bin/registry" serve "$r/$name.yaml"
		setsid "$STATE/netns-forward" -netns "/run/netns/$NETNS" \
			-listen "127.0.0.1:$port" -connect "127.0.0.1:$port" \
			>"$LOGS/$name-forward.log" 2>&1 </dev/null 9>&- &
		echo $! >"$RUN/$name-forward.pid"
	done
	wait_for "the registry" 30 curl -sf --cacert "$PKI/ca.crt" "https://127.0.0.1:$REGISTRY_PORT/v2/"
	wait_for "the registry with a password" 30 curl -s -o /dev/null --cacert "$PKI/ca.crt" "https://127.0.0.1:$AUTH_REGISTRY_PORT/v2/"
}

write_kubelet_config() {
	mkdir -p "$STATE/kubelet" "$STATE/pod-logs"
	cat >"$STATE/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization:
  mode: Webhook
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
containerRuntimeEndpoint: unix://$SOCK
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_ROOT
failCgroupV1: false
failSwapOn: false
resolvConf: ""
podLogsDir: $STATE/pod-logs
clusterDomain: cluster.local
# No registry is reachable: never collect the locally loaded images.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  nodefs.inodesFree: 1%
  imagefs.available: 1%
serializeImagePulls: false
syncFrequency: 10s
fileCheckFrequency: 10s
nodeStatusReportFrequency: 10s
EOF
}

# make_cgroups creates the kubelet's cgroup root in every v1 hierarchy.
make_cgroups() {
	local h
	for h in /sys/fs/cgroup/*/; do
		[[ -f $h/cgroup.procs ]] || continue
		mkdir -p "$h/$CGROUP_ROOT"
	done
}

load_pause_image() {
	local tmp=$STATE/images
	mkdir -p "$tmp"
	(cd "$repo" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/pause" ./test/cluster/cmd/pause &&
		go run ./test/cluster/cmd/mkimage -o "$tmp/pause.tar" -ref "$PAUSE_IMAGE" \
			-entrypoint /pause -user 65535:65535 /pause="$tmp/pause")
	"$here/load-image.sh" "$tmp/pause.tar" >/dev/null
}

start_cluster() {
	mkdir -p "$RUN" "$LOGS"
	# Host paths the kubelet and CNI hard-code: down.sh removes the ones
	# that did not exist before, once emptied of our entries.
	local d
	for d in /var/lib/kubelet /var/log/containers /var/lib/cni; do
		[[ -e $d ]] || echo "$d" >>"$STATE/created-host-dirs"
	done
	# The kubelet's device-plugin files, where /var/lib/kubelet was there
	# already: down.sh removes those that were not.
	local f
	for f in kubelet.sock kubelet_internal_checkpoint DEPRECATION; do
		[[ -e /var/lib/kubelet/device-plugins/$f ]] || echo "/var/lib/kubelet/device-plugins/$f" >>"$STATE/created-host-files"
	done
	setup_netns
	make_pki
	write_containerd_config
	write_kubelet_config
	make_cgroups

	(cd "$repo" && go build -o "$STATE/netns-forward" ./test/cluster/cmd/netns-forward)
	setsid "$STATE/netns-forward" -netns "/run/netns/$NETNS" \
		-listen "127.0.0.1:$APISERVER_PORT" -connect "127.0.0.1:$APISERVER_PORT" \
		>"$LOGS/netns-forward.log" 2>&1 </dev/null 9>&- &
	echo $! >"$RUN/netns-forward.pid"
	start_registries

	start etcd "$BIN/etcd" --name default --data-dir "$STATE/etcd" \
		--listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
		--listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
		--initial-cluster default=http://127.0.0.1:2380 --unsafe-no-fsync --log-level warn
	start containerd "$BIN/containerd" --config "$STATE/containerd/config.toml" --log-level warn

	start kube-apiserver "$BIN/kube-apiserver" \
		--etcd-servers http://127.0.0.1:2379 \
		--bind-address 0.0.0.0 --secure-port "$APISERVER_PORT" --advertise-address "$NODE_IP" \
		--tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
		--client-ca-file "$PKI/ca.crt" \
		--kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" \
		--kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
		--kubelet-certificate-authority "$PKI/ca.crt" \
		--kubelet-preferred-address-types InternalIP \
		--service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
		--service-account-issuer https://kubernetes.default.svc.cluster.local \
		--service-cluster-ip-range "$SERVICE_CIDR" \
		--authorization-mode Node,RBAC \
		--enable-admission-plugins NodeRestriction,PodSecurity \
		--allow-privileged=true --profiling=false --v=1

	# containerd needs the pause image before the kubelet creates sandboxes.
	wait_for containerd 30 "$BIN/ctr" --address "$SOCK" version
	load_pause_image

	local api_ok=("$BIN/kubectl" --kubeconfig "$STATE/admin.kubeconfig" get --raw /readyz)
	wait_for kube-apiserver 60 "${api_ok[@]}"

	start kube-controller-manager "$BIN/kube-controller-manager" \
		--kubeconfig "$STATE/controller-manager.kubeconfig" \
		--authentication-kubeconfig "$STATE/controller-manager.kubeconfig" \
		--authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
		--bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
		--service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" --v=1
	start kube-scheduler "$BIN/kube-scheduler" \
		--kubeconfig "$STATE/scheduler.kubeconfig" \
		--authentication-kubeconfig "$STATE/scheduler.kubeconfig" \
		--authorization-kubeconfig "$STATE/scheduler.kubeconfig" \
		--bind-address 127.0.0.1 --leader-elect=false --v=1
	start kubelet "$BIN/kubelet" --config "$STATE/kubelet/config.yaml" \
		--kubeconfig "$STATE/kubelet.kubeconfig" --root-dir "$STATE/kubelet" \
		--cert-dir "$PKI" --node-ip "$NODE_IP" --hostname-override "$NODE_NAME" --v=1
}

smoke_test() {
	local k=("$BIN/kubectl" --kubeconfig "$STATE/admin.kubeconfig")
	wait_for "node $NODE_NAME Ready" 90 "${k[@]}" wait --for=condition=Ready "node/$NODE_NAME" --timeout=2s
	wait_for "the default service account" 60 "${k[@]}" get serviceaccount default
	"${k[@]}" delete pod ddebug-e2e-smoke --ignore-not-found --wait=false >/dev/null
	"${k[@]}" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: ddebug-e2e-smoke, namespace: default}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 0
  securityContext: {runAsNonRoot: true, runAsUser: 65535, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: pause
    image: $PAUSE_IMAGE
    imagePullPolicy: Never
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
EOF
	wait_for "a pod to run" 60 "${k[@]}" wait --for=jsonpath='{.status.phase}'=Running pod/ddebug-e2e-smoke --timeout=2s
	"${k[@]}" delete pod ddebug-e2e-smoke --wait=false >/dev/null
}

write_env() {
	cat >"$STATE/env" <<EOF
export KUBECONFIG=$STATE/admin.kubeconfig
export DDEBUG_E2E_KUBECONFIG=$STATE/admin.kubeconfig
export DDEBUG_E2E_LIMITED_KUBECONFIG=$STATE/limited.kubeconfig
export DDEBUG_E2E_LIMITED_USER=ddebug-e2e-limited
export DDEBUG_E2E_STATE=$STATE
export DDEBUG_E2E_BIN=$BIN
export DDEBUG_E2E_REGISTRY=127.0.0.1:$REGISTRY_PORT
export DDEBUG_E2E_AUTH_REGISTRY=127.0.0.1:$AUTH_REGISTRY_PORT
export DDEBUG_E2E_AUTH_REGISTRY_USER=ddebug-e2e
export DDEBUG_E2E_AUTH_REGISTRY_PASSWORD=$(cat "$STATE/registry/password")
export DDEBUG_E2E_REGISTRY_CA=$PKI/ca.crt
export PATH=$BIN:\$PATH
EOF
}

main() {
	[[ $(id -u) == 0 ]] || die "up.sh needs root"
	lock_cluster
	need_packages
	BIN=$(bash "$here/build.sh")
	if healthy; then
		log "cluster already up"
		echo "$STATE/admin.kubeconfig"
		return
	fi
	if [[ -e $STATE || -e /run/netns/$NETNS ]]; then
		log "cleaning up a previous cluster"
		"$here/down.sh"
	fi
	local start=$SECONDS
	mkdir -p "$STATE"
	start_cluster
	smoke_test
	write_env
	log "cluster up in $((SECONDS - start))s; source $STATE/env, or KUBECONFIG=$STATE/admin.kubeconfig"
	echo "$STATE/admin.kubeconfig"
}

main "$@"
