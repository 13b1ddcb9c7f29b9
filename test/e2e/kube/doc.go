// Package kube holds the end-to-end tests of `kubectl ddebug` against the real single-node
// cluster of test/cluster (build tag e2e): the targets, profiles, reuse, failures, an
// interactive session through a pty, and the benchmark against kubectl debug and exec.
package kube
