// Package containerd resolves containerd://[NAMESPACE/]ID references (and bare names) to
// the host PID of a running task, through containerd's own API with the containerd v2 Go
// client. It reads $CONTAINERD_ADDRESS and $CONTAINERD_NAMESPACE as ctr does; a container
// not found in the chosen namespace is looked for in the others (k8s.io, moby, ...).
package containerd
