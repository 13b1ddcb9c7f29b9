// Package containerd resolves containerd://[NAMESPACE/]ID references (and bare names) to
// the host PID of a running task, through containerd's own API: its containers, tasks,
// namespaces and version services over gRPC, with the containerd v2 module's dialer and
// namespace headers (not its client package, whose initialisation costs every command of
// the plugin 3.4 ms: see conn). It reads $CONTAINERD_ADDRESS and $CONTAINERD_NAMESPACE as
// ctr does; a container not found in the chosen namespace is looked for in the others
// (k8s.io, moby, ...), and an ID prefix matches too. Package direct, the lean ddebug's
// resolver of the references that name one container exactly, shares its syntax, its
// settings and the checks that turn a container into a target.
package containerd
