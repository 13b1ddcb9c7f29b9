// Package clustertest gives end-to-end tests a handle on the single-node
// Kubernetes cluster that test/cluster/up.sh starts: its kubeconfigs, a
// kubectl runner, unique namespaces, and FROM-scratch images built with
// internal/ocibuild and loaded straight into the node's containerd (no
// registry is reachable, so pods use imagePullPolicy Never).
package clustertest
