// Package cri resolves cri://ID-PREFIX and k8s://NAMESPACE/POD[/CONTAINER] references to
// the host PID of a container, through the Container Runtime Interface (k8s.io/cri-api
// over gRPC) of the node's runtime: containerd's CRI plugin, CRI-O or cri-dockerd, the
// first socket that answers CRI v1. It needs no API server: this is how a node admin
// debugs a pod when the control plane is down. The PID comes from the verbose container
// status. $CONTAINER_RUNTIME_ENDPOINT selects the socket, as for crictl.
//
// k8s://NAMESPACE/POD without a container means the container the pod's
// kubectl.kubernetes.io/default-container annotation names, else its only running one:
// exited init containers do not count, nor ddebug's own debug containers when another
// container runs.
package cri
