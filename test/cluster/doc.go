// Package cluster holds the scripts that build and run a real single-node
// Kubernetes for the end-to-end tests (see README.md) and, behind the e2e
// build tag, the test that proves that cluster behaves like a real one.
package cluster
