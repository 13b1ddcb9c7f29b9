#!/usr/bin/env bash
# build.sh: build, or reuse from the cache, every binary the e2e test
# cluster runs, and print the directory that holds them.
#
# The binaries are cached by version under
#   ${DDEBUG_CACHE:-$HOME/.cache/kubectl-ddebug}/cluster-<versions>/bin
# and rebuilt only when that directory has no complete build (a ".done"
# stamp is written last, so an interrupted build is redone). From an empty
# cache the build takes about 8-9 minutes and 3.6 GB of memory on 2 cores.
#
# Kubernetes and etcd are built through the wrapper modules under modules/
# (their go.mod and go.sum are committed, so the build is reproducible);
# containerd, its runc shim and ctr install as they are.
#
# The registry the node pulls from (the CNCF distribution registry's
# `registry` command, go install'ed at REGISTRY_VERSION) is cached apart,
# in $CACHE/registry-<version>/bin, built the same way (about a minute).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

build_bins() {
	local out=$1 tmp
	tmp="$out.tmp.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local

	local v=$K8S_VERSION minor=${K8S_VERSION#v1.}
	minor=${minor%%.*}
	local ld="-s -w"
	local p
	for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ld+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor"
		ld+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
	done

	log "building kubernetes $v (several minutes)"
	(cd "$here/modules/k8s" && go build -trimpath -ldflags "$ld" -o "$tmp/" \
		k8s.io/kubernetes/cmd/kube-apiserver \
		k8s.io/kubernetes/cmd/kube-controller-manager \
		k8s.io/kubernetes/cmd/kube-scheduler \
		k8s.io/kubernetes/cmd/kubelet \
		k8s.io/kubernetes/cmd/kubectl)

	log "building etcd $ETCD_VERSION"
	(cd "$here/modules/etcd" && go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" .)

	log "building containerd $CONTAINERD_VERSION"
	GOBIN="$tmp" GOFLAGS="" go install -trimpath -ldflags "-s -w" \
		"github.com/containerd/containerd/v2/cmd/containerd@$CONTAINERD_VERSION" \
		"github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$CONTAINERD_VERSION" \
		"github.com/containerd/containerd/v2/cmd/ctr@$CONTAINERD_VERSION"

	touch "$tmp/.done"
	rm -rf "$out"
	mv "$tmp" "$out"
}

build_registry() {
	local out=$1 tmp
	tmp="$out.tmp.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	log "building the distribution registry $REGISTRY_VERSION"
	CGO_ENABLED=0 GOFLAGS="" GOTOOLCHAIN=local GOBIN="$tmp" go install -trimpath -ldflags "-s -w" \
		"github.com/distribution/distribution/v3/cmd/registry@$REGISTRY_VERSION"
	touch "$tmp/.done"
	rm -rf "$out"
	mv "$tmp" "$out"
}

main() {
	local out
	out=$(registry_bin_dir)
	if [[ ! -f $out/.done ]]; then
		local start=$SECONDS
		build_registry "$out"
		log "built the registry in $((SECONDS - start))s"
	fi
	out=$(bin_dir)
	if [[ -f $out/.done ]]; then
		log "reusing binaries in $out"
	else
		local start=$SECONDS
		build_bins "$out"
		log "built binaries in $((SECONDS - start))s"
	fi
	echo "$out"
}

main "$@"
