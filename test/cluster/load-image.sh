#!/usr/bin/env bash
# load-image.sh TARBALL...: import "docker save"/OCI image tarballs into the
# e2e cluster's containerd (namespace k8s.io, where the kubelet looks), so
# pods can use them with imagePullPolicy Never or IfNotPresent: no
# registry is reachable. Keeps the names the tarballs carry.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

(($#)) || die "usage: load-image.sh TARBALL..."
BIN=$(bin_dir)
[[ -x $BIN/ctr ]] || die "no ctr in $BIN: run build.sh (or up.sh) first"
for tar in "$@"; do
	"$BIN/ctr" --address "$STATE/containerd/containerd.sock" -n k8s.io images import "$tar"
done
