// Package direct resolves the containerd references that name a container directly,
// containerd://[NAMESPACE/]ID or a nerdctl name, with one round trip of containerd's API
// (two for a name) spoken by hand (internal/grpcunix, protobuf fields coded here): the
// lean ddebug's resolver, which links neither gRPC nor containerd's client. What it cannot
// answer exactly (ID prefixes, a container not found in the namespace, a name of several)
// it leaves, as ErrNotDirect, to package containerd, which shares with it the container as
// a resolver sees it and the checks that turn one into a target (Running).
package direct
