// Package direct resolves the containerd references that name a container directly,
// containerd://[NAMESPACE/]ID or a nerdctl name, with a round trip or two of containerd's
// API spoken by hand (internal/grpcunix, protobuf fields coded here): the lean ddebug's
// resolver, which links neither gRPC nor containerd's client. What it cannot answer
// exactly (ID prefixes, a container not found, a name of several) it leaves, as
// ErrNotDirect, to package containerd, which shares with it the container as a resolver
// sees it and the checks that turn one into a target (Running).
package direct
